/**
 * KDS when connections come and go, over real gRPC on 127.0.0.1: a zone that leaves is marked
 * offline and keeps its services everywhere; reconnects and a global restart write nothing that
 * already matches (VIP churn, kuma#13592); a name that cannot be synced is refused at its source
 * without breaking the stream; a disabled zone's services leave the other zones. Also measures
 * the east -> west latency of a new MeshService.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KdsZoneHandle } from '../../src/kds/zone-client.js';
import type { ZoneInsightSpec } from '../../src/kds/zone-records.js';
import type { StoreEvent } from '../../src/store/store.js';
import { apply, countSyncWrites, Multizone, named, startGlobal, waitForKds, waitForResync, waitForWrite } from '../support/kds-harness.js';

const REDIS = 'redis-cd75xf46x4b2zx4x'; // hashedName('default', 'redis', ['east'])
const EAST_STATUS = { vips: [{ ip: '241.0.0.0' }] };
/** What west's own VIP allocator gives its copy; a resync must never wipe it (kuma#13592). */
const WEST_STATUS = { vips: [{ ip: '241.0.0.9' }] };
const service = (name: string, port = 6379): Record<string, unknown> => ({
  type: 'MeshService',
  mesh: 'default',
  name,
  spec: { selector: { dataplaneTags: { app: name } }, ports: [{ port, targetPort: port }] },
});

let w: Multizone;

beforeEach(async () => {
  w = await Multizone.start();
  await w.createService('east', service('redis'), REDIS, EAST_STATUS);
  const copy = await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS });
  assert.ok(copy);
  await w.west.store.update({ ...copy, status: WEST_STATUS, version: copy.version });
});

async function westCopyStatus(): Promise<unknown> {
  return (await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }))?.status;
}

afterEach(async () => {
  await w.stop();
});

function handle(zone: 'east' | 'west'): KdsZoneHandle {
  const h = w.zones.get(zone);
  assert.ok(h, `${zone} is joined`);
  return h;
}

const insightOf = (zone: string, predicate: (s: ZoneInsightSpec) => boolean) => (e: StoreEvent): boolean =>
  named('ZoneInsight', zone)(e) && predicate(e.resource.spec as ZoneInsightSpec);

async function disconnectEast(): Promise<ZoneInsightSpec> {
  w.clock.advance(60_000);
  const offline = waitForWrite(w.global.store, insightOf('east', (s) => !s.online), 'east marked offline');
  await handle('east').close();
  w.zones.delete('east');
  return (await offline).resource.spec as ZoneInsightSpec;
}

