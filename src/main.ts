/**
 * The composition root: the ONLY place where the control plane's parts are built and wired.
 * `startControlPlane` opens the store, builds the resource manager, creates the default mesh,
 * starts every listener, then announces readiness with one JSON line (and the ready file).
 * Signals and exit codes belong to the caller (src/cli/commands/run.ts).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { type DataplaneInspector, dataplaneInspectorOf } from './api/dataplane-inspect-routes.js';
import { startApiServer } from './api/server.js';
import { referenceChecker } from './policies/apply-check.js';
import { ReferenceStatusController } from './policies/reference-status-controller.js';
import type { AdmissionContext } from './core/admission.js';
import { systemClock, type Clock } from './core/clock.js';
import { ConfigError } from './core/errors.js';
import { configForDisplay, type ControlPlaneConfig } from './config/control-plane-config.js';
import { MESHPLANE_VERSION } from './config/version.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LegacyVipAllocator } from './controllers/legacy-vip-allocator.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator } from './controllers/vip-allocator.js';
import { startZoneControllers, type ZoneControllers } from './controllers/zone-controllers.js';
import { DNS_SOURCE_TYPES } from './dns/records.js';
import { FlatEndpointsPublisher } from './kds/flat-endpoints-publisher.js';
import { startKdsGlobal } from './kds/global-server.js';
import { parseGlobalAddress, startKdsZone } from './kds/zone-client.js';
import { SnapshotCache } from './xds/cache.js';
import { parseNodeId, XDS_INPUT_KINDS } from './xds/proxy-context.js';
import { ProxySync } from './xds/proxy-sync.js';
import { startXdsServer } from './xds/server/ads-server.js';
import { startDnsServer } from './dns/dns-server.js';
import { createDefaultHostnameGenerators } from './manager/default-resources.js';
import { ResourceManager } from './manager/resource-manager.js';
import { GLOBAL_DEFAULT_HOSTNAME_GENERATORS } from './resources/hostname-generator/defaults.js';
import { whileLeader } from './store/leader-duty.js';
import { openLeaderElector, openStore } from './store/open-store.js';
import type { LeaderElector, ResourceStore } from './store/store.js';

export const READY_MESSAGE = 'control plane ready';

/** Where JSON log lines go; process.stdout by default. */
export interface LogSink {
  write(line: string): unknown;
}

export interface ControlPlaneDeps {
  readonly clock?: Clock;
  readonly logSink?: LogSink;
}

