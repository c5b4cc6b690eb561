/**
 * A delta update split into several responses (a small --xds-max-response-bytes) shares one system
 * version; the node status (and so the inspect API's `upToDate`) must report that version ACKed only
 * once every response of it was ACKed, and a NACK of any one of them as the NACK of the version.
 * Real gRPC streams, as in response-size-limit.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { barrierSecret, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { DeltaTestClient, type DeltaResponse } from '../../../test/support/xds-clients/delta-test-client.js';
import { ObservedCache } from '../../../test/support/xds-clients/test-xds-server.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildSnapshot, type ResourceInput } from '../snapshot.js';
import { adsServiceDefinition } from './ads-service.js';
import { startXdsServer, type XdsServer } from './ads-server.js';

const EDS = TYPE_URL.clusterLoadAssignment;
const endpoints = Array.from({ length: 20 }, (_, i) => ({ address: `10.3.0.${i}`, port: 8000 + i }));
const input: ResourceInput[] = ['c1', 'c2', 'c3'].map((n) => ({ typeUrl: EDS, resource: loadAssignment(n, endpoints) }));
const snapshot = buildSnapshot([...input, barrierSecret]);
const VERSION = snapshot.version(EDS);

/** One assignment fits a response (with the longest nonce), two do not: the update goes out as three. */
const LIMIT = ((): number => {
  const entries = ['c1', 'c2'].map((n) => snapshot.resources(EDS).get(n)).map((e) => ({ name: e?.name, version: e?.hash, resource: e?.any }));
  const response = { system_version_info: VERSION, resources: entries, type_url: EDS, removed_resources: [], nonce: '9'.repeat(16) };
  return (adsServiceDefinition().DeltaAggregatedResources?.responseSerialize(response).length ?? 0) - 1;
})();

const cache = new ObservedCache();
let server: XdsServer | undefined;
const clients: DeltaTestClient[] = [];

/** A delta client of `nodeId` subscribed to c1..c3, and the three responses the update went out as. */
async function splitUpdate(nodeId: string): Promise<{ client: DeltaTestClient; chunks: [DeltaResponse, DeltaResponse, DeltaResponse] }> {
  server ??= await startXdsServer({ cache, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), metrics: new Registry(), maxResponseBytes: LIMIT });
  assert.ok(cache.setSnapshot(nodeId, snapshot).ok);
  const client = new DeltaTestClient(server.address, { id: nodeId, cluster: 'test', locality: {} });
  clients.push(client);
  client.request(EDS, { subscribe: ['c1', 'c2', 'c3'] });
  const chunks = [await client.nextOf(EDS), await client.nextOf(EDS), await client.nextOf(EDS)] as const;
  assert.deepEqual(
    chunks.map((c) => [c.system_version_info, c.resources.map((r) => r.name)]),
    [
      [VERSION, ['c1']],
      [VERSION, ['c2']],
      [VERSION, ['c3']],
    ],
  );
  return { client, chunks: [...chunks] };
}

/** The EDS status of the node once the stream has processed everything sent so far. */
async function edsStatus(client: DeltaTestClient, nodeId: string): Promise<{ lastAckedVersion?: string; acks?: number; nacks?: number } | undefined> {
  assert.deepEqual(await client.barrier(client.responses.mark()), [], 'answers resend nothing');
  return cache.status(nodeId)?.types[EDS];
}

describe('ACKs of a delta update split into several responses', () => {
  after(async () => {
    for (const client of clients) client.close();
    await server?.stop();
  });

  it('does not record the version as ACKed when only the first response is ACKed', async () => {
    const { client, chunks } = await splitUpdate('default.ack-first');
    client.ack(chunks[0]);
    const status = await edsStatus(client, 'default.ack-first');
    assert.deepEqual([status?.lastAckedVersion, status?.acks, status?.nacks], [undefined, 1, 0]);
  });

  it('records the version as ACKed once every response is ACKed', async () => {
    const { client, chunks } = await splitUpdate('default.ack-all');
    client.ack(chunks[0]);
    client.ack(chunks[1]);
    assert.equal((await edsStatus(client, 'default.ack-all'))?.lastAckedVersion, undefined, 'two of three');
    client.ack(chunks[2]);
    const status = await edsStatus(client, 'default.ack-all');
    assert.deepEqual([status?.lastAckedVersion, status?.acks, status?.nacks], [VERSION, 3, 0]);
  });

  it('treats a NACK of the second response as the NACK of the version, whatever the others answer', async () => {
    const { client, chunks } = await splitUpdate('default.nack-second');
    client.ack(chunks[0]);
    client.nack(chunks[1], 'c2: endpoints[0].locality unset');
    client.ack(chunks[2]);
    const status = await edsStatus(client, 'default.nack-second');
    assert.deepEqual([status?.lastAckedVersion, status?.acks, status?.nacks], [undefined, 2, 1]);
    const nack = cache.status('default.nack-second')?.lastNack;
    assert.deepEqual([nack?.typeUrl, nack?.version, nack?.message], [EDS, VERSION, 'c2: endpoints[0].locality unset']);
  });
});
