/**
 * Which connected proxies a store event can affect, for proxy-sync to regenerate only those:
 * - a Dataplane: its own proxy, and proxies that reach a destination it backs (its kuma.io/service
 *   values, the MeshServices that select it before or after the change, MeshMultiZoneServices
 *   over those), found through DestinationLookup, not by scanning the mesh's services;
 * - a MeshService / MeshMultiZoneService: proxies of its mesh that reached it, or reach it now
 *   (checked once per reach shape; a change of `status.dataplaneProxies` alone affects no one,
 *   semantics 8.7), and the proxies of routes and policies that may name it (a backendRef that
 *   starts or stops resolving), narrowed as below;
 * - a route or policy (MeshHTTPRoute, MeshTCPRoute, MeshTimeout, MeshRetry, MeshCircuitBreaker):
 *   the proxies its top-level targetRef selects before or after the change, and, when every `to`
 *   entry names Mesh*Services, only those of them that reached one it may name (policy-reach.ts);
 *   a status change affects no one;
 * - a Mesh: every proxy of the mesh; a LegacyVip record whose VIP in use changes (a hold starting,
 *   changing or ending does not): every proxy of the mesh, unless the mesh is Exclusive;
 * - a ZoneIngress: proxies that reach a MeshService synced from its zone (or a MeshMultiZoneService
 *   over one); a FlatEndpoints record: proxies that reach its MeshService (or an MMZS over it).
 * What each proxy reaches is what ProxyReachIndex remembers from its last generation. Nodes already
 * marked (`marked`) are not examined again where examining costs something.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Resource } from '../core/resource.js';
import { SERVICE_TAG } from '../core/well-known-labels.js';
import { LEGACY_VIP_TYPE, legacyVipInUseChanged } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import { FLAT_ENDPOINTS_TYPE } from '../kds/flat-endpoints.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import { type MeshServicesMode, meshServicesModeOf, type MeshSpec } from '../resources/mesh/types.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import { anySelects, destinationRefsOf, displayNamesOf, mayName, onlyStatusChanged, policiesReferring, selectsByMeshService } from '../policies/policy-reach.js';
import type { TargetRef } from '../resources/shared/target-ref.js';
import type { StoreEvent } from '../store/store.js';
import type { DestinationLookup } from './destination-lookup.js';
import { destinationKey, legacyKey, serviceDestinations } from './generators/destinations.js';
import { type DataplaneResource, type MeshServiceResource, type MultiZoneServiceResource, parseNodeId, type ResourceView } from './proxy-context.js';
import type { ProxyReachIndex } from './proxy-reach-index.js';

export interface AffectedProxiesDeps {
  readonly cache: ResourceView;
  readonly reach: ProxyReachIndex;
  readonly lookup: DestinationLookup;
  /** Nodes already marked for the next batch. */
  readonly marked: ReadonlySet<string>;
}

export class AffectedProxies {
  constructor(private readonly deps: AffectedProxiesDeps) {}

  private get reach(): ProxyReachIndex {
    return this.deps.reach;
  }

  private get lookup(): DestinationLookup {
    return this.deps.lookup;
  }

