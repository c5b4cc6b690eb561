import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { barrierSecret, edsCluster, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { DeltaTestClient, type DeltaResponse } from '../../../test/support/xds-clients/delta-test-client.js';
import { resourceNames, SotwTestClient } from '../../../test/support/xds-clients/sotw-test-client.js';
import { ObservedCache } from '../../../test/support/xds-clients/test-xds-server.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildSnapshot, type ResourceInput } from '../snapshot.js';
import { adsServiceDefinition } from './ads-service.js';
import { startXdsServer, type XdsServer } from './ads-server.js';

const { cluster: CDS, clusterLoadAssignment: EDS } = TYPE_URL;
const endpoints = (n: number): { address: string; port: number }[] => Array.from({ length: n }, (_, i) => ({ address: `10.2.${Math.floor(i / 250)}.${i % 250}`, port: 7000 + i }));

/** Six equal-size ClusterLoadAssignments c1..c6 (and their clusters), plus `big` with 2,000 endpoints if asked. */
function resources(options: { big?: boolean; extraCluster?: boolean } = {}): ResourceInput[] {
  const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', ...(options.extraCluster ? ['c7'] : [])];
  const out: ResourceInput[] = names.flatMap((n) => [
    { typeUrl: CDS, resource: edsCluster(n) },
    { typeUrl: EDS, resource: loadAssignment(n, endpoints(20)) },
  ]);
  if (options.big) out.push({ typeUrl: EDS, resource: loadAssignment('big', endpoints(2_000)) });
  return out;
}

/** The size the ADS codec gives a delta response of these EDS names, sent with the longest nonce (16 digits). */
function deltaEncodedSize(input: ResourceInput[], names: string[]): number {
  const snapshot = buildSnapshot(input);
  const entries = names.map((n) => snapshot.resources(EDS).get(n)).map((e) => ({ name: e?.name, version: e?.hash, resource: e?.any }));
  const response = { system_version_info: snapshot.version(EDS), resources: entries, type_url: EDS, removed_resources: [], nonce: '9'.repeat(16) };
  return adsServiceDefinition().DeltaAggregatedResources?.responseSerialize(response).length ?? 0;
}

/** Two of c1..c6 fit, two plus a removed name do not. */
const LIMIT = deltaEncodedSize(resources(), ['c1', 'c2']) + 2;

interface Limited {
  readonly cache: ObservedCache;
  readonly warnings: Record<string, unknown>[];
  publish(nodeId: string, input: ResourceInput[]): void;
  delta(nodeId: string): DeltaTestClient;
  sotw(nodeId: string): SotwTestClient;
  /** A counter's value, or a histogram's `<name>_count` / `<name>_sum`, for the labels (0 if never set). */
  metric(name: string, labels: Record<string, string>): Promise<number>;
}

const servers: { server: XdsServer; clients: { close(): void }[] }[] = [];

async function startLimited(maxResponseBytes: number): Promise<Limited> {
  const cache = new ObservedCache();
  const registry = new Registry();
  const warnings: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as Record<string, unknown>) });
  const server = await startXdsServer({ cache, host: '127.0.0.1', port: 0, logger, metrics: registry, maxResponseBytes });
  const clients: { close(): void }[] = [];
  servers.push({ server, clients });
  const node = (id: string): Record<string, unknown> => ({ id, cluster: 'test', locality: {} });
  return {
    cache,
    warnings,
    publish: (nodeId, input) => assert.ok(cache.setSnapshot(nodeId, buildSnapshot([...input, barrierSecret])).ok),
    delta: (nodeId) => {
      const client = new DeltaTestClient(server.address, node(nodeId));
      clients.push(client);
      return client;
    },
    sotw: (nodeId) => {
      const client = new SotwTestClient(server.address, node(nodeId));
      clients.push(client);
      return client;
    },
    metric: async (name, labels) => {
      const metric = registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(/_(count|sum)$/, ''));
      const { values } = (await metric?.get()) ?? { values: [] };
      const found = values.find((v) => ('metricName' in v ? v.metricName : name) === name && Object.entries(labels).every(([k, want]) => v.labels[k] === want));
      return found?.value ?? 0;
    },
  };
}

const layout = (responses: DeltaResponse[]): [readonly string[], string[]][] => responses.map((r) => [r.removed_resources, r.resources.map((x) => x.name)]);

async function nextN(client: DeltaTestClient, n: number): Promise<DeltaResponse[]> {
  const out: DeltaResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await client.nextOf(EDS));
  return out;
}

