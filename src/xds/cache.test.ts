import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineResources, edsCluster } from '../../test/support/xds-clients/baseline-resources.js';
import { ManualClock } from '../core/clock.js';
import { SnapshotCache } from './cache.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { buildSnapshot, type XdsSnapshot } from './snapshot.js';

const A = { address: '127.0.0.1', port: 50061 };
const B = { address: '127.0.0.1', port: 50062 };

describe('SnapshotCache', () => {
  it('refuses an inconsistent snapshot and keeps the previous one', () => {
    const cache = new SnapshotCache();
    const good = buildSnapshot(baselineResources('web:80', 'web', [A]));
    assert.deepEqual(cache.setSnapshot('default.web-1', good), { ok: true, changed: true });
    const bad = buildSnapshot([{ typeUrl: TYPE_URL.cluster, resource: edsCluster('orphan') }]);
    assert.deepEqual(cache.setSnapshot('default.web-1', bad), { ok: false, errors: ["cluster 'orphan' needs ClusterLoadAssignment 'orphan', which is not in the snapshot"] });
    assert.equal(cache.getSnapshot('default.web-1'), good);
  });

  it('tells watchers of that node about changed snapshots only', () => {
    const cache = new SnapshotCache();
    const seen: XdsSnapshot[] = [];
    const other: XdsSnapshot[] = [];
    const stop = cache.watch('default.web-1', (s) => seen.push(s));
    cache.watch('default.web-2', (s) => other.push(s));
    const first = buildSnapshot(baselineResources('web:80', 'web', [A]));
    const same = buildSnapshot(baselineResources('web:80', 'web', [A]));
    const second = buildSnapshot(baselineResources('web:80', 'web', [A, B]));
    cache.setSnapshot('default.web-1', first);
    assert.deepEqual(cache.setSnapshot('default.web-1', same), { ok: true, changed: false });
    cache.setSnapshot('default.web-1', second);
    stop();
    cache.setSnapshot('default.web-1', first);
    assert.deepEqual(seen, [first, second]);
    assert.deepEqual(other, []);
  });

  it('records streams, sent and acknowledged versions and the last NACK per node', () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const cache = new SnapshotCache({ clock });
    cache.report('default.web-1', { kind: 'opened', streamId: 7, protocol: 'sotw' });
    cache.report('default.web-1', { kind: 'sent', streamId: 7, typeUrl: TYPE_URL.cluster, version: 'v1', nonce: '1' });
    clock.advance(1000);
    cache.report('default.web-1', { kind: 'ack', streamId: 7, typeUrl: TYPE_URL.cluster, version: 'v1' });
    cache.report('default.web-1', { kind: 'sent', streamId: 7, typeUrl: TYPE_URL.cluster, version: 'v2', nonce: '2' });
    clock.advance(1000);
    cache.report('default.web-1', { kind: 'nack', streamId: 7, typeUrl: TYPE_URL.cluster, version: 'v2', message: 'bad cluster' });
    cache.report('default.web-1', { kind: 'closed', streamId: 7 });
    assert.deepEqual(cache.status('default.web-1'), {
      nodeId: 'default.web-1',
      connectedStreams: 0,
      streamsOpened: 1,
      lastConnectedAt: new Date('2026-03-01T10:00:00Z'),
      lastDisconnectedAt: new Date('2026-03-01T10:00:02Z'),
      types: {
        [TYPE_URL.cluster]: {
          lastSentVersion: 'v2',
          lastSentAt: new Date('2026-03-01T10:00:01Z'),
          lastAckedVersion: 'v1',
          lastAckedAt: new Date('2026-03-01T10:00:01Z'),
          responses: 2,
          acks: 1,
          nacks: 1,
        },
      },
      lastNack: { at: new Date('2026-03-01T10:00:02Z'), typeUrl: TYPE_URL.cluster, version: 'v2', message: 'bad cluster' },
      totals: { responses: 2, acks: 1, nacks: 1 },
    });
    assert.equal(cache.status('default.other'), undefined);
    assert.deepEqual(cache.nodeIds(), ['default.web-1']);
  });
});