  /** Nodes the event can affect (connected or not: the caller keeps the connected ones). */
  of(e: StoreEvent): Iterable<string> {
    const r = e.resource;
    const after = e.op === 'delete' ? undefined : r;
    // A delete event carries the deleted resource itself (no `previous`): it is the version that
    // tells which proxies reached it.
    const versions = [e.previous, e.op === 'delete' ? r : after].filter((x): x is Resource => x !== undefined);
    switch (r.type) {
      case 'Mesh':
        return this.reach.nodesOf(r.name);
      case LEGACY_VIP_TYPE:
        return this.modeOf(r.mesh) === 'Exclusive' || !legacyVipInUseChanged(e) ? [] : this.reach.nodesOf(r.mesh);
      case LEGACY_VIPS_TYPE:
        return this.modeOf(r.mesh) === 'Exclusive' ? [] : this.reach.nodesOf(r.mesh);
      case 'Dataplane':
        return this.affectedByDataplane(r.mesh, r.name, versions as Resource<DataplaneSpec>[]);
      case 'MeshService':
        if (e.previous !== undefined && after !== undefined && sameButProxyCounts(e.previous, after)) return [];
        return [
          ...this.affectedByService(r, 'msvc', after, versions),
          ...this.reach.reachersOf(r.mesh, multiZoneKeys(this.lookup.multiZoneOver(r.mesh, versions))),
          ...this.affectedThroughPolicies(r.mesh, versions),
        ];
      case 'MeshMultiZoneService':
        return [...this.affectedByService(r, 'mzsvc', after, versions), ...this.affectedThroughPolicies(r.mesh, versions)];
      case 'MeshHTTPRoute':
      case 'MeshTCPRoute':
      case 'MeshTimeout':
      case 'MeshRetry':
      case 'MeshCircuitBreaker':
        return onlyStatusChanged(e.previous, after) ? [] : this.affectedByPolicies(r.mesh, versions, []);
      case 'ZoneIngress':
        return this.affectedByRemoteZone(versions.map((v) => zoneOfIngress(v)));
      case FLAT_ENDPOINTS_TYPE: {
        const ms = this.deps.cache.get({ type: 'MeshService', mesh: r.mesh, name: r.name });
        return ms === undefined ? [] : this.reach.reachersOf(r.mesh, [destinationKey('msvc', ms.name), ...multiZoneKeys(this.lookup.multiZoneOver(r.mesh, [ms]))]);
      }
      default:
        return [];
    }
  }

  /**
   * Nodes configured by a version of one of the policies: those it selects, narrowed, when all its
   * `to` entries name Mesh*Services, to those that reached one it may name. A changed destination's
   * own reachers (old and new) are the caller's; its versions only join the MeshServices that
   * selection by a MeshService targetRef reads. Already marked nodes are skipped.
   */
  private affectedByPolicies(mesh: string, policyVersions: readonly Resource[], destinationVersions: readonly Resource[]): Set<string> {
    const out = new Set<string>();
    if (policyVersions.length === 0) return out;
    const meshServices = selectsByMeshService(policyVersions) ? [...this.deps.cache.list('MeshService', mesh), ...destinationVersions.filter((v) => v.type === 'MeshService')] : [];
    for (const policy of policyVersions) {
      const refs = destinationRefsOf(policy);
      const candidates = refs === undefined ? this.reach.nodesOf(mesh) : this.reach.reachersOf(mesh, this.keysNamed(mesh, refs));
      for (const nodeId of candidates) {
        if (out.has(nodeId) || this.deps.marked.has(nodeId)) continue;
        const dataplane = this.dataplaneOf(nodeId);
        if (dataplane !== undefined && anySelects([policy], dataplane, meshServices)) out.add(nodeId);
      }
    }
    return out;
  }

  /** Keys of the destinations of `mesh` the `to` refs may name now (by display name, or by labels). */
  private keysNamed(mesh: string, refs: readonly TargetRef[]): Set<string> {
    const keys = new Set<string>();
    for (const ref of refs) {
      const kind = ref.kind ?? '';
      const names = displayNamesOf(ref);
      const found = names === undefined ? this.deps.cache.list(kind, mesh) : names.flatMap((n) => this.lookup.named(mesh, kind, n));
      for (const d of found) if (mayName(ref, d)) keys.add(destinationKey(d.type === 'MeshService' ? 'msvc' : 'mzsvc', d.name));
    }
    return keys;
  }

  /** Nodes configured by a route or policy that may name a version of this destination. */
  private affectedThroughPolicies(mesh: string, versions: readonly Resource[]): Set<string> {
    const policies = POLICY_KINDS.flatMap((kind) => this.deps.cache.list(kind, mesh));
    return this.affectedByPolicies(mesh, policiesReferring(policies, versions), versions);
  }