describe('xDS response size limit', () => {
  after(async () => {
    for (const { server, clients } of servers) {
      for (const client of clients) client.close();
      await server.stop();
    }
  });

  it('splits a delta update over the limit into responses under it whose union is the snapshot, removed names first; each is ACKed', async () => {
    const xds = await startLimited(LIMIT);
    xds.publish('default.split-1', resources());
    const client = xds.delta('default.split-1');
    client.request(EDS, { subscribe: ['*'], initialVersions: { gone: 'v0' } });
    const chunks = await nextN(client, 4);
    assert.deepEqual(layout(chunks), [
      [['gone'], ['c1']],
      [[], ['c2', 'c3']],
      [[], ['c4', 'c5']],
      [[], ['c6']],
    ]);
    const snapshot = buildSnapshot(resources());
    const union = Object.fromEntries(chunks.flatMap((c) => c.resources.map((r) => [r.name, r.version])));
    assert.deepEqual(union, Object.fromEntries([...snapshot.resources(EDS).values()].map((e) => [e.name, e.hash])));
    assert.equal(new Set(chunks.map((c) => c.nonce)).size, 4, 'each response has its own nonce');
    assert.deepEqual(
      chunks.map((c) => c.system_version_info),
      Array(4).fill(snapshot.version(EDS)),
    );
    for (const chunk of chunks) client.ack(chunk);
    assert.deepEqual(await client.barrier(client.responses.mark()), [], 'ACKs resend nothing');
    assert.equal(xds.cache.status('default.split-1')?.types[EDS]?.acks, 4);
    assert.equal(await xds.metric('meshplane_xds_oversized_responses_total', { type: 'EDS', protocol: 'delta' }), 0);
    assert.equal(await xds.metric('meshplane_xds_response_bytes_count', { type: 'EDS', protocol: 'delta' }), 4);
  });

  it('records a NACK of the second response by its nonce, between ACKs of the others', async () => {
    const xds = await startLimited(LIMIT);
    xds.publish('default.split-2', resources());
    const client = xds.delta('default.split-2');
    client.request(EDS, { subscribe: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] });
    const chunks = await nextN(client, 3);
    assert.deepEqual(layout(chunks), [
      [[], ['c1', 'c2']],
      [[], ['c3', 'c4']],
      [[], ['c5', 'c6']],
    ]);
    const [first, second, third] = chunks as [DeltaResponse, DeltaResponse, DeltaResponse];
    client.ack(first);
    client.nack(second, 'endpoints[0].locality unset');
    client.ack(third);
    assert.deepEqual(await client.barrier(client.responses.mark()), [], 'the NACKed resources are not resent');
    const status = xds.cache.status('default.split-2');
    assert.deepEqual([status?.types[EDS]?.acks, status?.types[EDS]?.nacks], [2, 1]);
    assert.deepEqual([status?.lastNack?.typeUrl, status?.lastNack?.message], [EDS, 'endpoints[0].locality unset']);
    assert.equal(await xds.metric('meshplane_xds_nacks_total', { type: 'EDS' }), 1);
  });

  it('sends a delta resource larger than the limit alone, counts it as oversized and warns once per node and type', async () => {
    const xds = await startLimited(LIMIT);
    xds.publish('default.split-3', resources({ big: true }));
    const client = xds.delta('default.split-3');
    client.request(EDS, { subscribe: ['c1', 'big', 'c2'] });
    const chunks = await nextN(client, 3);
    assert.deepEqual(layout(chunks), [
      [[], ['c1']],
      [[], ['big']],
      [[], ['c2']],
    ]);
    for (const chunk of chunks) client.ack(chunk);
    const other = xds.delta('default.split-3'); // a second stream of the same node: counted, not logged again
    other.request(EDS, { subscribe: ['big'] });
    other.ack(await other.nextOf(EDS));
    await other.barrier(other.responses.mark());
    assert.equal(await xds.metric('meshplane_xds_oversized_responses_total', { type: 'EDS', protocol: 'delta' }), 2);
    const bigSize = deltaEncodedSize(resources({ big: true }), ['big']);
    assert.ok(bigSize > LIMIT);
    const warned = xds.warnings.filter((w) => w.nodeId === 'default.split-3');
    assert.equal(warned.length, 1);
    assert.equal(warned[0]?.limit, LIMIT);
    assert.ok(Number(warned[0]?.bytes) > LIMIT && Number(warned[0]?.bytes) <= bigSize, `bytes ${String(warned[0]?.bytes)}`);
    assert.match(String(warned[0]?.msg), /over the \d+-byte limit \(--xds-max-response-bytes\)/);
  });

  it('still sends a SotW response over the limit whole, counts each one, and warns once naming the size, the limit and delta xDS', async () => {
    const limit = 300; // a CDS of six clusters is about 500 bytes
    const small = await startLimited(limit);
    small.publish('default.sotw-1', resources());
    const client = small.sotw('default.sotw-1');
    client.request(CDS, []);
    const first = await client.nextOf(CDS);
    assert.deepEqual(resourceNames(first), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    client.ack(first, []);
    await client.barrier(client.responses.mark());
    small.publish('default.sotw-1', resources({ extraCluster: true }));
    const second = await client.nextOf(CDS);
    assert.deepEqual(resourceNames(second), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    client.ack(second, []);
    await client.barrier(client.responses.mark());
    assert.equal(small.cache.status('default.sotw-1')?.types[CDS]?.acks, 2);
    assert.equal(await small.metric('meshplane_xds_oversized_responses_total', { type: 'CDS', protocol: 'sotw' }), 2);

    const codec = adsServiceDefinition().StreamAggregatedResources;
    const sizes = [
      [first, resources()],
      [second, resources({ extraCluster: true })],
    ].map(([received, input]) => {
      const snapshot = buildSnapshot([...(input as ResourceInput[]), barrierSecret]);
      const response = { version_info: snapshot.version(CDS), resources: [...snapshot.resources(CDS).values()].map((e) => e.any), type_url: CDS, nonce: (received as { nonce: string }).nonce };
      return codec?.responseSerialize(response).length ?? 0;
    });
    assert.ok(sizes.every((b) => b > limit), `sizes ${sizes.join(', ')}`);
    assert.equal(await small.metric('meshplane_xds_response_bytes_count', { type: 'CDS', protocol: 'sotw' }), 2);
    assert.equal(await small.metric('meshplane_xds_response_bytes_sum', { type: 'CDS', protocol: 'sotw' }), (sizes[0] ?? 0) + (sizes[1] ?? 0));
    const warned = small.warnings.filter((w) => w.nodeId === 'default.sotw-1');
    assert.equal(warned.length, 1);
    assert.deepEqual([warned[0]?.type, warned[0]?.protocol, warned[0]?.bytes, warned[0]?.limit], ['CDS', 'sotw', sizes[0], limit]);
    assert.match(String(warned[0]?.fix), /delta xDS/);
    assert.match(String(warned[0]?.fix), /max_receive_message_length/);
  });
});
