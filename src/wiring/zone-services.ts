/**
 * What only a zone control plane runs: the controllers that derive MeshServices, VIPs, hostnames
 * and status from the store (on the leader only), the DNS and xDS servers reading their cache,
 * and the sync client to a global control plane (on the leader only).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataplaneInspector } from '../api/dataplane-inspect-routes.js';
import type { Clock } from '../core/clock.js';
import type { ControlPlaneConfig } from '../config/control-plane-config.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LegacyVipAllocator } from '../controllers/legacy-vip-allocator.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator } from '../controllers/vip-allocator.js';
import { startZoneControllers, type ZoneControllers } from '../controllers/zone-controllers.js';
import { startDnsServer } from '../dns/dns-server.js';
import { DNS_SOURCE_TYPES } from '../dns/records.js';
import { FlatEndpointsPublisher } from '../kds/flat-endpoints-publisher.js';
import { parseGlobalAddress, startKdsZone } from '../kds/zone-client.js';
import { ReferenceStatusController } from '../policies/reference-status-controller.js';
import { whileLeader } from '../store/leader-duty.js';
import type { LeaderElector, ResourceStore } from '../store/store.js';
import { XDS_INPUT_KINDS } from '../xds/proxy-context.js';
import { type RunningListener, startOrExplain } from './listeners.js';
import { startXdsServices, type XdsServices } from './xds-services.js';

export interface ZoneServices {
  readonly listeners: RunningListener[];
  /** Explains proxies for the API (`_destinations`, `_config`). */
  readonly inspector: DataplaneInspector;
  /** Node ids of the proxies connected to this instance's xDS server. */
  readonly connectedProxies: () => ReadonlySet<string>;
  /** For benchmarks and tests: the controllers (cache, runner) and the xDS side. */
  readonly controllers: ZoneControllers;
  readonly xds: XdsServices;
}

export async function startZoneServices(
  config: ControlPlaneConfig,
  deps: {
    store: ResourceStore;
    clock: Clock;
    logger: Logger;
    metrics: Registry;
    leadership: LeaderElector;
  },
): Promise<ZoneServices> {
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
    running.push(xds.listener);
    if (config.globalKdsAddress !== null) running.push(startKdsZoneOnLeader(config, config.globalKdsAddress, deps));
    return { listeners: running, inspector: xds.inspector, connectedProxies: xds.connectedProxies, controllers, xds };
  } catch (err) {
    for (const r of running.reverse()) await r.close();
    throw err;
  }
}

/** Only the leader opens the stream: two instances of one zone must not both speak for it. */
function startKdsZoneOnLeader(
  config: ControlPlaneConfig,
  globalAddress: string,
  deps: { store: ResourceStore; clock: Clock; logger: Logger; leadership: LeaderElector },
): RunningListener {
  parseGlobalAddress(globalAddress); // a bad address fails start-up, not the first term as leader
  const logger = deps.logger.child({ component: 'kds' });
  const kds = whileLeader(
    deps.leadership,
    async () => {
      const client = await startKdsZone({ store: deps.store, clock: deps.clock, logger, zone: config.zone, globalAddress, flatNetwork: config.flatNetwork });
      return { stop: () => client.close() };
    },
    (err, during) => logger.error({ err }, `the KDS zone client failed to ${during}`),
  );
  return { name: 'kds-client', address: '', close: () => kds.close() };
}