  private affectedByDataplane(mesh: string, name: string, versions: readonly Resource<DataplaneSpec>[]): string[] {
    const keys = new Set<string>();
    const services = new Map<string, MeshServiceResource>();
    for (const dp of versions) {
      for (const i of inboundsOf(dp.spec)) if (i.tags?.[SERVICE_TAG]) keys.add(legacyKey(i.tags[SERVICE_TAG]));
      for (const ms of this.lookup.selecting(dp)) services.set(ms.name, ms);
    }
    for (const ms of services.values()) keys.add(destinationKey('msvc', ms.name));
    for (const key of multiZoneKeys(this.lookup.multiZoneOver(mesh, [...services.values()]))) keys.add(key);
    return [`${mesh}.${name}`, ...this.reach.reachersOf(mesh, keys)];
  }

  /**
   * Nodes that reached the service, and nodes of its mesh that reach its new version: checked once
   * per reach shape (nodes not generated yet, or whose Dataplane changed since, are marked already).
   */
  private affectedByService(r: Resource, short: 'msvc' | 'mzsvc', after: Resource | undefined, versions: readonly Resource[]): Set<string> {
    const out = new Set(this.reach.reachersOf(r.mesh, [destinationKey(short, r.name)]));
    // Without a VIP or a hostname a destination gives no proxy a listener, a cluster or a name to
    // ask for (only a note): a service the generator just created is not worth a regeneration of
    // every proxy that will reach it; its VIP, a moment later, is.
    if (after === undefined || !versions.some(isAddressed)) return out;
    const mode = this.modeOf(r.mesh);
    const services = short === 'msvc' ? [after as MeshServiceResource] : [];
    const multiZone = short === 'mzsvc' ? [after as MultiZoneServiceResource] : [];
    for (const group of this.reach.shapesOf(r.mesh)) {
      if (serviceDestinations({ dataplane: group.dataplane, mode }, services, multiZone).length > 0) for (const n of group.members) out.add(n);
    }
    return out;
  }

  /** Nodes that reach a MeshService synced from one of `zones`, or an MMZS over one. */
  private affectedByRemoteZone(zones: readonly string[]): string[] {
    const byMesh = new Map<string, MeshServiceResource[]>();
    for (const zone of new Set(zones)) {
      if (zone === '') continue;
      for (const ms of this.lookup.syncedFrom(zone)) byMesh.set(ms.mesh, [...(byMesh.get(ms.mesh) ?? []), ms]);
    }
    return [...byMesh].flatMap(([mesh, list]) =>
      this.reach.reachersOf(mesh, [...list.map((ms) => destinationKey('msvc', ms.name)), ...multiZoneKeys(this.lookup.multiZoneOver(mesh, list))]),
    );
  }

  private dataplaneOf(nodeId: string): DataplaneResource | undefined {
    const id = parseNodeId(nodeId);
    return id === undefined ? undefined : (this.deps.cache.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) as DataplaneResource | undefined);
  }

  private modeOf(mesh: string): MeshServicesMode {
    const resource = this.deps.cache.get({ type: 'Mesh', mesh: '', name: mesh }) as Resource<MeshSpec> | undefined;
    return meshServicesModeOf(resource?.spec);
  }
}

/** Whether a Mesh*Service version has a VIP or a hostname (what makes it an outbound). */
function isAddressed(r: Resource): boolean {
  const status = (r.status ?? {}) as { readonly vips?: readonly unknown[]; readonly addresses?: readonly unknown[] };
  return (status.vips?.length ?? 0) > 0 || (status.addresses?.length ?? 0) > 0;
}

function multiZoneKeys(services: readonly MultiZoneServiceResource[]): string[] {
  return services.map((z) => destinationKey('mzsvc', z.name));
}

function zoneOfIngress(r: Resource): string {
  const spec = r.spec as { zone?: string } | undefined;
  return spec?.zone || r.labels['kuma.io/zone'] || '';
}

function withoutProxyCounts(r: Resource): unknown {
  const status = (r.status ?? {}) as Record<string, unknown>;
  const { dataplaneProxies: _ignored, ...rest } = status;
  return { labels: r.labels, spec: r.spec, status: rest };
}

function sameButProxyCounts(a: Resource, b: Resource): boolean {
  return isDeepStrictEqual(withoutProxyCounts(a), withoutProxyCounts(b));
}
