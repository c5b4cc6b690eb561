/**
 * Each zone's view of the mesh in one state of the migration (a mode, plus resources written where
 * the plan runs: new MeshMultiZoneServices, rewritten routes and policies), as that zone's control
 * plane would hold it once everything has settled:
 * 1. the edits land where the plan runs; the Mesh gets the state's mode;
 * 2. every zone's MeshService generator runs on the zone's own Dataplanes (the real, pure
 *    generator), creating, updating or (Disabled) deleting its MeshServices;
 * 3. multi-zone sync: zone resources go up to global and on to the other zones, global's down to
 *    every zone, through the real sync rules (hash-suffixed names, origin labels, no status);
 * 4. what the zone computes itself: VIPs, hostnames, MMZS matches, legacy VIPs (view-fill.ts).
 */
import { keyString, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { toGlobal, toZone } from '../kds/sync-rules.js';
import type { MeshServicesMode, MeshSpec } from '../resources/mesh/types.js';
import { type GenerationPlan, generateMeshServices, isLocal, type MeshServiceResource } from '../resources/mesh-service/generate.js';
import type { ResourceView } from '../xds/proxy-context.js';
import { dataplanesOf, type Federation } from './federation.js';
import { fillZoneComputed } from './view-fill.js';

export interface MigrationState {
  readonly mode: MeshServicesMode;
  /** Resources created or replaced where the plan runs (same key replaces). */
  readonly edits: readonly Resource[];
}

export interface ZoneView {
  readonly zone: string;
  readonly view: ResourceView;
  /** What the zone's MeshService generator does in this state. */
  readonly generation: GenerationPlan;
  /** The zone's own MeshServices in this state (as named in the zone). */
  readonly localMeshServices: readonly MeshServiceResource[];
  /** VIPs made up for the simulation (the zone allocates the real ones). */
  readonly placeholderVips: ReadonlySet<string>;
}

/** A read-only view over a fixed list (what generation reads). */
export class ListView implements ResourceView {
  private readonly byKey = new Map<string, Resource>();
  constructor(resources: Iterable<Resource>) {
    for (const r of resources) this.byKey.set(keyString(r), r);
  }
  list(type: string, mesh?: string): Resource[] {
    return [...this.byKey.values()].filter((r) => r.type === type && (mesh === undefined || r.mesh === mesh));
  }
  get(key: ResourceKey): Resource | undefined {
    return this.byKey.get(keyString(key));
  }
}

export function withMode(mesh: Resource, mode: MeshServicesMode): Resource {
  const spec = (mesh.spec ?? {}) as MeshSpec;
  return { ...mesh, spec: { ...spec, meshServices: { ...(spec.meshServices ?? {}), mode } } };
}

function applyEdits(resources: readonly Resource[], edits: readonly Resource[]): Resource[] {
  const byKey = new Map(resources.map((r) => [keyString(r), r]));
  for (const e of edits) byKey.set(keyString(e), e);
  return [...byKey.values()];
}

function stamped(r: NewResource, like: { readonly creationTime: string } | undefined, now: Date): Resource {
  const time = like?.creationTime ?? now.toISOString();
  return { ...r, creationTime: time, modificationTime: time, version: 1 };
}

/** The generator's plan applied to the zone's own resources. */
function generate(fed: Federation, zone: string, own: readonly Resource[], mode: MeshServicesMode, now: Date): { resources: Resource[]; plan: GenerationPlan } {
  const existing = own.filter((r): r is MeshServiceResource => r.type === 'MeshService' && r.mesh === fed.mesh && isLocal(r));
  const plan = generateMeshServices({ mesh: fed.mesh, mode, zone, dataplanes: dataplanesOf(own, fed.mesh), existing, now });
  const byKey = new Map(own.map((r) => [keyString(r), r]));
  for (const d of plan.delete) byKey.delete(keyString(d.key));
  for (const u of plan.update) {
    const old = byKey.get(keyString(u.resource));
    byKey.set(keyString(u.resource), { ...stamped(u.resource, old, now), version: u.resource.version + 1 });
  }
  for (const c of plan.create) byKey.set(keyString(c), stamped(c, undefined, now));
  return { resources: [...byKey.values()], plan };
}

function sent(outcome: ReturnType<typeof toZone>, from: Resource, now: Date): Resource[] {
  return outcome.action === 'send' ? [stamped(outcome.resource, from, now)] : [];
}

export function zoneViewsOf(fed: Federation, state: MigrationState, now: Date): Map<string, ZoneView> {
  const mesh = withMode(fed.meshResource, state.mode);
  const edits = [mesh, ...state.edits];
  const standalone = fed.site.kind === 'standalone';
  const siteOwned = standalone ? [] : applyEdits(fed.siteOwned, edits);
  const own = new Map<string, { resources: Resource[]; plan: GenerationPlan }>();
  for (const [zone, resources] of fed.zones) {
    own.set(zone, generate(fed, zone, standalone ? applyEdits(resources, edits) : resources, state.mode, now));
  }
  // Zone -> global: each zone's own resources as global stores them.
  const upstream = [...own].flatMap(([zone, { resources }]) => resources.flatMap((r) => sent(toGlobal(r, zone), r, now)));
  const views = new Map<string, ZoneView>();
  for (const [zone, { resources, plan }] of own) {
    const received = standalone ? [] : [...siteOwned, ...upstream].flatMap((r) => sent(toZone(r, zone, { targetFlatNetwork: true }), r, now));
    const filled = fillZoneComputed([...resources, ...received], fed.mesh, zone, now);
    const localMeshServices = resources.filter((r): r is MeshServiceResource => r.type === 'MeshService' && r.mesh === fed.mesh && isLocal(r));
    views.set(zone, { zone, view: new ListView(filled.resources), generation: plan, localMeshServices, placeholderVips: filled.placeholders });
  }
  return views;
}
