/**
 * A zone's xDS side: the ADS server and what feeds it, per-proxy snapshots regenerated from the
 * zone controllers' cache for the proxies a change affects. A node id `<mesh>.<name>` must name a
 * Dataplane.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type DataplaneInspector, dataplaneInspectorOf } from '../api/dataplane-inspect-routes.js';
import type { ControlPlaneConfig } from '../config/control-plane-config.js';
import type { ZoneControllers } from '../controllers/zone-controllers.js';
import { SnapshotCache } from '../xds/cache.js';
import { MeshContextCache } from '../xds/mesh-context-cache.js';
import { parseNodeId } from '../xds/proxy-context.js';
import { ProxySync } from '../xds/proxy-sync.js';
import { startXdsServer } from '../xds/server/ads-server.js';
import { type RunningListener, startOrExplain } from './listeners.js';

export interface XdsServices {
  readonly listener: RunningListener;
  /** `host:port` the ADS server listens on. */
  readonly address: string;
  readonly connectedProxies: () => ReadonlySet<string>;
  readonly inspector: DataplaneInspector;
  /** For benchmarks and tests: the per-node snapshots, and the sync with its counters. */
  readonly snapshots: SnapshotCache;
  readonly sync: ProxySync;
}

export async function startXdsServices(
  config: ControlPlaneConfig,
  deps: { controllers: ZoneControllers; logger: Logger; metrics: Registry },
): Promise<XdsServices> {
  const { controllers, logger, metrics } = deps;
  const snapshots = new SnapshotCache();
  // Built after the controllers' cache has loaded (startZoneControllers awaits it): the initial
  // load sends no events, so a context built before it would never be invalidated.
  const contexts = new MeshContextCache(controllers.cache);
  const sync = new ProxySync({ cache: controllers.cache, contexts, snapshots, logger: logger.child({ component: 'xds-sync' }), metrics });
  sync.start();
  const proxiesChanged = (): void => controllers.runner.poke('meshservice-status');
  const server = await startOrExplain('xds-port', config.xdsHost, config.xdsPort, () =>
    startXdsServer({
      cache: snapshots,
      host: config.xdsHost,
      port: config.xdsPort,
      logger: logger.child({ component: 'xds' }),
      metrics,
      maxResponseBytes: config.xdsMaxResponseBytes,
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
        contexts.stop();
        await server.stop();
      },
    },
    address: server.address,
    connectedProxies: () => new Set(sync.connectedNodes),
    snapshots,
    sync,
    inspector: dataplaneInspectorOf({ view: controllers.cache, snapshots, clientOf: (nodeId) => sync.clientOf(nodeId) }),
  };
}

