/**
 * Keeps the SnapshotCache current for connected proxies. On each resource change it works out
 * which proxies the change can affect, marks them, and regenerates only those, in one batch per
 * turn of the event loop (one MeshContext per changed mesh, shared by the batch):
 * - a Dataplane: its own proxy, and proxies that reach a destination it backs (its kuma.io/service
 *   values, the MeshServices that select it before or after the change, MeshMultiZoneServices
 *   over those);
 * - a MeshService / MeshMultiZoneService: proxies of its mesh that reached it, or reach it now
 *   (a change of `status.dataplaneProxies` alone affects no one, semantics 8.7);
 * - a route or policy (MeshHTTPRoute, MeshTCPRoute, MeshTimeout, MeshRetry, MeshCircuitBreaker):
 *   the proxies its top-level targetRef selects before or after the change (a status change
 *   affects no one); a MeshService or MeshMultiZoneService also affects the proxies of routes and
 *   policies that may name it (a backendRef that starts or stops resolving);
 * - a Mesh: every proxy of the mesh; the mesh's LegacyVips record: every proxy of the mesh, unless
 *   the mesh is Exclusive (no legacy destinations);
 * - a ZoneIngress: proxies that reach a MeshService synced from its zone (or a MeshMultiZoneService
 *   over one); a FlatEndpoints record: proxies that reach its MeshService (or an MMZS over it).
 * Which proxy reaches what is remembered from its last generation. Connected nodes come from the
 * ADS server hooks; a node gets a snapshot when its first stream opens, and its snapshot and
 * index are dropped when its last stream closes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { Resource } from '../core/resource.js';
import { SERVICE_TAG } from '../core/well-known-labels.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import { FLAT_ENDPOINTS_TYPE } from '../kds/flat-endpoints.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import { type MeshServicesMode, meshServicesModeOf, type MeshSpec } from '../resources/mesh/types.js';
import { selects } from '../resources/mesh-service/selection.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import { anySelects, onlyStatusChanged, policiesReferring } from '../policies/policy-reach.js';
import type { StoreEvent, StoreListener } from '../store/store.js';
import type { SnapshotCache } from './cache.js';
import type { EncodingMemo } from './envoy/encoding-memo.js';
import { destinationKey, legacyKey, serviceDestinations } from './generators/destinations.js';
import { generateProxyConfig } from './generators/profile.js';
import {
  clientOfNode,
  type DataplaneResource,
  type MeshContext,
  meshContextOf,
  type MeshServiceResource,
  type MultiZoneServiceResource,
  parseNodeId,
  type ProxyClient,
  proxyContextOf,
  type ResourceView,
} from './proxy-context.js';
import { buildSnapshot } from './snapshot.js';

export interface ProxySyncDeps {
  readonly cache: ResourceView & { onChange(listener: StoreListener): () => void };
  readonly snapshots: Pick<SnapshotCache, 'setSnapshot' | 'clearSnapshot'>;
  readonly logger: Logger;
  readonly memo?: EncodingMemo;
  readonly metrics?: Registry;
}

interface NodeState {
  readonly mesh: string;
  readonly client: ProxyClient;
  streams: number;
  /** `<kind>:<name>` keys of the destinations it reached at its last generation. */
  reached: ReadonlySet<string>;
}

export class ProxySync {
  private readonly nodes = new Map<string, NodeState>();
  /** `<mesh>\0<destination key>` -> nodes that reached it. */
  private readonly reachers = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private unsubscribe: (() => void) | undefined;
  private count = 0;
  private readonly counter: Counter<string>;

  constructor(private readonly deps: ProxySyncDeps) {
    const registry = deps.metrics ?? new Registry();
    const name = 'meshplane_xds_proxy_recomputations_total';
    const existing = registry.getSingleMetric(name);
    this.counter = existing instanceof Counter ? existing : new Counter({ name, help: 'Proxy configurations regenerated', registers: [registry] });
  }

  /** How many proxy configurations were generated so far. */
  get recomputations(): number {
    return this.count;
  }

