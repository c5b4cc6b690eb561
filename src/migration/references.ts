/**
 * The routes and policies to rewrite: which references name a destination the old way, the
 * reference each needs, whether `migrate apply` can write it where the plan runs (a policy a zone
 * created lives in that zone and must be changed there), and what each resolves to today and after
 * the migration, by the real resolver (src/policies/resolve-ref.ts) on each zone's view.
 */
import type { Resource } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import { DestinationCatalog } from '../policies/destination-catalog.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import { resolveBackendRef, resolveTargetRef } from '../policies/resolve-ref.js';
import type { BackendRef } from '../resources/shared/target-ref.js';
import { type Federation, siteNameOf } from './federation.js';
import { needsRewrite, rewriteOf } from './reference-rewrite.js';
import { type FoundReference, rewriteSpec, scanReferences } from './reference-scan.js';
import type { ReferencePlan, ServicePlan } from './types.js';
import type { ZoneView } from './zone-views.js';

export interface PlannedReference {
  readonly found: FoundReference;
  /** The referrer's zone (created in a zone), undefined when created on global. */
  readonly zone: string | undefined;
  readonly siteName: string;
  readonly applicable: boolean;
  readonly rewrite?: BackendRef;
  readonly target?: string;
  readonly problem?: string;
}

const isPolicy = (r: Resource): boolean => (POLICY_KINDS as readonly string[]).includes(r.type);

/** The routes and policies the plan can see, with the zone each was created in. */
function referrers(fed: Federation): { policy: Resource; zone: string | undefined; applicable: boolean }[] {
  if (fed.site.kind === 'standalone') {
    const zone = fed.site.zone;
    return fed.siteOwned.filter(isPolicy).map((policy) => ({ policy, zone: policy.labels[LABEL.zone] ?? zone, applicable: true }));
  }
  const own = fed.siteOwned.filter(isPolicy).map((policy) => ({ policy, zone: undefined, applicable: true }));
  const zoned = [...fed.zones].flatMap(([zone, rs]) => rs.filter(isPolicy).map((policy) => ({ policy, zone, applicable: false })));
  return [...own, ...zoned];
}

export function planReferences(fed: Federation, services: readonly ServicePlan[]): PlannedReference[] {
  const byService = new Map(services.map((s) => [s.service, s]));
  const out: PlannedReference[] = [];
  for (const { policy, zone, applicable } of referrers(fed)) {
    for (const found of scanReferences([policy], new Set(byService.keys()))) {
      const plan = byService.get(found.service);
      if (plan === undefined || !needsRewrite(found, plan, zone)) continue;
      const outcome = rewriteOf(found, plan, zone);
      const siteName = zone === undefined || fed.site.kind === 'standalone' ? policy.name : siteNameOf(fed, zone, policy);
      out.push({ found, zone, siteName, applicable: applicable && outcome.rewrite !== undefined, ...outcome });
    }
  }
  return out;
}

/** Site-owned routes and policies with every applicable rewrite written in. */
export function rewrittenPolicies(planned: readonly PlannedReference[]): Resource[] {
  const byPolicy = new Map<Resource, PlannedReference[]>();
  for (const p of planned) if (p.applicable && p.rewrite !== undefined) byPolicy.set(p.found.policy, [...(byPolicy.get(p.found.policy) ?? []), p]);
  return [...byPolicy].map(([policy, refs]) => ({ ...policy, spec: rewriteSpec(policy.spec, refs.map((r) => ({ path: r.found.path, value: r.rewrite }))) }));
}

function describeIn(zv: ZoneView | undefined, mesh: string, ref: BackendRef, position: FoundReference['position'], origin: Resource): string {
  if (zv === undefined) return 'no zone to resolve it in';
  const catalog = new DestinationCatalog(zv.view.list('MeshService', mesh), zv.view.list('MeshMultiZoneService', mesh));
  const where = (e: { kind: string; displayName: string; zone: string }): string => `${e.kind} ${e.displayName}${e.zone ? ` of zone ${e.zone}` : ''}`;
  if (position === 'to') {
    const r = resolveTargetRef(ref, origin, catalog);
    if (r.scope === 'mesh') return 'the whole mesh';
    if (r.targets.length === 0) return `nothing: ${r.problem?.reason ?? 'no match'}`;
    return r.targets.map((t) => `${where(t.entry)}${t.sectionName ? ` port ${t.sectionName}` : ''}`).join('; ');
  }
  const r = resolveBackendRef(ref, origin, catalog);
  return r.ok ? `${where(r.entry)} port ${r.port.sectionName}` : `nothing: ${r.reason}`;
}

/** The zone whose view a reference is read in: its own, else the first zone the service runs in. */
function zoneFor(p: PlannedReference, services: ReadonlyMap<string, ServicePlan>): string | undefined {
  return p.zone ?? services.get(p.found.service)?.zones[0];
}

export function referencePlans(
  fed: Federation,
  planned: readonly PlannedReference[],
  services: readonly ServicePlan[],
  before: ReadonlyMap<string, ZoneView>,
  after: ReadonlyMap<string, ZoneView>,
): ReferencePlan[] {
  const byService = new Map(services.map((s) => [s.service, s]));
  return planned.map((p) => {
    const zone = zoneFor(p, byService);
    const origin = p.found.policy;
    const today = describeIn(zone === undefined ? undefined : before.get(zone), fed.mesh, p.found.ref, p.found.position, origin);
    const afterRef = p.applicable && p.rewrite !== undefined ? p.rewrite : p.found.ref;
    const later = describeIn(zone === undefined ? undefined : after.get(zone), fed.mesh, afterRef, p.found.position, origin);
    const notHere = p.zone !== undefined && fed.site.kind === 'global' ? `created in zone ${p.zone}: change it on that zone's control plane` : undefined;
    return {
      resource: `${origin.type}/${p.siteName}`,
      origin: p.zone === undefined ? 'global' : `zone ${p.zone}`,
      field: p.found.field,
      current: p.found.ref,
      ...(p.rewrite === undefined ? {} : { rewrite: p.rewrite }),
      ...(p.target === undefined ? {} : { target: p.target }),
      ...(p.problem !== undefined ? { problem: p.problem } : notHere !== undefined ? { problem: notHere } : {}),
      applicable: p.applicable,
      today,
      after: later,
    };
  });
}
