import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { baselineResources, edsCluster, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { decodedDeltaResource, versionsOf } from '../../../test/support/xds-clients/delta-test-client.js';
import { startTestXdsServer, type TestXdsServer } from '../../../test/support/xds-clients/test-xds-server.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildSnapshot, type ResourceInput } from '../snapshot.js';

const A = { address: '127.0.0.1', port: 50061 };
const B = { address: '127.0.0.1', port: 50062 };
const { cluster: CDS, clusterLoadAssignment: EDS } = TYPE_URL;

/** Clusters `backend` and `other` (null: no `other`), each with its CLA. */
function resources(backend = [A, B], other: (typeof A)[] | null = [A]): ResourceInput[] {
  const base = baselineResources('backend.svc.mesh.local:8080', 'backend', backend);
  if (other === null) return base;
  return [...base, { typeUrl: CDS, resource: edsCluster('other') }, { typeUrl: EDS, resource: loadAssignment('other', other) }];
}

function hashes(typeUrl: string, input: ResourceInput[]): Record<string, string> {
  return Object.fromEntries([...buildSnapshot(input).resources(typeUrl).values()].map((e) => [e.name, e.hash]));
}

describe('ADS delta', () => {
  let xds: TestXdsServer;
  before(async () => {
    xds = await startTestXdsServer();
  });
  after(() => xds.stop());

  it('answers a wildcard CDS and named EDS subscription with resource versions', async () => {
    xds.publish('default.d-1', resources());
    const client = xds.delta('default.d-1');
    client.request(CDS);
    const cds = await client.nextOf(CDS);
    assert.deepEqual(versionsOf(cds), hashes(CDS, resources()));
    assert.equal(cds.system_version_info, buildSnapshot(resources()).version(CDS));
    client.ack(cds);
    client.request(EDS, { subscribe: ['backend'] });
    const eds = await client.nextOf(EDS);
    assert.deepEqual(Object.keys(versionsOf(eds)), ['backend']);
    assert.deepEqual(decodedDeltaResource(eds, 'backend'), loadAssignment('backend', [A, B]));
    client.ack(eds);
    await client.barrier(client.responses.mark());
    assert.equal(xds.cache.status('default.d-1')?.types[EDS]?.acks, 1);
  });

  it('sends exactly the changed ClusterLoadAssignment, and removed_resources on delete', async () => {
    xds.publish('default.d-2', resources());
    const client = xds.delta('default.d-2');
    client.request(CDS);
    client.ack(await client.nextOf(CDS));
    client.request(EDS, { subscribe: ['backend', 'other'] });
    client.ack(await client.nextOf(EDS));
    await client.barrier(client.responses.mark());
    const mark = client.responses.mark();
    xds.publish('default.d-2', resources([A, B], [B]));
    const changed = await client.nextOf(EDS);
    assert.deepEqual(versionsOf(changed), { other: hashes(EDS, resources([A, B], [B])).other });
    assert.deepEqual(changed.removed_resources, []);
    client.ack(changed);
    assert.deepEqual((await client.barrier(mark)).map((r) => r.type_url), [EDS]);

    xds.publish('default.d-2', resources([A, B], null));
    const cds = await client.nextOf(CDS);
    const eds = await client.nextOf(EDS);
    assert.deepEqual([cds.resources, cds.removed_resources], [[], ['other']]);
    assert.deepEqual([eds.resources, eds.removed_resources], [[], ['other']]);
  });

  it('on reconnect with initial_resource_versions sends only what the client does not have', async () => {
    xds.publish('default.d-3', resources());
    const current = hashes(EDS, resources());
    const client = xds.delta('default.d-3');
    client.request(EDS, { subscribe: ['backend', 'other'], initialVersions: current });
    const mark = client.responses.mark();
    assert.deepEqual(await client.barrier(mark), []);

    const stale = xds.delta('default.d-3');
    stale.request(EDS, { subscribe: ['backend', 'other'], initialVersions: { backend: current.backend ?? '', other: 'old-version' } });
    const update = await stale.nextOf(EDS);
    assert.deepEqual(versionsOf(update), { other: current.other });

    const wildcard = xds.delta('default.d-3');
    wildcard.request(CDS, { initialVersions: { ...hashes(CDS, resources()), gone: 'v0' } });
    const cds = await wildcard.nextOf(CDS);
    assert.deepEqual([cds.resources, cds.removed_resources], [[], ['gone']]);
  });

  it('counts a NACK and does not resend the rejected resource', async () => {
    xds.publish('default.d-4', resources());
    const client = xds.delta('default.d-4');
    client.request(EDS, { subscribe: ['backend'] });
    client.ack(await client.nextOf(EDS));
    await client.barrier(client.responses.mark());
    xds.publish('default.d-4', resources([B]));
    const rejected = await client.nextOf(EDS);
    const mark = client.responses.mark();
    client.nack(rejected, 'endpoints[0].locality unset');
    assert.deepEqual(await client.barrier(mark), []);
    const status = xds.cache.status('default.d-4');
    assert.deepEqual([status?.lastNack?.typeUrl, status?.lastNack?.message], [EDS, 'endpoints[0].locality unset']);
    assert.equal(await xds.counter('meshplane_xds_nacks_total', { type: 'EDS' }), 1);
  });

  it('subscribes and unsubscribes by name and by *', async () => {
    xds.publish('default.d-5', resources());
    const client = xds.delta('default.d-5');
    client.request(EDS, { subscribe: ['backend'] });
    client.ack(await client.nextOf(EDS));
    client.request(EDS, { unsubscribe: ['backend'] });
    await client.barrier(client.responses.mark()); // the unsubscribe is processed before the push
    const mark = client.responses.mark();
    xds.publish('default.d-5', resources([B]));
    assert.deepEqual(await client.barrier(mark), [], 'no update for an unsubscribed name');
    client.request(EDS, { subscribe: ['*'] });
    const all = await client.nextOf(EDS);
    assert.deepEqual(Object.keys(versionsOf(all)).sort(), ['backend', 'other']);
    client.ack(all);
    client.request(EDS, { unsubscribe: ['*'] });
    await client.barrier(client.responses.mark());
    const after = client.responses.mark();
    xds.publish('default.d-5', resources([A], [B]));
    assert.deepEqual(await client.barrier(after), []);
  });

  it('applies a subscription sent with a stale nonce (delta requests are not state of the world)', async () => {
    xds.publish('default.d-6', resources());
    const client = xds.delta('default.d-6');
    client.request(EDS, { subscribe: ['backend'] });
    await client.nextOf(EDS);
    client.request(EDS, { subscribe: ['other'], nonce: 'stale' });
    assert.deepEqual(Object.keys(versionsOf(await client.nextOf(EDS))), ['other']);
  });
});
