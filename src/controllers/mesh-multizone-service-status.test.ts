import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../core/clock.js';
import type { MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { ControllerRunner } from './controller-runner.js';
import { MESH_MULTI_ZONE_SERVICE_STATUS_KINDS, MeshMultiZoneServiceStatusController } from './mesh-multizone-service-status.js';
import { ResourceCache } from './resource-cache.js';

describe('MeshMultiZoneServiceStatusController', () => {
  it('follows MeshServices coming and going; only its own fields are written', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const logger = pino({ level: 'silent' });
    const cache = new ResourceCache({ store, types: MESH_MULTI_ZONE_SERVICE_STATUS_KINDS });
    await cache.start();
    const runner = new ControllerRunner({ cache, clock, logger, controllers: [new MeshMultiZoneServiceStatusController({ cache, store, logger })], useTimers: false });
    runner.start();
    await store.create({
      type: 'MeshMultiZoneService',
      mesh: 'default',
      name: 'backend',
      labels: {},
      spec: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } }, ports: [{ port: 80, appProtocol: 'http' }] },
      status: { vips: [{ ip: '243.0.0.0' }] },
    });
    const status = async () => (await store.get({ type: 'MeshMultiZoneService', mesh: 'default', name: 'backend' }))?.status as MeshMultiZoneServiceStatus;
    await runner.settle();
    assert.deepEqual(await status(), {
      vips: [{ ip: '243.0.0.0' }],
      conditions: [{ type: 'MeshServicesMatched', status: 'False', reason: 'NoMatchesFound', message: 'Selector does not match any MeshService in this zone' }],
    });
    const ms = (name: string, zone: string, mesh = 'default') => ({ type: 'MeshService', mesh, name, labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': zone }, spec: {} });
    await store.create(ms('backend-west-hash', 'west'));
    await store.create(ms('backend', 'east'));
    await store.create(ms('backend', 'east', 'other'));
    await runner.settle();
    assert.deepEqual((await status()).meshServices, [
      { name: 'backend', namespace: '', zone: 'east', mesh: 'default' },
      { name: 'backend', namespace: '', zone: 'west', mesh: 'default' },
    ]);
    assert.equal((await status()).conditions?.[0]?.message, 'Matched 2 MeshService(s)');
    await store.delete({ type: 'MeshService', mesh: 'default', name: 'backend' });
    await store.delete({ type: 'MeshService', mesh: 'default', name: 'backend-west-hash' });
    await runner.settle();
    assert.equal((await status()).conditions?.[0]?.reason, 'NoMatchesFound');
    assert.deepEqual((await status()).vips, [{ ip: '243.0.0.0' }]);
    await runner.stop();
    cache.stop();
  });
});
