/**
 * The routes and policies of one mesh, their `to` entries resolved once (resolution does not
 * depend on the proxy), then narrowed per proxy by the top-level targetRef, then per destination
 * port (traffic doc 4.1): an entry applies to a port when it targets the Mesh, the whole service,
 * or that port's section; the applicable entries come back in merge order.
 */
import type { Resource } from '../core/resource.js';
import type { TargetRef } from '../resources/shared/target-ref.js';
import { type DestinationCatalog, entryId } from './destination-catalog.js';
import { compareMergeOrder, type MergeOrderKey, mergeOrderKey } from './merge-order.js';
import { type ProxyFacts, selectsProxy } from './match-proxy.js';
import { resolveTargetRef, type TargetResolution } from './resolve-ref.js';

export const POLICY_KINDS = ['MeshHTTPRoute', 'MeshTCPRoute', 'MeshTimeout', 'MeshRetry', 'MeshCircuitBreaker'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export interface ToEntry {
  readonly kind: PolicyKind;
  readonly policy: Resource;
  /** `MeshTimeout/slow-calls`: how the explain view names where a setting came from. */
  readonly source: string;
  /** Position in `spec.to`. */
  readonly index: number;
  readonly topLevel: TargetRef | undefined;
  readonly targetRef: TargetRef | undefined;
  readonly resolution: TargetResolution;
  /** Policies: the entry's `default`; routes: the entry itself (`rules`). */
  readonly conf: unknown;
  readonly order: MergeOrderKey;
}

interface PolicySpec {
  readonly targetRef?: TargetRef;
  readonly to?: readonly { readonly targetRef?: TargetRef; readonly default?: unknown; readonly rules?: unknown }[];
}

export type PolicyResources = Readonly<Record<PolicyKind, readonly Resource[]>>;

/** The routes and policies of one mesh from anything that lists resources (the ResourceCache). */
export function policyResourcesOf(view: { list(type: string, mesh?: string): Resource[] }, mesh: string): PolicyResources {
  const byName = (a: Resource, b: Resource): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    MeshHTTPRoute: view.list('MeshHTTPRoute', mesh).sort(byName),
    MeshTCPRoute: view.list('MeshTCPRoute', mesh).sort(byName),
    MeshTimeout: view.list('MeshTimeout', mesh).sort(byName),
    MeshRetry: view.list('MeshRetry', mesh).sort(byName),
    MeshCircuitBreaker: view.list('MeshCircuitBreaker', mesh).sort(byName),
  };
}

export function sourceOf(r: { readonly type: string; readonly name: string }): string {
  return `${r.type}/${r.name}`;
}

const isRoute = (kind: PolicyKind): boolean => kind === 'MeshHTTPRoute' || kind === 'MeshTCPRoute';

export class MeshPolicies {
  readonly entries: readonly ToEntry[];

  constructor(
    resources: PolicyResources,
    readonly catalog: DestinationCatalog,
  ) {
    const entries: ToEntry[] = [];
    for (const kind of POLICY_KINDS) {
      for (const policy of resources[kind]) {
        const spec = (policy.spec ?? {}) as PolicySpec;
        (spec.to ?? []).forEach((to, index) => {
          entries.push({
            kind,
            policy,
            source: sourceOf(policy),
            index,
            topLevel: spec.targetRef,
            targetRef: to.targetRef,
            resolution: resolveTargetRef(to.targetRef, policy, catalog),
            conf: isRoute(kind) ? { rules: to.rules } : to.default,
            order: mergeOrderKey(policy, spec.targetRef, to.targetRef),
          });
        });
      }
    }
    this.entries = entries.sort((a, b) => compareMergeOrder(a.order, b.order));
  }

  /** The entries whose policy configures this proxy. */
  forProxy(facts: ProxyFacts): ProxyPolicies {
    const selected = new Map<Resource, boolean>();
    const chosen = this.entries.filter((e) => {
      let yes = selected.get(e.policy);
      if (yes === undefined) {
        yes = selectsProxy(e.policy, e.topLevel, facts);
        selected.set(e.policy, yes);
      }
      return yes;
    });
    return new ProxyPolicies(chosen);
  }
}

export class ProxyPolicies {
  private readonly meshWide = new Map<PolicyKind, ToEntry[]>();
  private readonly byDestination = new Map<string, ToEntry[]>();

  constructor(readonly entries: readonly ToEntry[]) {
    for (const e of entries) {
      if (e.resolution.scope === 'mesh') {
        this.meshWide.set(e.kind, [...(this.meshWide.get(e.kind) ?? []), e]);
        continue;
      }
      const ids = new Set(e.resolution.targets.map((t) => entryId(t.entry)));
      for (const id of ids) {
        const key = `${e.kind}\u0000${id}`;
        this.byDestination.set(key, [...(this.byDestination.get(key) ?? []), e]);
      }
    }
  }

  /**
   * Entries of `kind` that apply to one port of a destination (`destId` from destinationId;
   * undefined for a `kuma.io/service` destination, which only Mesh-wide entries reach), in merge order.
   */
  forPort(kind: PolicyKind, destId: string | undefined, sectionName: string): ToEntry[] {
    const mesh = this.meshWide.get(kind) ?? [];
    if (destId === undefined) return mesh;
    const direct = (this.byDestination.get(`${kind}\u0000${destId}`) ?? []).filter((e) =>
      e.resolution.scope === 'destinations'
        ? e.resolution.targets.some((t) => entryId(t.entry) === destId && (t.sectionName === undefined || t.sectionName === sectionName))
        : false,
    );
    if (direct.length === 0) return mesh;
    return [...mesh, ...direct].sort((a, b) => compareMergeOrder(a.order, b.order));
  }
}
