import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { apiListener, baselineResources, edsCluster, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { MessageLog } from '../../../test/support/xds-clients/message-log.js';
import { resourceNames } from '../../../test/support/xds-clients/sotw-test-client.js';
import { startTestXdsServer, type TestXdsServer } from '../../../test/support/xds-clients/test-xds-server.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildSnapshot, type ResourceInput } from '../snapshot.js';

const A = { address: '127.0.0.1', port: 50061 };
const B = { address: '127.0.0.1', port: 50062 };
const TARGET = 'backend.svc.mesh.local:8080';
const { listener: LDS, routeConfiguration: RDS, cluster: CDS, clusterLoadAssignment: EDS } = TYPE_URL;

/** The baseline plus a second listener/cluster pair that clients may or may not ask for. */
function resources(endpoints = [A, B], otherEndpoints = [A]): ResourceInput[] {
  return [
    ...baselineResources(TARGET, 'backend', endpoints),
    { typeUrl: LDS, resource: apiListener('other:80', 'route-backend') },
    { typeUrl: CDS, resource: edsCluster('other') },
    { typeUrl: EDS, resource: loadAssignment('other', otherEndpoints) },
  ];
}

describe('ADS state of the world', () => {
  let xds: TestXdsServer;
  const connected: string[] = [];
  const disconnected = new MessageLog<string>();
  before(async () => {
    xds = await startTestXdsServer({
      nodeIdPolicy: (id) => (id.startsWith('default.web-') ? undefined : `dataplane ${id} does not exist`),
      onConnect: (id) => connected.push(id),
      onDisconnect: (id) => disconnected.push(id),
    });
  });
  after(() => xds.stop());

  it('serves the initial fetch of each type, and an ACK updates the node status', async () => {
    xds.publish('default.web-1', resources());
    const client = xds.sotw('default.web-1');
    const expected = buildSnapshot(resources());
    for (const [typeUrl, names] of [[LDS, [TARGET]], [RDS, ['route-backend']], [CDS, ['backend']], [EDS, ['backend']]] as const) {
      client.request(typeUrl, names);
      const response = await client.nextOf(typeUrl);
      assert.deepEqual(resourceNames(response), names);
      assert.equal(response.version_info, expected.version(typeUrl));
      client.ack(response, names);
    }
    await client.barrier(client.responses.mark());
    const status = xds.cache.status('default.web-1');
    for (const typeUrl of [LDS, RDS, CDS, EDS]) {
      assert.equal(status?.types[typeUrl]?.lastAckedVersion, expected.version(typeUrl), typeUrl);
      assert.equal(status?.types[typeUrl]?.acks, 1, typeUrl);
    }
    assert.equal(status?.connectedStreams, 1);
    assert.deepEqual(connected, ['default.web-1']);
  });

  it('pushes a new version only when content changes, and only for the changed type', async () => {
    xds.publish('default.web-2', resources());
    const client = xds.sotw('default.web-2');
    client.request(CDS, ['backend']);
    client.ack(await client.nextOf(CDS), ['backend']);
    client.request(EDS, ['backend']);
    const first = await client.nextOf(EDS);
    client.ack(first, ['backend']);
    const mark = client.responses.mark();
    xds.publish('default.web-2', resources()); // equal content, new objects
    xds.publish('default.web-2', resources([A, B], [B])); // a CLA the client did not ask for
    assert.deepEqual(await client.barrier(mark), []);
    xds.publish('default.web-2', resources([A]));
    const pushed = await client.nextOf(EDS);
    assert.notEqual(pushed.version_info, first.version_info);
    assert.deepEqual((await client.barrier(mark)).map((r) => r.type_url), [EDS]);
  });

  it('counts and records a NACK, and neither resends the rejected version nor rolls back', async () => {
    xds.publish('default.web-3', resources());
    const client = xds.sotw('default.web-3');
    client.request(EDS, ['backend']);
    const v1 = await client.nextOf(EDS);
    client.ack(v1, ['backend']);
    await client.barrier(client.responses.mark()); // the ACK is processed before the next push makes its nonce stale
    xds.publish('default.web-3', resources([B]));
    const v2 = await client.nextOf(EDS);
    const mark = client.responses.mark();
    client.nack(v2, ['backend'], 'endpoints[0].locality unset', v1.version_info);
    client.request(EDS, ['backend'], { version: v1.version_info, nonce: v2.nonce, error: 'endpoints[0].locality unset' });
    assert.deepEqual(await client.barrier(mark), [], 'nothing is resent after a NACK');
    const status = xds.cache.status('default.web-3');
    assert.equal(status?.lastNack?.typeUrl, EDS);
    assert.equal(status?.lastNack?.version, v2.version_info);
    assert.equal(status?.lastNack?.message, 'endpoints[0].locality unset');
    assert.equal(status?.types[EDS]?.lastAckedVersion, v1.version_info);
    assert.equal(await xds.counter('meshplane_xds_nacks_total', { type: 'EDS' }), 2);
    xds.publish('default.web-3', resources([B], [B])); // only a CLA the client did not ask for
    xds.publish('default.web-3', resources([A]));
    const v3 = await client.nextOf(EDS);
    assert.equal(v3.version_info, buildSnapshot(resources([A])).version(EDS));
    assert.notEqual(v3.version_info, v1.version_info);
  });

  it('ignores a request with a stale nonce, then honours the same names with the current nonce', async () => {
    xds.publish('default.web-4', resources());
    const client = xds.sotw('default.web-4');
    client.request(CDS, ['backend']);
    const first = await client.nextOf(CDS);
    const mark = client.responses.mark();
    client.request(CDS, ['backend', 'other'], { nonce: 'stale-nonce' });
    client.request(CDS, ['backend', 'other'], { nonce: '' });
    assert.deepEqual(await client.barrier(mark), []);
    client.request(CDS, ['backend', 'other'], { version: first.version_info, nonce: first.nonce });
    assert.deepEqual(resourceNames(await client.nextOf(CDS)), ['backend', 'other']);
  });

  it('sends LDS/CDS with every subscribed resource and RDS/EDS with only the requested names that exist', async () => {
    xds.publish('default.web-5', resources());
    const client = xds.sotw('default.web-5');
    client.request(CDS, ['backend', 'other', 'missing']);
    const cds = await client.nextOf(CDS);
    client.ack(cds, ['backend', 'other', 'missing']);
    client.request(EDS, ['backend', 'missing']);
    assert.deepEqual(resourceNames(await client.nextOf(EDS)), ['backend']);
    const mark = client.responses.mark();
    xds.publish('default.web-5', [...resources().filter((r) => r.typeUrl !== CDS), { typeUrl: CDS, resource: edsCluster('backend') }, { typeUrl: CDS, resource: { ...edsCluster('other'), connect_timeout: { seconds: 2 } } }]);
    const pushed = await client.nextOf(CDS);
    assert.deepEqual(resourceNames(pushed), ['backend', 'other']);
    assert.deepEqual((await client.barrier(mark)).map((r) => r.type_url), [CDS]);
  });

  it('treats an empty LDS list as a wildcard in the first request only', async () => {
    xds.publish('default.web-6', resources());
    const wildcard = xds.sotw('default.web-6');
    wildcard.request(LDS, []);
    const all = await wildcard.nextOf(LDS);
    assert.deepEqual(resourceNames(all).sort(), ['backend.svc.mesh.local:8080', 'other:80']);
    wildcard.ack(all, []); // Envoy ACKs a wildcard with an empty list: still a wildcard, nothing new
    assert.deepEqual(await wildcard.barrier(wildcard.responses.mark()), []);

    const named = xds.sotw('default.web-6');
    named.request(LDS, [TARGET]);
    const one = await named.nextOf(LDS);
    assert.deepEqual(resourceNames(one), [TARGET]);
    const mark = named.responses.mark();
    named.ack(one, []); // grpc-js-xds unsubscribes like this when a channel closes
    assert.deepEqual(await named.barrier(mark), [], 'a later empty list unsubscribes; it is not a wildcard');
  });

  it('answers requests that came before the node had a snapshot once one is published', async () => {
    const client = xds.sotw('default.web-10');
    client.request(CDS, ['backend']);
    await xds.cache.events.waitFrom(0, (e) => e.nodeId === 'default.web-10' && e.event.kind === 'opened', 5000, 'the stream to open');
    assert.equal(xds.cache.status('default.web-10')?.totals.responses, 0);
    xds.publish('default.web-10', resources());
    client.request(EDS, ['backend']);
    assert.deepEqual(resourceNames(await client.nextOf(CDS)), ['backend']);
    assert.deepEqual(resourceNames(await client.nextOf(EDS)), ['backend']);
  });

  it('pushes a change to every stream of the node', async () => {
    xds.publish('default.web-7', resources());
    const clients = [xds.sotw('default.web-7'), xds.sotw('default.web-7')];
    for (const client of clients) {
      client.request(EDS, ['backend']);
      client.ack(await client.nextOf(EDS), ['backend']);
    }
    xds.publish('default.web-7', resources([B]));
    const expected = buildSnapshot(resources([B])).version(EDS);
    for (const client of clients) assert.equal((await client.nextOf(EDS)).version_info, expected);
    assert.equal(xds.cache.status('default.web-7')?.connectedStreams, 2);
  });

  it('does not push a refused (inconsistent) snapshot', async () => {
    xds.publish('default.web-8', resources());
    const client = xds.sotw('default.web-8');
    client.request(CDS, ['backend']);
    client.ack(await client.nextOf(CDS), ['backend']);
    const mark = client.responses.mark();
    const refused = xds.cache.setSnapshot('default.web-8', buildSnapshot([{ typeUrl: CDS, resource: edsCluster('backend') }]));
    assert.deepEqual(refused, { ok: false, errors: ["cluster 'backend' needs ClusterLoadAssignment 'backend', which is not in the snapshot"] });
    assert.deepEqual(await client.barrier(mark), []);
  });

  it('ends the stream of an unknown node id with NOT_FOUND, and of a node without id with INVALID_ARGUMENT', async () => {
    const unknown = xds.sotw('default.ghost');
    unknown.request(LDS, [TARGET]);
    const status = await unknown.finished;
    assert.equal(status.code, GrpcStatus.NOT_FOUND);
    assert.equal(status.details, 'dataplane default.ghost does not exist');
    const anonymous = xds.sotw('');
    anonymous.request(LDS, [TARGET]);
    const anonymousStatus = await anonymous.finished;
    assert.equal(anonymousStatus.code, GrpcStatus.INVALID_ARGUMENT);
    assert.equal(anonymousStatus.details, 'the first request of a stream must carry node.id');
    assert.equal(xds.cache.status('default.ghost'), undefined);
  });

  it('reports the stream closed when the client goes away', async () => {
    xds.publish('default.web-9', resources());
    const client = xds.sotw('default.web-9');
    client.request(CDS, ['backend']);
    await client.nextOf(CDS);
    client.close();
    await client.finished;
    await disconnected.next((id) => id === 'default.web-9', 5000, 'onDisconnect of default.web-9');
    assert.equal(xds.cache.status('default.web-9')?.connectedStreams, 0);
  });
});
