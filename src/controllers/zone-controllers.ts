/**
 * The zone control plane's controllers in one place: the ResourceCache over the kinds they read,
 * the runner, MeshService generation, status, hostnames, MeshMultiZoneService status, and any
 * extra controllers the wiring passes in (the VIP allocators). Creates the default
 * HostnameGenerator `local-universal-mesh-service` at start when no generator has that name.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { ZONE_DEFAULT_HOSTNAME_GENERATORS } from '../resources/hostname-generator/defaults.js';
import { createDefaultHostnameGenerators } from '../manager/default-resources.js';
import type { ResourceStore } from '../store/store.js';
import type { Controller } from './controller.js';
import { ControllerRunner } from './controller-runner.js';
import { HostnameController } from './hostname-controller.js';
import { MESH_MULTI_ZONE_SERVICE_STATUS_KINDS, MeshMultiZoneServiceStatusController } from './mesh-multizone-service-status.js';
import { MESH_SERVICE_GENERATOR_KINDS, MeshServiceGenerator } from './mesh-service-generator.js';
import { MESH_SERVICE_STATUS_KINDS, MeshServiceStatusController } from './mesh-service-status.js';
import { ResourceCache } from './resource-cache.js';

export interface ZoneControllersConfig {
  readonly zone: string;
  /** How long a generated MeshService outlives its last Dataplane (default 1 h). */
  readonly deletionGracePeriodMs?: number;
  /** Create `local-universal-mesh-service` if missing (default true). */
  readonly createDefaultHostnameGenerators?: boolean;
  /** Recount connected proxies this often without store changes (default: only on changes). */
  readonly statusRefreshMs?: number;
  /** Real timers for deadlines (default true); tests with a ManualClock turn them off. */
  readonly useTimers?: boolean;
}

export interface ZoneControllers {
  readonly cache: ResourceCache;
  readonly runner: ControllerRunner;
  stop(): Promise<void>;
}

const KINDS_READ = [...MESH_SERVICE_GENERATOR_KINDS, ...MESH_SERVICE_STATUS_KINDS, ...MESH_MULTI_ZONE_SERVICE_STATUS_KINDS, 'HostnameGenerator'];

export async function startZoneControllers(deps: {
  readonly store: ResourceStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: ZoneControllersConfig;
  readonly metrics?: Registry;
  /** xDS node ids (`<mesh>.<name>`) of connected proxies; until xDS exists nothing is connected. */
  readonly connectedProxies?: () => ReadonlySet<string>;
  /** More controllers on the same cache, given as a list or built from the cache. */
  readonly extraControllers?: readonly Controller[] | ((cache: ResourceCache) => readonly Controller[]);
  /** Kinds the extra controllers read, beyond the ones these controllers need. */
  readonly extraKinds?: readonly string[];
}): Promise<ZoneControllers> {
  const { store, clock, logger, config, metrics } = deps;
  if (config.createDefaultHostnameGenerators !== false) {
    await createDefaultHostnameGenerators(store, ZONE_DEFAULT_HOSTNAME_GENERATORS, { mode: 'zone', zone: config.zone, environment: 'universal' }, logger);
  }
  const cache = new ResourceCache({ store, types: [...new Set([...KINDS_READ, ...(deps.extraKinds ?? [])])] });
  await cache.start();
  const common = { cache, store, ...(metrics ? { metrics } : {}) };
  const extra = typeof deps.extraControllers === 'function' ? deps.extraControllers(cache) : (deps.extraControllers ?? []);
  const controllers: Controller[] = [
    new MeshServiceGenerator({
      ...common,
      logger: logger.child({ controller: 'meshservice-generator' }),
      zone: config.zone,
      ...(config.deletionGracePeriodMs !== undefined ? { deletionGracePeriodMs: config.deletionGracePeriodMs } : {}),
    }),
    new MeshServiceStatusController({
      ...common,
      logger: logger.child({ controller: 'meshservice-status' }),
      ...(deps.connectedProxies ? { connectedProxies: deps.connectedProxies } : {}),
      ...(config.statusRefreshMs !== undefined ? { refreshMs: config.statusRefreshMs } : {}),
    }),
    new HostnameController({ ...common, logger: logger.child({ controller: 'hostname-generator' }), zone: config.zone }),
    new MeshMultiZoneServiceStatusController({ ...common, logger: logger.child({ controller: 'meshmultizoneservice-status' }) }),
    ...extra,
  ];
  const runner = new ControllerRunner({ cache, clock, logger, controllers, useTimers: config.useTimers ?? true });
  runner.start();
  return {
    cache,
    runner,
    async stop() {
      await runner.stop();
      cache.stop();
    },
  };
}
