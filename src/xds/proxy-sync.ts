/**
 * Keeps the SnapshotCache current for connected proxies. On each resource change it asks
 * AffectedProxies which connected proxies the change can affect (nothing at all while no proxy is
 * connected), marks them, and regenerates the marked ones in one batch per turn of the event loop,
 * with one MeshContext per mesh per batch from the MeshContextSource. A connect marks its node the
 * same way, so a storm of connects shares one batch (the ADS stream waits for the first snapshot).
 * What each generation reached is remembered in ProxyReachIndex; the MeshServices and
 * MeshMultiZoneServices are indexed in DestinationLookup, kept current from the same events.
 * Connected nodes come from the ADS server hooks; a node's snapshot and index are dropped when its
 * last stream closes.
 */
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { StoreEvent, StoreListener } from '../store/store.js';
import { AffectedProxies } from './affected-proxies.js';
import type { SnapshotCache } from './cache.js';
import { DestinationLookup } from './destination-lookup.js';
import type { EncodingMemo } from './envoy/encoding-memo.js';
import { generateProxyLayers, type ProxyConfigLayers } from './generators/profile.js';
import { clientOfNode, type DataplaneResource, freshMeshContexts, type MeshContext, type MeshContextSource, parseNodeId, type ProxyClient, proxyContextOf, type ResourceView } from './proxy-context.js';
import { ProxyReachIndex } from './proxy-reach-index.js';
import { buildSnapshot, type XdsSnapshot } from './snapshot.js';
import { layeredSnapshot, snapshotLayerOf } from './snapshot-layer.js';

export interface ProxySyncDeps {
  readonly cache: ResourceView & { onChange(listener: StoreListener): () => void };
  readonly snapshots: Pick<SnapshotCache, 'setSnapshot' | 'clearSnapshot'>;
  readonly logger: Logger;
  readonly memo?: EncodingMemo;
  readonly metrics?: Registry;
  /** Where a batch gets the MeshContext of each mesh (once per mesh per batch); fresh ones by default. */
  readonly contexts?: MeshContextSource;
}

interface NodeState {
  readonly mesh: string;
  readonly client: ProxyClient;
  streams: number;
  /** What ProxyReachIndex last recorded for the node (undefined: nothing yet, or cleared). */
  recorded?: { readonly dataplane: DataplaneResource; readonly reached: ReadonlySet<string> };
}

/**
 * The snapshot of a proxy's config layers: its own resources over the shared part's layer (encoded,
 * summed and checked once per part), or its own resources alone when it shares nothing.
 */
export function snapshotOfLayers(layers: ProxyConfigLayers, memo?: EncodingMemo): XdsSnapshot {
  if (layers.shared === undefined) return buildSnapshot(layers.own.resources, memo);
  return layeredSnapshot(snapshotLayerOf(layers.own.resources, memo), snapshotLayerOf(layers.shared.resources, memo));
}

/** Answers by pair of set objects: the proxies of one shape compare the same two sets. */
const compared = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, boolean>>();

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  let answers = compared.get(a);
  if (answers === undefined) compared.set(a, (answers = new WeakMap()));
  let same = answers.get(b);
  if (same === undefined) {
    same = true;
    for (const x of a) if (!b.has(x)) same = false;
    answers.set(b, same);
  }
  return same;
}

export class ProxySync {
  private readonly nodes = new Map<string, NodeState>();
  private readonly reach = new ProxyReachIndex();
  private readonly lookup = new DestinationLookup();
  private readonly affected: AffectedProxies;
  private readonly contexts: MeshContextSource;
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
    this.contexts = deps.contexts ?? freshMeshContexts(deps.cache);
    this.affected = new AffectedProxies({ cache: deps.cache, reach: this.reach, lookup: this.lookup, marked: this.dirty });
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
    if (this.unsubscribe !== undefined) return;
    this.lookup.fill(this.deps.cache);
    this.unsubscribe = this.deps.cache.onChange((e) => this.onResourceChange(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * ADS hook: a stream of `nodeId` opened. The first stream marks the node like a change does, so
   * the connects of one event-loop turn are generated in one batch (one MeshContext per mesh).
   */
  onConnect(nodeId: string, node: unknown): void {
    const known = this.nodes.get(nodeId);
    if (known !== undefined) {
      known.streams++;
      return;
    }
    const mesh = parseNodeId(nodeId)?.mesh ?? '';
    this.nodes.set(nodeId, { mesh, client: clientOfNode(node), streams: 1 });
    this.reach.add(nodeId, mesh);
    this.mark([nodeId]);
  }

  /** ADS hook: a stream of `nodeId` closed; after the last one the node is forgotten. */
  onDisconnect(nodeId: string): void {
    const state = this.nodes.get(nodeId);
    if (state === undefined || --state.streams > 0) return;
    this.reach.remove(nodeId);
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

  private mark(nodeIds: Iterable<string>): void {
    const before = this.dirty.size;
    for (const nodeId of nodeIds) if (this.nodes.has(nodeId)) this.dirty.add(nodeId);
    if (this.dirty.size > before && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private regenerate(nodeIds: readonly string[]): void {
    const contexts = new Map<string, MeshContext | undefined>();
    for (const nodeId of nodeIds) {
      const state = this.nodes.get(nodeId);
      if (state === undefined) continue;
      if (!contexts.has(state.mesh)) contexts.set(state.mesh, this.contexts.contextOf(state.mesh));
      this.count++;
      this.counter.inc();
      const result = proxyContextOf(this.deps.cache, nodeId, { client: state.client, meshContext: contexts.get(state.mesh) });
      if (!result.ok) {
        this.deps.logger.warn({ nodeId, reason: result.reason }, 'no xds config for proxy');
        this.reach.record(nodeId, undefined, new Set());
        state.recorded = undefined;
        this.deps.snapshots.clearSnapshot(nodeId);
        continue;
      }
      try {
        const layers = generateProxyLayers(result.context);
        this.recordReach(nodeId, state, result.context.dataplane, layers.reached);
        const outcome = this.deps.snapshots.setSnapshot(nodeId, snapshotOfLayers(layers, this.deps.memo));
        if (!outcome.ok) this.deps.logger.error({ nodeId, errors: outcome.errors }, 'generated xds config is inconsistent; previous snapshot kept');
      } catch (err) {
        // One proxy's config that cannot be built or encoded (e.g. a resource stored by an older
        // version that admission would now refuse) must not cost the rest of the batch their
        // update, nor end the process from inside setImmediate: that proxy keeps its last config.
        this.deps.logger.error({ nodeId, err }, 'xds config for proxy could not be generated; previous snapshot kept');
      }
    }
  }

  /** Tells ProxyReachIndex what the node reached, unless it is what the index already has. */
  private recordReach(nodeId: string, state: NodeState, dataplane: DataplaneResource, reached: ReadonlySet<string>): void {
    const last = state.recorded;
    if (last !== undefined && last.dataplane === dataplane && sameSet(last.reached, reached)) return;
    this.reach.record(nodeId, dataplane, reached);
    state.recorded = { dataplane, reached };
  }

  private onResourceChange(e: StoreEvent): void {
    this.lookup.apply(e);
    // With no proxy connected nothing can be affected: skip the work of finding out.
    if (this.nodes.size === 0) return;
    this.mark(this.affected.of(e));
  }
}
