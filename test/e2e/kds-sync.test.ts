/**
 * Multi-zone sync over real gRPC on 127.0.0.1: a global control plane and zones `east` and
 * `west` in one process, each with its own memory store and the real write path. Every wait is
 * on a store write or a KDS event with a deadline.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { kindByName } from '../../src/core/registry.js';
import type { ZoneInsightSpec } from '../../src/kds/zone-records.js';
import { apply, Multizone, named, waitForWrite } from '../support/kds-harness.js';

const REDIS = 'redis-cd75xf46x4b2zx4x'; // hashedName('default', 'redis', ['east']), semantics 7.4
const EAST_STATUS = { vips: [{ ip: '241.0.0.0' }], addresses: [{ hostname: 'redis.svc.mesh.local', origin: 'HostnameGenerator' }] };

const redisDoc = (port = 6379): Record<string, unknown> => ({
  type: 'MeshService',
  mesh: 'default',
  name: 'redis',
  spec: { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port, targetPort: port }] },
});

let w: Multizone;

function createRedisInEast(): Promise<void> {
  return w.createService('east', redisDoc(), REDIS, EAST_STATUS);
}

beforeEach(async () => {
  w = await Multizone.start();
});

afterEach(async () => {
  await w.stop();
});

describe('KDS over gRPC: global, east, west', () => {
  it('registers both zones: a Zone resource and an online insight each', async () => {
    assert.deepEqual(w.kds.connectedZones(), ['east', 'west']);
    for (const zone of ['east', 'west']) {
      const z = await w.global.store.get({ type: 'Zone', mesh: '', name: zone });
      assert.deepEqual(z?.spec, { enabled: true });
      const insight = (await w.global.store.get({ type: 'ZoneInsight', mesh: '', name: zone }))?.spec as ZoneInsightSpec;
      assert.equal(insight.online, true);
      assert.equal(insight.connectTime, '2026-03-01T10:00:00.000Z');
      assert.equal(insight.lastFullSyncFromZone, '2026-03-01T10:00:00.000Z');
    }
  });

  it('a MeshService from east reaches global (hashed, east\'s status) and west (origin global, no status), never back to east', async () => {
    await createRedisInEast();
    const onGlobal = await w.global.store.get({ type: 'MeshService', mesh: 'default', name: REDIS });
    assert.deepEqual(onGlobal?.labels, {
      'kuma.io/display-name': 'redis',
      'kuma.io/env': 'universal',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'east',
    });
    assert.deepEqual(onGlobal?.status, EAST_STATUS);
    const inWest = await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS });
    assert.equal(inWest?.labels['kuma.io/origin'], 'global');
    assert.equal(inWest?.labels['kuma.io/zone'], 'east');
    assert.equal(inWest?.labels['kuma.io/display-name'], 'redis');
    assert.equal(inWest?.status, undefined);
    assert.deepEqual(inWest?.spec, onGlobal?.spec);
    await w.barrier('east', 'barrier-east');
    assert.deepEqual((await w.east.store.list({ type: 'MeshService' })).items.map((r) => r.name), ['redis']);
  });

  it('a Mesh and a HostnameGenerator created on global appear in both zones', async () => {
    const arrivals = ['east', 'west'].flatMap((z) => {
      const store = z === 'east' ? w.east.store : w.west.store;
      return [
        waitForWrite(store, named('Mesh', 'payments'), `Mesh payments in ${z}`),
        waitForWrite(store, named('HostnameGenerator', 'custom-4db6z478b96x4c82'), `HostnameGenerator in ${z}`),
      ];
    });
    await apply(w.global, { type: 'Mesh', name: 'payments' });
    await apply(w.global, {
      type: 'HostnameGenerator',
      name: 'custom',
      spec: { selector: { meshService: { matchLabels: { 'kuma.io/origin': 'global' } } }, template: '{{ .DisplayName }}.custom.mesh' },
    });
    await Promise.all(arrivals);
    for (const cp of [w.east, w.west]) {
      assert.deepEqual((await cp.store.get({ type: 'Mesh', mesh: '', name: 'payments' }))?.labels, { 'kuma.io/origin': 'global' });
      const hg = await cp.store.get({ type: 'HostnameGenerator', mesh: '', name: 'custom-4db6z478b96x4c82' });
      assert.equal(hg?.labels['kuma.io/display-name'], 'custom');
      assert.equal(hg?.labels['kuma.io/origin'], 'global');
      assert.equal((hg?.spec as { template: string }).template, '{{ .DisplayName }}.custom.mesh');
    }
  });

  it('an update travels, and west keeps the VIP it allocated for its copy', async () => {
    await createRedisInEast();
    const copy = await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS });
    assert.ok(copy);
    const westStatus = { vips: [{ ip: '241.0.0.9' }], addresses: [{ hostname: 'redis.svc.east.mesh.local', origin: 'HostnameGenerator' }] };
    await w.west.store.update({ ...copy, status: westStatus, version: copy.version }); // as west's VIP allocator would
    const updated = waitForWrite(w.west.store, (e) => named('MeshService', REDIS)(e) && e.op === 'update' && e.resource.version > copy.version + 1, 'redis update in west');
    await apply(w.east, redisDoc(6380));
    const after = (await updated).resource;
    assert.equal((after.spec as { ports: { port: number }[] }).ports[0]?.port, 6380);
    assert.deepEqual(after.status, westStatus);
  });

  it('a delete in east removes the service on global and in west', async () => {
    await createRedisInEast();
    const goneGlobal = waitForWrite(w.global.store, (e) => named('MeshService', REDIS)(e) && e.op === 'delete', 'delete on global');
    const goneWest = waitForWrite(w.west.store, (e) => named('MeshService', REDIS)(e) && e.op === 'delete', 'delete in west');
    await w.east.manager.delete(kindByName('MeshService'), 'default', 'redis');
    await Promise.all([goneGlobal, goneWest]);
    assert.equal(await w.global.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }), undefined);
    assert.equal(await w.west.store.get({ type: 'MeshService', mesh: 'default', name: REDIS }), undefined);
  });
});
