/**
 * A new snapshot that changes one type (here EDS) must not make a stream re-examine the proxy's
 * resources of the types it left alone: equal type versions mean equal content, so the stream skips
 * them. With 1,000 proxies regenerated for one endpoint change, that comparison was the largest cost
 * of the control plane left (docs/performance.md, Propagation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { barrierSecret, baselineResources, edsCluster, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { startTestXdsServer, type TestXdsServer } from '../../../test/support/xds-clients/test-xds-server.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { buildSnapshot, type ResourceInput, type XdsSnapshot } from '../snapshot.js';

const A = { address: '127.0.0.1', port: 50071 };
const B = { address: '127.0.0.1', port: 50072 };
const { cluster: CDS, clusterLoadAssignment: EDS } = TYPE_URL;

function resources(other: (typeof A)[]): ResourceInput[] {
  return [...baselineResources('backend.svc.mesh.local:8080', 'backend', [A]), { typeUrl: CDS, resource: edsCluster('other') }, { typeUrl: EDS, resource: loadAssignment('other', other) }];
}

/**
 * The snapshot of `input`, recording which types an ADS stream reads the resources of (the cache's
 * own consistency check reads every type, and is not what this is about).
 */
function watchedSnapshot(input: ResourceInput[], reads: string[]): XdsSnapshot {
  const snapshot = buildSnapshot([...input, barrierSecret]);
  const read = snapshot.resources.bind(snapshot);
  const byStream = (): boolean => /(sotw|delta)-stream\.[jt]s/.test(new Error().stack ?? '');
  Object.assign(snapshot, { resources: (typeUrl: string) => (byStream() && reads.push(typeUrl), read(typeUrl)) });
  return snapshot;
}

describe('a push that changes one type', () => {
  let xds: TestXdsServer;
  before(async () => {
    xds = await startTestXdsServer();
  });
  after(() => xds.stop());

  it('delta: reads only the changed type of the new snapshot, and sends it', async () => {
    xds.publish('default.d-1', resources([A]));
    const client = xds.delta('default.d-1');
    client.request(CDS);
    client.ack(await client.nextOf(CDS));
    client.request(EDS, { subscribe: ['backend', 'other'] });
    client.ack(await client.nextOf(EDS));
    await client.barrier(client.responses.mark());
    const reads: string[] = [];
    xds.cache.setSnapshot('default.d-1', watchedSnapshot(resources([B]), reads));
    const eds = await client.nextOf(EDS);
    assert.deepEqual(eds.resources.map((r) => r.name), ['other']);
    assert.ok(reads.includes(EDS), 'the changed type is compared');
    assert.equal(reads.includes(CDS), false, 'CDS, unchanged, is not');
  });

  it('SotW: reads only the changed type of the new snapshot, and sends it', async () => {
    xds.publish('default.s-1', resources([A]));
    const client = xds.sotw('default.s-1');
    client.request(CDS, []);
    client.ack(await client.nextOf(CDS), []);
    client.request(EDS, ['backend', 'other']);
    client.ack(await client.nextOf(EDS), ['backend', 'other']);
    await client.barrier(client.responses.mark());
    const reads: string[] = [];
    xds.cache.setSnapshot('default.s-1', watchedSnapshot(resources([B]), reads));
    const eds = await client.nextOf(EDS);
    assert.equal(eds.resources.length, 2);
    assert.ok(reads.includes(EDS), 'the changed type is compared');
    assert.equal(reads.includes(CDS), false, 'CDS, unchanged, is not');
  });
});
