/**
 * A zone control plane built in-process by the same function `meshplane run` uses
 * (src/wiring/zone-services.ts `startZoneServices`: controllers, VIP allocators, reference status,
 * DNS, ProxySync with its MeshContextCache, the ADS server), as one instance with the single-instance
 * leader. The REST API is not started: scenarios write through the ResourceManager or the store.
 * The benchmarks need handles the running binary does not expose (the store, the cache, ProxySync's
 * counters); startZoneServices returns them.
 */
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { compileConfig } from '../../src/config/compile.js';
import type { ControlPlaneConfig } from '../../src/config/control-plane-config.js';
import type { ZoneControllers } from '../../src/controllers/zone-controllers.js';
import { ResourceManager } from '../../src/manager/resource-manager.js';
import { referenceChecker } from '../../src/policies/apply-check.js';
import { SingleInstanceLeader } from '../../src/store/leader-single.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { startZoneServices } from '../../src/wiring/zone-services.js';
import type { SnapshotCache } from '../../src/xds/cache.js';
import type { ProxySync } from '../../src/xds/proxy-sync.js';

export interface BenchZoneOptions {
  /** `memory` or `sqlite:PATH` (what `--store` takes). */
  readonly store: string;
  readonly zone?: string;
}

export interface BenchZone {
  readonly config: ControlPlaneConfig;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly controllers: ZoneControllers;
  readonly snapshots: SnapshotCache;
  readonly sync: ProxySync;
  readonly xdsAddress: string;
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
    xdsHost: '127.0.0.1',
    xdsPort: 0,
    dnsHost: '127.0.0.1',
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
  const leadership = new SingleInstanceLeader();
  const zone = await startZoneServices(config, { store, clock: { now: () => new Date() }, logger, metrics, leadership });
  await leadership.start();
  let stopped = false;
  return {
    config,
    store,
    manager,
    controllers: zone.controllers,
    snapshots: zone.xds.snapshots,
    sync: zone.xds.sync,
    xdsAddress: zone.xds.address,
    metrics,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const l of [...zone.listeners].reverse()) await l.close();
      await leadership.stop();
      await store.close();
    },
  };
}
