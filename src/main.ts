/**
 * The composition root: the ONLY place where the control plane's parts are built and wired,
 * with the per-mode pieces in src/wiring/ (zone services, xDS services, listener plumbing).
 * `startControlPlane` opens the store, builds the resource manager, creates the default mesh,
 * starts every listener, then announces readiness with one JSON line (and the ready file).
 * Signals and exit codes belong to the caller (src/cli/commands/run.ts).
 */
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { startApiServer } from './api/server.js';
import { configForDisplay, type ControlPlaneConfig } from './config/control-plane-config.js';
import { MESHPLANE_VERSION } from './config/version.js';
import type { AdmissionContext } from './core/admission.js';
import { systemClock, type Clock } from './core/clock.js';
import { startKdsGlobal } from './kds/global-server.js';
import { createDefaultHostnameGenerators } from './manager/default-resources.js';
import { ResourceManager } from './manager/resource-manager.js';
import { referenceChecker } from './policies/apply-check.js';
import { GLOBAL_DEFAULT_HOSTNAME_GENERATORS } from './resources/hostname-generator/defaults.js';
import { openLeaderElector } from './store/open-store.js';
import { openStoreOrExplain, type RunningListener, startOrExplain, stopOnce, writeFileAtomically } from './wiring/listeners.js';
import { startZoneServices, type ZoneServices } from './wiring/zone-services.js';

export const READY_MESSAGE = 'control plane ready';

/** Where JSON log lines go; process.stdout by default. */
export interface LogSink {
  write(line: string): unknown;
}

export interface ControlPlaneDeps {
  readonly clock?: Clock;
  readonly logSink?: LogSink;
}


export interface RunningControlPlane {
  readonly config: ControlPlaneConfig;
  /** Bound addresses by listener name, e.g. `{api: 'http://127.0.0.1:5681'}`. */
  readonly addresses: Readonly<Record<string, string>>;
  /** The ready line as an object (also written to `--ready-file`). */
  readonly ready: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /** Stops every listener (newest first), then closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startControlPlane(config: ControlPlaneConfig, deps: ControlPlaneDeps = {}): Promise<RunningControlPlane> {
  const clock = deps.clock ?? systemClock;
  const sink = deps.logSink ?? process.stdout;
  const logger = pino({ level: config.logLevel, base: { pid: process.pid, hostname: hostname() } }, sink);
  const store = await openStoreOrExplain(config.store, clock);
  const listeners: RunningListener[] = [];
  const stop = stopOnce(listeners, store, logger);
  try {
    // Instances sharing a PostgreSQL store take turns at the zone controllers and the KDS client;
    // closed last, so the work that needs leadership has stopped before it is released.
    const leadership = openLeaderElector(config.store, { logger: logger.child({ component: 'leader-election' }) });
    listeners.push({ name: 'leader-election', address: '', close: () => leadership.stop() });
    const admission: AdmissionContext = { mode: config.mode, zone: config.zone, environment: 'universal' };
    const manager = new ResourceManager({ store, admission, referenceCheck: referenceChecker(store) });
    // Set by the zone's xDS services: the API explains proxies and counts them online with these.
    let zoneViews: Pick<ZoneServices, 'inspector' | 'connectedProxies'> | undefined;
    // Kuma creates the default mesh on a global and on a standalone zone; a zone that syncs
    // with a global receives its meshes from there.
    if (config.mode === 'global' || config.globalKdsAddress === null) {
      if (await manager.ensureDefaultMesh()) logger.info({ mesh: 'default' }, 'created the default mesh');
    }
    const metrics = new Registry();
    if (config.mode === 'zone') {
      const zone = await startZoneServices(config, { store, clock, logger, metrics, leadership });
      listeners.push(...zone.listeners);
      zoneViews = zone;
    } else {
      await createDefaultHostnameGenerators(store, GLOBAL_DEFAULT_HOSTNAME_GENERATORS, admission, logger);
      const kds = await startOrExplain('kds-port', config.kdsHost, config.kdsPort, () =>
        startKdsGlobal({ store, clock, logger: logger.child({ component: 'kds' }), host: config.kdsHost, port: config.kdsPort }),
      );
      listeners.push({ name: 'kds', address: `grpc://${kds.address}`, close: () => kds.close() });
    }
    const api = await startOrExplain('api-port', config.apiHost, config.apiPort, () =>
      startApiServer({
        manager,
        store,
        admission,
        logger: logger.child({ component: 'api' }),
        host: config.apiHost,
        port: config.apiPort,
        bodyLimitBytes: config.apiBodyLimitBytes,
        version: MESHPLANE_VERSION,
        config: configForDisplay(config),
        metrics,
        clock,
        ...xdsEndpointOf(config, listeners),
        ...(zoneViews ? { dataplaneInspector: zoneViews.inspector, connectedProxies: zoneViews.connectedProxies } : {}),
        isLeader: () => leadership.isLeader(),
      }),
    );
    listeners.push({ name: 'api', address: api.url, close: () => api.close() });
    await leadership.start();
  } catch (err) {
    await stop();
    throw err;
  }

  const addresses = Object.fromEntries(listeners.filter((l) => l.address !== '').map((l) => [l.name, l.address]));
  const ready = { level: 30, time: clock.now().getTime(), pid: process.pid, hostname: hostname(), msg: READY_MESSAGE, ...addresses };
  const line = `${JSON.stringify(ready)}\n`;
  // The file first, so whoever sees the line can rely on the file being there.
  if (config.readyFile !== null) await writeFileAtomically(config.readyFile, line);
  // Written past the logger on purpose: the ready line is a contract and appears at any --log-level.
  sink.write(line);
  return { config, addresses, ready, logger, stop };
}

/** The bound ADS server as `{xds: {host, port}}` for the API's bootstrap route; nothing when none runs. */
function xdsEndpointOf(config: ControlPlaneConfig, listeners: readonly RunningListener[]): { xds?: { host: string; port: number } } {
  const xds = listeners.find((l) => l.name === 'xds');
  return xds === undefined ? {} : { xds: { host: config.xdsHost, port: Number(xds.address.slice(xds.address.lastIndexOf(':') + 1)) } };
}