/** One network listener; its name and address become a field of the ready line (`api`, `xds`, ...). */
interface RunningListener {
  /** Listeners with an address become ready-line fields; the others (controllers, the sync client) have none. */
  readonly name: 'api' | 'xds' | 'dns' | 'kds' | 'controllers' | 'kds-client' | 'leader-election';
  readonly address: string;
  close(): Promise<void>;
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
    // Set by the zone's xDS services; the API explains proxies with it (none on a global).
    let dataplaneInspector: DataplaneInspector | undefined;
    // Kuma creates the default mesh on a global and on a standalone zone; a zone that syncs
    // with a global receives its meshes from there.
    if (config.mode === 'global' || config.globalKdsAddress === null) {
      if (await manager.ensureDefaultMesh()) logger.info({ mesh: 'default' }, 'created the default mesh');
    }
    const metrics = new Registry();
    if (config.mode === 'zone') {
      listeners.push(...(await startZoneServices(config, { store, clock, logger, metrics, leadership, onInspector: (i) => (dataplaneInspector = i) })));
      if (config.globalKdsAddress !== null) {
        const globalAddress = config.globalKdsAddress;
        parseGlobalAddress(globalAddress); // a bad address fails start-up, not the first term as leader
        const kdsLogger = logger.child({ component: 'kds' });
        // Only the leader opens the stream: two instances of one zone must not both speak for it.
        const kds = whileLeader(
          leadership,
          async () => {
            const client = await startKdsZone({ store, clock, logger: kdsLogger, zone: config.zone, globalAddress, flatNetwork: config.flatNetwork });
            return { stop: () => client.close() };
          },
          (err, during) => kdsLogger.error({ err }, `the KDS zone client failed to ${during}`),
        );
        listeners.push({ name: 'kds-client', address: '', close: () => kds.close() });
      }
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
        ...(dataplaneInspector ? { dataplaneInspector } : {}),
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

/**
 * What only a zone control plane runs: the controllers that derive MeshServices, VIPs, hostnames
 * and status from the store (on the leader only), and the DNS and xDS servers reading their cache.
 */
async function startZoneServices(
  config: ControlPlaneConfig,
  deps: {
    store: ResourceStore;
    clock: Clock;
    logger: Logger;
    metrics: Registry;
    leadership: LeaderElector;
    onInspector: (inspector: DataplaneInspector) => void;
  },
): Promise<RunningListener[]> {
  const { store, clock, logger, metrics, leadership } = deps;
  // Filled in once the xDS server runs; the status controller counts connected proxies with it.
  let connectedProxies: () => ReadonlySet<string> = () => new Set();
  const controllers: ZoneControllers = await startZoneControllers({
    store,
    clock,
    logger: logger.child({ component: 'controllers' }),
    metrics,
    config: { zone: config.zone, deletionGracePeriodMs: config.meshServiceDeletionGracePeriodMs },
    connectedProxies: () => connectedProxies(),
    leadership,
    extraKinds: [...VIP_ALLOCATOR_KINDS, ...LEGACY_VIP_ALLOCATOR_TYPES, ...DNS_SOURCE_TYPES, ...XDS_INPUT_KINDS],
    // Built afresh each time this instance becomes leader, writing through the leader's store.
    extraControllers: (cache, leaderStore) => [
      new VipAllocator({
        cache,
        store: leaderStore,
        metrics,
        logger: logger.child({ controller: 'vip-allocator' }),
        config: { meshServiceCidr: config.meshServiceCidr, meshMultiZoneServiceCidr: config.meshMultiZoneServiceCidr, holdMs: config.vipHoldPeriodMs },
      }),
      new LegacyVipAllocator({
        cache,
        store: leaderStore,
        metrics,
        logger: logger.child({ controller: 'legacy-vip-allocator' }),
        config: { cidr: config.legacyVipCidr, holdMs: config.vipHoldPeriodMs, exclude: [config.meshServiceCidr, config.meshMultiZoneServiceCidr] },
      }),
      new ReferenceStatusController({ cache, store: leaderStore, logger: logger.child({ controller: 'reference-status' }) }),
      // On a flat network: publish this zone's MeshService endpoints for the other flat zones.
      ...(config.flatNetwork ? [new FlatEndpointsPublisher({ cache, store: leaderStore, logger: logger.child({ controller: 'flat-endpoints-publisher' }) })] : []),
    ],
  });
  const running: RunningListener[] = [{ name: 'controllers', address: '', close: () => controllers.stop() }];
  try {
    const dns = await startOrExplain('dns-port', config.dnsHost, config.dnsPort, () =>
      startDnsServer({ cache: controllers.cache, host: config.dnsHost, port: config.dnsPort, ttlSeconds: config.dnsTtlSeconds, logger: logger.child({ component: 'dns' }), metrics }),
    );
    running.push({ name: 'dns', address: `${config.dnsHost}:${dns.port}`, close: () => dns.close() });
    const xds = await startXdsServices(config, { controllers, logger, metrics });
    connectedProxies = xds.connectedProxies;
    deps.onInspector(xds.inspector);
    running.push(xds.listener);
  } catch (err) {
    for (const r of running.reverse()) await r.close();
    throw err;
  }
  return running;
}

/**
 * The ADS server and what feeds it: per-proxy snapshots regenerated from the controllers' cache
 * for the proxies a change affects. A proxy's node id `<mesh>.<name>` must name a Dataplane.
 */
async function startXdsServices(
  config: ControlPlaneConfig,
  deps: { controllers: ZoneControllers; logger: Logger; metrics: Registry },
): Promise<{ listener: RunningListener; connectedProxies: () => ReadonlySet<string>; inspector: DataplaneInspector }> {
  const { controllers, logger, metrics } = deps;
  const snapshots = new SnapshotCache();
  const sync = new ProxySync({ cache: controllers.cache, snapshots, logger: logger.child({ component: 'xds-sync' }), metrics });
  sync.start();
  const proxiesChanged = (): void => controllers.runner.poke('meshservice-status');
  const server = await startOrExplain('xds-port', config.xdsHost, config.xdsPort, () =>
    startXdsServer({
      cache: snapshots,
      host: config.xdsHost,
      port: config.xdsPort,
      logger: logger.child({ component: 'xds' }),
      metrics,
      nodeIdPolicy: (nodeId) => {
        const id = parseNodeId(nodeId);
        if (!id) return `node id ${JSON.stringify(nodeId)} must be <mesh>.<dataplane name>`;
        return controllers.cache.get({ type: 'Dataplane', mesh: id.mesh, name: id.dataplane }) ? undefined : `dataplane ${nodeId} does not exist`;
      },
      onConnect: (nodeId, node) => {
        sync.onConnect(nodeId, node);
        proxiesChanged();
      },
      onDisconnect: (nodeId) => {
        sync.onDisconnect(nodeId);
        proxiesChanged();
      },
    }),
  );
  return {
    listener: {
      name: 'xds',
      address: `grpc://${server.address}`,
      close: async () => {
        sync.stop();
        await server.stop();
      },
    },
    connectedProxies: () => new Set(sync.connectedNodes),
    inspector: dataplaneInspectorOf({ view: controllers.cache, snapshots, clientOf: (nodeId) => sync.clientOf(nodeId) }),
  };
}

/** The bound ADS server as `{xds: {host, port}}` for the API's bootstrap route; nothing when none runs. */
function xdsEndpointOf(config: ControlPlaneConfig, listeners: readonly RunningListener[]): { xds?: { host: string; port: number } } {
  const xds = listeners.find((l) => l.name === 'xds');
  return xds === undefined ? {} : { xds: { host: config.xdsHost, port: Number(xds.address.slice(xds.address.lastIndexOf(':') + 1)) } };
}

function stopOnce(listeners: RunningListener[], store: ResourceStore, logger: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      for (const l of [...listeners].reverse()) {
        try {
          await l.close();
        } catch (err) {
          logger.error({ err, listener: l.name }, 'could not stop a listener cleanly');
        }
      }
      await store.close();
    })();
    return stopping;
  };
}

async function openStoreOrExplain(spec: string, clock: Clock): Promise<ResourceStore> {
  try {
    return await openStore(spec, { clock });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--store: cannot open ${JSON.stringify(spec)}: ${errorText(err)}`);
  }
}

async function startOrExplain<T>(flag: string, host: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`--${flag}: ${host}:${port} is already in use (is another control plane running?)`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`--${flag}: ${host} is not an address of this machine`);
    throw new ConfigError(`--${flag}: cannot listen on ${host}:${port}: ${errorText(err)}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Readers of the ready file never see half of it: write a temporary file, then rename. */
async function writeFileAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