  get connectedNodes(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** How a connected node talks xDS (from its Node at connect); undefined when not connected. */
  clientOf(nodeId: string): ProxyClient | undefined {
    return this.nodes.get(nodeId)?.client;
  }

  start(): void {
    this.unsubscribe ??= this.deps.cache.onChange((e) => this.onResourceChange(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** ADS hook: a stream of `nodeId` opened. The first stream gets a snapshot at once. */
  onConnect(nodeId: string, node: unknown): void {
    const known = this.nodes.get(nodeId);
    if (known !== undefined) {
      known.streams++;
      return;
    }
    const mesh = parseNodeId(nodeId)?.mesh ?? '';
    this.nodes.set(nodeId, { mesh, client: clientOfNode(node), streams: 1, reached: new Set() });
    this.regenerate([nodeId]);
  }

  /** ADS hook: a stream of `nodeId` closed; after the last one the node is forgotten. */
  onDisconnect(nodeId: string): void {
    const state = this.nodes.get(nodeId);
    if (state === undefined || --state.streams > 0) return;
    this.index(nodeId, state, new Set());
    this.nodes.delete(nodeId);
    this.dirty.delete(nodeId);
    this.deps.snapshots.clearSnapshot(nodeId);
  }

  /** Regenerates every marked proxy now (normally done once per event-loop turn). */
  flush(): void {
    this.scheduled = false;
    const batch = [...this.dirty].filter((n) => this.nodes.has(n));
    this.dirty.clear();
    this.regenerate(batch);
  }

  private regenerate(nodeIds: readonly string[]): void {
    const contexts = new Map<string, MeshContext | undefined>();
    for (const nodeId of nodeIds) {
      const state = this.nodes.get(nodeId);
      if (state === undefined) continue;
      if (!contexts.has(state.mesh)) contexts.set(state.mesh, meshContextOf(this.deps.cache, state.mesh));
      this.count++;
      this.counter.inc();
      const result = proxyContextOf(this.deps.cache, nodeId, { client: state.client, meshContext: contexts.get(state.mesh) });
      if (!result.ok) {
        this.deps.logger.warn({ nodeId, reason: result.reason }, 'no xds config for proxy');
        this.index(nodeId, state, new Set());
        this.deps.snapshots.clearSnapshot(nodeId);
        continue;
      }
      const config = generateProxyConfig(result.context);
      this.index(nodeId, state, new Set([...config.destinationKeys, ...config.backendKeys]));
      const outcome = this.deps.snapshots.setSnapshot(nodeId, buildSnapshot(config.resources, this.deps.memo));
      if (!outcome.ok) this.deps.logger.error({ nodeId, errors: outcome.errors }, 'generated xds config is inconsistent; previous snapshot kept');
    }
  }

  private index(nodeId: string, state: NodeState, reached: ReadonlySet<string>): void {
    for (const key of state.reached) if (!reached.has(key)) this.reachers.get(`${state.mesh}\u0000${key}`)?.delete(nodeId);
    for (const key of reached) {
      const k = `${state.mesh}\u0000${key}`;
      const set = this.reachers.get(k) ?? new Set<string>();
      set.add(nodeId);
      this.reachers.set(k, set);
    }
    state.reached = reached;
  }

  private onResourceChange(e: StoreEvent): void {
    const before = this.dirty.size;
    for (const nodeId of this.affectedBy(e)) if (this.nodes.has(nodeId)) this.dirty.add(nodeId);
    if (this.dirty.size > before && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private affectedBy(e: StoreEvent): Iterable<string> {
    const r = e.resource;
    const after = e.op === 'delete' ? undefined : r;
    // A delete event carries the deleted resource itself (no `previous`): it is the version that
    // tells which proxies reached it.
    const versions = [e.previous, e.op === 'delete' ? r : after].filter((x): x is Resource => x !== undefined);
    switch (r.type) {
      case 'Mesh':
        return this.nodesOfMesh(r.name);
      case LEGACY_VIPS_TYPE:
        return this.modeOf(r.mesh) === 'Exclusive' ? [] : this.nodesOfMesh(r.mesh);
      case 'Dataplane':
        return this.affectedByDataplane(r.mesh, r.name, versions as Resource<DataplaneSpec>[]);
      case 'MeshService':
        if (e.previous !== undefined && after !== undefined && sameButProxyCounts(e.previous, after)) return [];
        return [...this.affectedByService(r, 'msvc', after), ...this.reachersOf(r.mesh, this.multiZoneOver(r.mesh, versions)), ...this.affectedThroughPolicies(r.mesh, versions)];
      case 'MeshMultiZoneService':
        return [...this.affectedByService(r, 'mzsvc', after), ...this.affectedThroughPolicies(r.mesh, versions)];
      case 'MeshHTTPRoute':
      case 'MeshTCPRoute':
      case 'MeshTimeout':
      case 'MeshRetry':
      case 'MeshCircuitBreaker':
        return onlyStatusChanged(e.previous, after) ? [] : this.selectedBy(r.mesh, versions);
      case 'ZoneIngress':
        return this.affectedByRemoteZone(versions.map((v) => zoneOfIngress(v)));
      case FLAT_ENDPOINTS_TYPE: {
        const ms = this.deps.cache.get({ type: 'MeshService', mesh: r.mesh, name: r.name });
        return ms === undefined ? [] : this.reachersOf(r.mesh, [destinationKey('msvc', ms.name), ...this.multiZoneOver(r.mesh, [ms])]);
      }
      default:
        return [];
    }
  }

  /** Nodes of the mesh whose Dataplane some version of one of `policies` selects. */
  private selectedBy(mesh: string, policies: readonly Resource[], extraServices: readonly Resource[] = []): string[] {
    if (policies.length === 0) return [];
    const meshServices = [...this.deps.cache.list('MeshService', mesh), ...extraServices];
    return this.nodesOfMesh(mesh).filter((nodeId) => {
      const id = parseNodeId(nodeId);
      const dataplane = id === undefined ? undefined : (this.deps.cache.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) as DataplaneResource | undefined);
      return dataplane !== undefined && anySelects(policies, dataplane, meshServices);
    });
  }

  /** Nodes configured by a route or policy that may name a version of this destination. */
  private affectedThroughPolicies(mesh: string, versions: readonly Resource[]): string[] {
    const policies = POLICY_KINDS.flatMap((kind) => this.deps.cache.list(kind, mesh));
    return this.selectedBy(mesh, policiesReferring(policies, versions), versions.filter((v) => v.type === 'MeshService'));
  }

  private affectedByDataplane(mesh: string, name: string, versions: readonly Resource<DataplaneSpec>[]): Set<string> {
    const keys = new Set<string>();
    for (const dp of versions) {
      for (const i of inboundsOf(dp.spec)) if (i.tags?.[SERVICE_TAG]) keys.add(legacyKey(i.tags[SERVICE_TAG]));
    }
    const services = (this.deps.cache.list('MeshService', mesh) as MeshServiceResource[]).filter((ms) => versions.some((dp) => selects(ms, dp)));
    for (const ms of services) keys.add(destinationKey('msvc', ms.name));
    for (const key of this.multiZoneOver(mesh, services)) keys.add(key);
    return new Set([`${mesh}.${name}`, ...this.reachersOf(mesh, keys)]);
  }

  /** Nodes that reached the service, and nodes of its mesh that reach its new version. */
  private affectedByService(r: Resource, short: 'msvc' | 'mzsvc', after: Resource | undefined): Set<string> {
    const out = new Set(this.reachersOf(r.mesh, [destinationKey(short, r.name)]));
    if (after === undefined) return out;
    const mode = this.modeOf(r.mesh);
    for (const nodeId of this.nodesOfMesh(r.mesh)) {
      const id = parseNodeId(nodeId);
      const dataplane = id && (this.deps.cache.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) as DataplaneResource | undefined);
      if (out.has(nodeId) || !dataplane) continue;
      const reached =
        short === 'msvc'
          ? serviceDestinations({ dataplane, mode }, [after as MeshServiceResource], [])
          : serviceDestinations({ dataplane, mode }, [], [after as MultiZoneServiceResource]);
      if (reached.length > 0) out.add(nodeId);
    }
    return out;
  }

  /** Nodes that reach a MeshService synced from one of `zones`, or an MMZS over one. */
  private affectedByRemoteZone(zones: readonly string[]): string[] {
    const wanted = new Set(zones.filter((z) => z !== ''));
    const remote = (this.deps.cache.list('MeshService') as MeshServiceResource[]).filter(
      (ms) => ms.labels['kuma.io/origin'] === 'global' && wanted.has(ms.labels['kuma.io/zone'] ?? ''),
    );
    const byMesh = new Map<string, MeshServiceResource[]>();
    for (const ms of remote) byMesh.set(ms.mesh, [...(byMesh.get(ms.mesh) ?? []), ms]);
    return [...byMesh].flatMap(([mesh, list]) => this.reachersOf(mesh, [...list.map((ms) => destinationKey('msvc', ms.name)), ...this.multiZoneOver(mesh, list)]));
  }

  private modeOf(mesh: string): MeshServicesMode {
    const resource = this.deps.cache.get({ type: 'Mesh', mesh: '', name: mesh }) as Resource<MeshSpec> | undefined;
    return meshServicesModeOf(resource?.spec);
  }

  /** Keys of the MeshMultiZoneServices whose status lists one of these MeshServices. */
  private multiZoneOver(mesh: string, services: readonly Resource[]): string[] {
    const names = new Set(services.map((s) => s.labels['kuma.io/display-name'] || s.name));
    return (this.deps.cache.list('MeshMultiZoneService', mesh) as MultiZoneServiceResource[])
      .filter((z) => (z.status?.meshServices ?? []).some((m) => names.has(m.name)))
      .map((z) => destinationKey('mzsvc', z.name));
  }

  private reachersOf(mesh: string, keys: Iterable<string>): string[] {
    return [...keys].flatMap((k) => [...(this.reachers.get(`${mesh}\u0000${k}`) ?? [])]);
  }

  private nodesOfMesh(mesh: string): string[] {
    return [...this.nodes].filter(([, s]) => s.mesh === mesh).map(([id]) => id);
  }
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
