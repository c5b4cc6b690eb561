/**
 * The zone control plane's controllers in one place: the ResourceCache over the kinds they read,
 * the runner, MeshService generation, status, hostnames, MeshMultiZoneService status, and any
 * extra controllers the wiring passes in (the VIP allocators). Creates the default
 * HostnameGenerator `local-universal-mesh-service` at start when no generator has that name.
 *
 * Several instances may share one store: the cache (and what reads it) runs on every one, the
 * controllers only on the leader (`leadership`). Each time this instance becomes leader it builds
 * fresh controllers, which start with a full pass, as after a restart; on losing leadership it
 * stops them, and their writes are refused from that moment (leader-gated-store.ts).
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { ZONE_DEFAULT_HOSTNAME_GENERATORS } from '../resources/hostname-generator/defaults.js';
import { createDefaultHostnameGenerators } from '../manager/default-resources.js';
import { whileLeader } from '../store/leader-duty.js';
import { leaderGatedStore } from '../store/leader-gated-store.js';
import { SingleInstanceLeader } from '../store/leader-single.js';
import type { LeaderElector, ResourceStore } from '../store/store.js';
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

/** The runner of the current leadership term; both do nothing while this instance does not lead. */
export interface ZoneRunner {
  poke(name: string): void;
  settle(): Promise<void>;
}

export interface ZoneControllers {
  readonly cache: ResourceCache;
  readonly runner: ZoneRunner;
  isLeader(): boolean;
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
  /**
   * More controllers on the same cache: a list (the same objects every term), or built afresh for
   * each leadership term from the cache and the store they must write through.
   */
  readonly extraControllers?: readonly Controller[] | ((cache: ResourceCache, store: ResourceStore) => readonly Controller[]);
  /** Kinds the extra controllers read, beyond the ones these controllers need. */
  readonly extraKinds?: readonly string[];
  /** Who runs the controllers among instances sharing the store; the caller starts and stops it. Absent: this instance alone. */
  readonly leadership?: LeaderElector;
}): Promise<ZoneControllers> {
  const { store, clock, logger, config, metrics } = deps;
  if (config.createDefaultHostnameGenerators !== false) {
    await createDefaultHostnameGenerators(store, ZONE_DEFAULT_HOSTNAME_GENERATORS, { mode: 'zone', zone: config.zone, environment: 'universal' }, logger);
  }
  const cache = new ResourceCache({ store, types: [...new Set([...KINDS_READ, ...(deps.extraKinds ?? [])])] });
  await cache.start();
  const leadership = deps.leadership ?? new SingleInstanceLeader();
  let runner: ControllerRunner | undefined;
  const build = (termStore: ResourceStore): Controller[] => {
    const common = { cache, store: termStore, ...(metrics ? { metrics } : {}) };
    const extra = typeof deps.extraControllers === 'function' ? deps.extraControllers(cache, termStore) : (deps.extraControllers ?? []);
    return [
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
  };
  const stopAnnouncing = announceLeadership(leadership, logger, metrics);
  const duty = whileLeader(
    leadership,
    () => {
      let active = true;
      const controllers = build(leaderGatedStore(store, () => active && leadership.isLeader()));
      const termRunner = new ControllerRunner({ cache, clock, logger, controllers, useTimers: config.useTimers ?? true });
      termRunner.start();
      runner = termRunner;
      return {
        async stop() {
          active = false;
          if (runner === termRunner) runner = undefined;
          await termRunner.stop();
        },
      };
    },
    (err) => logger.error({ err }, 'zone controllers could not start or stop with leadership'),
  );
  if (deps.leadership === undefined) await leadership.start();
  await duty.settled();
  return {
    cache,
    runner: {
      poke: (name) => runner?.poke(name),
      async settle() {
        await duty.settled();
        await runner?.settle();
      },
    },
    isLeader: () => leadership.isLeader(),
    async stop() {
      stopAnnouncing();
      await duty.close();
      if (deps.leadership === undefined) await leadership.stop();
      cache.stop();
    },
  };
}

/** Logs each change of leadership and keeps the `meshplane_leader` gauge at 1 while leading. */
function announceLeadership(leadership: LeaderElector, logger: Logger, metrics: Registry | undefined): () => void {
  const name = 'meshplane_leader';
  const gauge = metrics
    ? ((metrics.getSingleMetric(name) as Gauge | undefined) ??
      new Gauge({ name, help: '1 while this instance leads (runs the zone controllers and the KDS zone client), else 0', registers: [metrics] }))
    : undefined;
  const announce = (leading: boolean): void => {
    gauge?.set(leading ? 1 : 0);
    logger.info(leading ? 'became leader' : 'lost leadership');
  };
  gauge?.set(leadership.isLeader() ? 1 : 0);
  if (leadership.isLeader()) announce(true);
  return leadership.onChange(announce);
}
