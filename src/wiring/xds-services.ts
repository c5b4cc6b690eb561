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
import { parseNodeId } from '../xds/proxy-context.js';
import { ProxySync } from '../xds/proxy-sync.js';
import { startXdsServer } from '../xds/server/ads-server.js';
import { type RunningListener, startOrExplain } from './listeners.js';

export async function startXdsServices(
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
        await server.stop();
      },
    },
    connectedProxies: () => new Set(sync.connectedNodes),
    inspector: dataplaneInspectorOf({ view: controllers.cache, snapshots, clientOf: (nodeId) => sync.clientOf(nodeId) }),
  };
}