describe('KDS reconnects and restarts', () => {
  it('a zone that disconnects is marked offline; its service stays on global and in west', async () => {
    const insight = await disconnectEast();
    assert.equal(insight.online, false);
    assert.equal(insight.connectTime, '2026-03-01T10:00:00.000Z');
    assert.equal(insight.disconnectTime, '2026-03-01T10:01:00.000Z');
    assert.deepEqual(w.kds.connectedZones(), ['west']);
    assert.deepEqual((await w.global.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }))?.status, EAST_STATUS);
    assert.ok(await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }));
  });

  it('a zone that reconnects causes no write for unchanged resources', async () => {
    await disconnectEast();
    const ignoreBarrier = (e: StoreEvent): boolean => e.resource.name.startsWith('barrier');
    const counters = [w.global, w.east, w.west].map((cp) => countSyncWrites(cp.store, ignoreBarrier));
    const online = waitForWrite(w.global.store, insightOf('east', (s) => s.online), 'east online again');
    await w.join('east');
    await online;
    await w.barrier('west', 'barrier-west');
    await w.barrier('east', 'barrier-east');
    for (const c of counters) c.stop();
    assert.deepEqual(counters.map((c) => c.events.map((e) => `${e.op} ${e.resource.type}/${e.resource.name}`)), [[], [], []]);
    assert.deepEqual(w.kds.connectedZones(), ['east', 'west']);
    assert.deepEqual(await westCopyStatus(), WEST_STATUS);
  });

  it('a global restart over the same store: both zones resync and nothing is written', async () => {
    const counters = [w.global, w.east, w.west].map((cp) => countSyncWrites(cp.store));
    w.clock.advance(60_000);
    const resynced = [waitForResync(handle('east')), waitForResync(handle('west'))];
    const applied = ['east', 'west'].map((z) =>
      waitForWrite(w.global.store, insightOf(z, (s) => s.online && s.lastFullSyncFromZone === '2026-03-01T10:01:00.000Z'), `new global applies ${z}`),
    );
    const port = w.kds.port;
    await w.kds.close();
    w.kds = await startGlobal(w.global.store, w.clock, port);
    await Promise.all([...resynced, ...applied]);
    for (const c of counters) c.stop();
    assert.deepEqual(counters.map((c) => c.events.map((e) => `${e.op} ${e.resource.type}/${e.resource.name}`)), [[], [], []]);
    assert.deepEqual(w.kds.connectedZones(), ['east', 'west']);
    assert.deepEqual(await westCopyStatus(), WEST_STATUS);
  });

  it('a MeshService whose name is not a DNS label is refused in its zone and the stream goes on', async () => {
    const refused = waitForKds(handle('east'), (e) => e.type === 'not-synced' && e.key.name === 'bad_name', 'east refuses bad_name');
    // Straight into the store, as a generator fed a `kuma.io/service` with an underscore would (kuma#12653).
    await w.east.store.create({ type: 'MeshService', mesh: 'default', name: 'bad_name', labels: {}, spec: { ports: [{ port: 80, targetPort: 80, appProtocol: 'tcp' }] } });
    const event = await refused;
    assert.ok(event.type === 'not-synced');
    assert.match(event.detail, /^MeshService 'bad_name' in mesh 'default' is not synced: labels\["kuma.io\/display-name"\]: "bad_name" becomes a DNS label in other zones: a DNS-1035 label must consist of/);
    await w.createService('east', service('web'), 'web-vwcv4542475475v9', EAST_STATUS);
    const onGlobal = (await w.global.store.list({ type: 'MeshService' })).items.map((r) => r.name);
    assert.deepEqual(onGlobal, [REDIS, 'web-vwcv4542475475v9']);
  });

  it('disabling a zone on global ends its stream and removes its services from the other zones; enabling brings them back', async () => {
    const zone = await w.global.store.get({ type: 'Zone', mesh: '', name: 'east' });
    assert.ok(zone);
    const goneFromWest = waitForWrite(w.west.store, (e) => named('MeshService', REDIS)(e) && e.op === 'delete', 'redis leaves west');
    const eastDropped = waitForKds(handle('east'), (e) => e.type === 'disconnected', 'east loses its stream');
    const disabled = await w.global.store.update({ ...zone, spec: { enabled: false }, version: zone.version });
    const dropped = await eastDropped;
    assert.ok(dropped.type === 'disconnected');
    assert.equal(dropped.reason, "zone 'east' was disabled on the global control plane");
    await goneFromWest;
    assert.ok(await w.global.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }), 'global keeps it');

    const backInWest = waitForWrite(w.west.store, named('MeshService', REDIS), 'redis back in west');
    const eastBack = waitForKds(handle('east'), (e) => e.type === 'full-sync-applied', 'east syncs again');
    await w.global.store.update({ ...disabled, spec: { enabled: true }, version: disabled.version });
    await Promise.all([backInWest, eastBack]);
  });

  it('measures the east -> west latency of a new MeshService', async (t) => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const arrived = waitForWrite(w.west.store, (e) => e.op === 'create' && e.resource.labels['kuma.io/display-name'] === `svc-${i}`, `svc-${i} in west`);
      const started = performance.now();
      await apply(w.east, service(`svc-${i}`));
      await arrived;
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
    t.diagnostic(`east -> west MeshService sync latency over ${samples.length} creates: p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`);
    assert.ok(at(1) < 1_000, `every create reached west within 1 s (max ${at(1).toFixed(1)} ms)`);
  });
});
