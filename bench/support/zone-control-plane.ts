/**
 * A zone control plane built in-process from the same parts and with the same settings that
 * `meshplane run` wires in src/wiring/zone-services.ts and xds-services.ts, as one instance (no
 * leader election: the controllers' default single-instance leader): the controllers'
 * ResourceCache, MeshService generator, status, hostnames, both VIP allocators, the DNS server,
 * ProxySync and the ADS server (not the REST API, nor the flat-network publisher, which is off by
 * default). The benchmarks need handles that the running binary does not
 * expose (the store, the cache, ProxySync's counters), so they build it here; keep this file in
 * step with src/wiring/ when the wiring changes.
 */
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { compileConfig } from '../../src/config/compile.js';
import type { ControlPlaneConfig } from '../../src/config/control-plane-config.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LegacyVipAllocator } from '../../src/controllers/legacy-vip-allocator.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator } from '../../src/controllers/vip-allocator.js';
import { startZoneControllers, type ZoneControllers } from '../../src/controllers/zone-controllers.js';
import { startDnsServer, type DnsServer } from '../../src/dns/dns-server.js';
import { DNS_SOURCE_TYPES } from '../../src/dns/records.js';
import { ResourceManager } from '../../src/manager/resource-manager.js';
import { referenceChecker } from '../../src/policies/apply-check.js';
import { ReferenceStatusController } from '../../src/policies/reference-status-controller.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { SnapshotCache } from '../../src/xds/cache.js';
import { parseNodeId, XDS_INPUT_KINDS } from '../../src/xds/proxy-context.js';
import { ProxySync } from '../../src/xds/proxy-sync.js';
import { startXdsServer, type XdsServer } from '../../src/xds/server/ads-server.js';

export interface BenchZoneOptions {
  /** `memory` or `sqlite:PATH` (what `--store` takes). */
  readonly store: string;
  readonly zone?: string;
  /** Start the ADS server and ProxySync (default true). */
  readonly xds?: boolean;
  /** Start the DNS server (default true). */
  readonly dns?: boolean;
}

export interface BenchZone {
  readonly config: ControlPlaneConfig;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly controllers: ZoneControllers;
  readonly snapshots: SnapshotCache | undefined;
  readonly sync: ProxySync | undefined;
  readonly xdsAddress: string | undefined;
  readonly metrics: Registry;
  stop(): Promise<void>;
}

/** The defaults of `meshplane run`, with every listener on 127.0.0.1 port 0 and logs off. */
export function benchConfig(options: BenchZoneOptions): ControlPlaneConfig {
  const defaults = compileConfig({});
  return {
    ...defaults,
    store: options.store,
    zone: options.zone ?? 'zone-1',
    apiPort: 0,
    xdsPort: 0,
    dnsPort: 0,
    logLevel: 'silent',
  };
}

export async function startBenchZone(options: BenchZoneOptions): Promise<BenchZone> {
  const config = benchConfig(options);
  const logger: Logger = pino({ level: 'silent' });
  const metrics = new Registry();
  const store = await openStore(config.store);
  const manager = new ResourceManager({ store, admission: { mode: 'zone', zone: config.zone, environment: 'universal' }, referenceCheck: referenceChecker(store) });
  await manager.ensureDefaultMesh();
  let connectedProxies: () => ReadonlySet<string> = () => new Set();
  const controllers = await startZoneControllers({
    store,
    clock: { now: () => new Date() },
    logger,
    metrics,
    config: { zone: config.zone, deletionGracePeriodMs: config.meshServiceDeletionGracePeriodMs },
    connectedProxies: () => connectedProxies(),
    extraKinds: [...VIP_ALLOCATOR_KINDS, ...LEGACY_VIP_ALLOCATOR_TYPES, ...DNS_SOURCE_TYPES, ...XDS_INPUT_KINDS],
    // Written through the leader-gated store the controllers get for their term (one instance here).
    extraControllers: (cache, termStore) => [
      new VipAllocator({
        cache,
        store: termStore,
        metrics,
        logger,
        config: { meshServiceCidr: config.meshServiceCidr, meshMultiZoneServiceCidr: config.meshMultiZoneServiceCidr, holdMs: config.vipHoldPeriodMs },
      }),
      new LegacyVipAllocator({
        cache,
        store: termStore,
        metrics,
        logger,
        config: { cidr: config.legacyVipCidr, holdMs: config.vipHoldPeriodMs, exclude: [config.meshServiceCidr, config.meshMultiZoneServiceCidr] },
      }),
      new ReferenceStatusController({ cache, store: termStore, logger }),
    ],
  });
  let dns: DnsServer | undefined;
  if (options.dns !== false) {
    dns = await startDnsServer({ cache: controllers.cache, host: '127.0.0.1', port: 0, ttlSeconds: config.dnsTtlSeconds, logger, metrics });
  }
  let snapshots: SnapshotCache | undefined;
  let sync: ProxySync | undefined;
  let server: XdsServer | undefined;
  if (options.xds !== false) {
    const cache = new SnapshotCache();
    const proxySync = new ProxySync({ cache: controllers.cache, snapshots: cache, logger, metrics });
    proxySync.start();
    const poke = (): void => controllers.runner.poke('meshservice-status');
    server = await startXdsServer({
      cache,
      host: '127.0.0.1',
      port: 0,
      logger,
      metrics,
      nodeIdPolicy: (nodeId) => {
        const id = parseNodeId(nodeId);
        if (!id) return `node id ${JSON.stringify(nodeId)} must be <mesh>.<dataplane name>`;
        return controllers.cache.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) ? undefined : `dataplane ${nodeId} does not exist`;
      },
      onConnect: (nodeId, node) => {
        proxySync.onConnect(nodeId, node);
        poke();
      },
      onDisconnect: (nodeId) => {
        proxySync.onDisconnect(nodeId);
        poke();
      },
    });
    connectedProxies = () => new Set(proxySync.connectedNodes);
    snapshots = cache;
    sync = proxySync;
  }
  let stopped = false;
  return {
    config,
    store,
    manager,
    controllers,
    snapshots,
    sync,
    xdsAddress: server?.address,
    metrics,
    async stop() {
      if (stopped) return;
      stopped = true;
      sync?.stop();
      await server?.stop();
      await dns?.close();
      await controllers.stop();
      await store.close();
    },
  };
}
