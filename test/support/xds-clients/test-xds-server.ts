/**
 * A real ADS server on 127.0.0.1 port 0 with a SnapshotCache and its own metrics registry, plus
 * test clients that are closed with it.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { SnapshotCache, type StreamEvent } from '../../../src/xds/cache.js';
import { startXdsServer, type XdsServer, type XdsServerOptions } from '../../../src/xds/server/ads-server.js';
import { buildSnapshot, type ResourceInput } from '../../../src/xds/snapshot.js';
import { barrierSecret } from './baseline-resources.js';
import { DeltaTestClient } from './delta-test-client.js';
import { MessageLog } from './message-log.js';
import { SotwTestClient } from './sotw-test-client.js';

/** The real SnapshotCache, also logging every stream event so tests can wait for an ACK. */
export class ObservedCache extends SnapshotCache {
  readonly events = new MessageLog<{ readonly nodeId: string; readonly event: StreamEvent; readonly at: number }>();

  override report(nodeId: string, event: StreamEvent): void {
    super.report(nodeId, event);
    this.events.push({ nodeId, event, at: Date.now() });
  }
}

export interface TestXdsServer {
  readonly cache: ObservedCache;
  readonly server: XdsServer;
  readonly registry: Registry;
  /** Builds a snapshot (with the barrier Secret added) and publishes it; throws if refused. */
  publish(nodeId: string, resources: readonly ResourceInput[]): void;
  sotw(nodeId: string): SotwTestClient;
  delta(nodeId: string): DeltaTestClient;
  /** Value of a counter for the given labels (0 if never incremented). */
  counter(name: string, labels: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

type Hooks = Pick<XdsServerOptions, 'nodeIdPolicy' | 'onConnect' | 'onDisconnect'>;

export async function startTestXdsServer(hooks: Hooks = {}): Promise<TestXdsServer> {
  const cache = new ObservedCache();
  const registry = new Registry();
  const logger = pino({ level: process.env.XDS_TEST_LOG ?? 'silent' });
  const server = await startXdsServer({ cache, host: '127.0.0.1', port: 0, logger, metrics: registry, ...hooks });
  const clients: { close(): void }[] = [];
  const node = (id: string): Record<string, unknown> => ({ id, cluster: 'test', locality: {}, user_agent_name: 'meshplane-test-client' });
  return {
    cache,
    server,
    registry,
    publish(nodeId, resources) {
      const result = cache.setSnapshot(nodeId, buildSnapshot([...resources, barrierSecret]));
      if (!result.ok) throw new Error(`snapshot refused: ${result.errors.join('; ')}`);
    },
    sotw(nodeId) {
      const client = new SotwTestClient(server.address, node(nodeId));
      clients.push(client);
      return client;
    },
    delta(nodeId) {
      const client = new DeltaTestClient(server.address, node(nodeId));
      clients.push(client);
      return client;
    },
    async counter(name, labels) {
      const metric = registry.getSingleMetric(name);
      if (metric === undefined) return 0;
      const { values } = await metric.get();
      const found = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
      return found?.value ?? 0;
    },
    async stop() {
      for (const client of clients) client.close();
      await server.stop();
    },
  };
}
