/**
 * For ProxySync's tests: a store, a ResourceCache and a ProxySync wired as in a zone, with the two
 * things the cost tests count: every read ProxySync makes of the cache (by kind), and every
 * MeshContext it asks for. Generation itself reads through the MeshContextSource, which uses the
 * cache directly, so the read counts are ProxySync's own.
 */
import { pino } from 'pino';
import { ResourceCache } from '../controllers/resource-cache.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { MemoryStore } from '../store/memory-store.js';
import type { StoreListener } from '../store/store.js';
import { SnapshotCache } from './cache.js';
import { resourcesFromYaml } from './generators/input-fixtures.js';
import { type MeshContext, type MeshContextSource, meshContextOf, XDS_INPUT_KINDS } from './proxy-context.js';
import { ProxySync } from './proxy-sync.js';

export const ENVOY_NODE = { id: 'x', user_agent_name: 'envoy' };

/** The cache as ProxySync sees it, counting its reads. */
export class CountingView {
  readonly lists = new Map<string, number>();
  gets = 0;

  constructor(private readonly cache: ResourceCache) {}

  list(type: string, mesh?: string): Resource[] {
    this.lists.set(type, (this.lists.get(type) ?? 0) + 1);
    return this.cache.list(type, mesh);
  }

  get(key: ResourceKey): Resource | undefined {
    this.gets++;
    return this.cache.get(key);
  }

  onChange(listener: StoreListener): () => void {
    return this.cache.onChange(listener);
  }

  listsOf(type: string): number {
    return this.lists.get(type) ?? 0;
  }

  get reads(): number {
    return [...this.lists.values()].reduce((a, b) => a + b, this.gets);
  }

  reset(): void {
    this.lists.clear();
    this.gets = 0;
  }
}

/** Fresh MeshContexts, counted. */
export class CountingContexts implements MeshContextSource {
  calls: string[] = [];

  constructor(private readonly cache: ResourceCache) {}

  contextOf(mesh: string): MeshContext | undefined {
    this.calls.push(mesh);
    return meshContextOf(this.cache, mesh);
  }
}

export interface Harness {
  readonly store: MemoryStore;
  readonly cache: ResourceCache;
  readonly view: CountingView;
  readonly contexts: CountingContexts;
  readonly snapshots: SnapshotCache;
  readonly sync: ProxySync;
  /** Nodes given a snapshot (or had it cleared), in order, since the last `regenerated()`. */
  regenerated(): string[];
  stop(): void;
}

export async function harness(yaml: string): Promise<Harness> {
  const store = new MemoryStore();
  for (const r of resourcesFromYaml(yaml)) await store.create(r);
  const cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  await cache.start();
  const view = new CountingView(cache);
  const contexts = new CountingContexts(cache);
  const snapshots = new SnapshotCache();
  let written: string[] = [];
  const recording = {
    setSnapshot: (nodeId: string, snapshot: Parameters<SnapshotCache['setSnapshot']>[1]) => {
      written.push(nodeId);
      return snapshots.setSnapshot(nodeId, snapshot);
    },
    clearSnapshot: (nodeId: string) => {
      written.push(nodeId);
      snapshots.clearSnapshot(nodeId);
    },
  };
  const sync = new ProxySync({ cache: view, snapshots: recording, logger: pino({ level: 'silent' }), contexts });
  sync.start();
  return {
    store,
    cache,
    view,
    contexts,
    snapshots,
    sync,
    regenerated: () => {
      const out = [...new Set(written)].sort();
      written = [];
      return out;
    },
    stop: () => {
      sync.stop();
      cache.stop();
    },
  };
}

/** Opens a stream for each node, then runs the batch they were marked for. */
export function connect(h: Harness, ...nodeIds: string[]): void {
  for (const id of nodeIds) h.sync.onConnect(id, ENVOY_NODE);
  h.sync.flush();
}

export function meshServiceYaml(name: string, vip: string, labels = ''): string {
  return `---
type: MeshService
mesh: default
name: ${name}
${labels}spec:
  selector:
    dataplaneTags:
      kuma.io/service: ${name}
  ports:
  - name: "8080"
    port: 8080
    targetPort: 8080
    appProtocol: http
status:
  vips:
  - ip: ${vip}
`;
}

export function dataplaneYaml(name: string, address: string, service: string, transparentProxying = ''): string {
  return `---
type: Dataplane
mesh: default
name: ${name}
networking:
  address: ${address}
  inbound:
  - port: 8080
    tags:
      kuma.io/service: ${service}
      kuma.io/protocol: http
${transparentProxying}`;
}

export function reaching(...services: string[]): string {
  if (services.length === 0) return '  transparentProxying:\n    reachableBackends:\n      refs: []\n';
  return '  transparentProxying:\n    reachableBackends:\n      refs:\n' + services.map((s) => `      - kind: MeshService\n        name: ${s}\n`).join('');
}
