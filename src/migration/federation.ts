/**
 * The resources the plan reads, sorted by where they live, so that every zone's own view can be
 * rebuilt and then changed (docs/migration.md, "Where it runs"):
 * - on a global control plane: what global created itself (the Mesh, routes, policies,
 *   MeshMultiZoneServices, HostnameGenerators), and per zone what that zone sent up (its
 *   Dataplanes, MeshServices, zone-made policies...), renamed back to their names in the zone
 *   (global stores them hash-suffixed, with the name in `kuma.io/display-name`);
 * - on a standalone zone: everything is the zone's own.
 * Pure: the caller reads the store.
 */
import { displayName } from '../core/kri.js';
import { keyString, type Resource } from '../core/resource.js';
import { LABEL, SERVICE_TAG } from '../core/well-known-labels.js';
import { LEGACY_VIP_TYPE } from '../ipam/legacy-vip-records.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import type { PlanSite } from './types.js';

/** Every kind the plan reads (global-scoped ones are read whole, the others for one mesh). */
export const PLAN_MESH_KINDS: readonly string[] = ['Dataplane', 'MeshService', 'MeshMultiZoneService', LEGACY_VIP_TYPE, ...POLICY_KINDS];
export const PLAN_GLOBAL_KINDS: readonly string[] = ['Mesh', 'HostnameGenerator', 'ZoneIngress'];

export interface MigrationInputs {
  readonly mesh: string;
  readonly site: PlanSite;
  /** What the store holds of PLAN_MESH_KINDS (this mesh) and PLAN_GLOBAL_KINDS. */
  readonly resources: readonly Resource[];
  readonly now: Date;
}

export interface Federation {
  readonly mesh: string;
  readonly site: PlanSite;
  readonly meshResource: Resource;
  /**
   * Resources that live where the plan runs and that `migrate apply` may write: on global, what
   * global created; on a standalone zone, the zone's own (then also in `zones`).
   */
  readonly siteOwned: readonly Resource[];
  /** Zone -> its own resources, named as in the zone. On a standalone zone: everything. */
  readonly zones: ReadonlyMap<string, readonly Resource[]>;
  /** keyString of a zone-local resource (as in its zone) -> its name where the plan runs. */
  readonly siteNames: ReadonlyMap<string, string>;
}

export function zoneKey(zone: string, r: Pick<Resource, 'type' | 'mesh' | 'name'>): string {
  return `${zone}\u0000${keyString(r)}`;
}

function fromZone(r: Resource): string | undefined {
  return r.labels[LABEL.origin] === 'zone' ? r.labels[LABEL.zone] : undefined;
}

/** Throws when the mesh does not exist (the caller checks first and answers 404). */
export function federationOf(inputs: MigrationInputs): Federation {
  const meshResource = inputs.resources.find((r) => r.type === 'Mesh' && r.name === inputs.mesh);
  if (meshResource === undefined) throw new Error(`mesh '${inputs.mesh}' does not exist`);
  const ours = inputs.resources.filter((r) => r.type === 'Mesh' ? r.name === inputs.mesh : r.mesh === '' || r.mesh === inputs.mesh);
  if (inputs.site.kind === 'standalone') {
    return { mesh: inputs.mesh, site: inputs.site, meshResource, siteOwned: ours, zones: new Map([[inputs.site.zone, ours]]), siteNames: new Map() };
  }
  const siteOwned: Resource[] = [];
  const zones = new Map<string, Resource[]>();
  const siteNames = new Map<string, string>();
  for (const r of ours) {
    const zone = fromZone(r);
    if (zone === undefined || zone === '') {
      siteOwned.push(r);
      continue;
    }
    const local = { ...r, name: displayName(r) };
    siteNames.set(zoneKey(zone, local), r.name);
    zones.set(zone, [...(zones.get(zone) ?? []), local]);
  }
  return { mesh: inputs.mesh, site: inputs.site, meshResource, siteOwned, zones, siteNames };
}

/** The name a zone's resource has where the plan runs. */
export function siteNameOf(fed: Federation, zone: string, r: Pick<Resource, 'type' | 'mesh' | 'name'>): string {
  return fed.siteNames.get(zoneKey(zone, r)) ?? r.name;
}

export type DataplaneResource = Resource<DataplaneSpec>;

export function dataplanesOf(resources: readonly Resource[], mesh: string): DataplaneResource[] {
  return resources.filter((r): r is DataplaneResource => r.type === 'Dataplane' && r.mesh === mesh);
}

/** `kuma.io/service` value -> zone -> how many Dataplanes carry it there. */
export function servicesByZone(fed: Federation): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [zone, resources] of fed.zones) {
    for (const dp of dataplanesOf(resources, fed.mesh)) {
      const values = new Set(inboundsOf(dp.spec).map((i) => i.tags?.[SERVICE_TAG]).filter((v): v is string => !!v));
      for (const v of values) {
        const zonesOf = out.get(v) ?? new Map<string, number>();
        zonesOf.set(zone, (zonesOf.get(zone) ?? 0) + 1);
        out.set(v, zonesOf);
      }
    }
  }
  return out;
}
