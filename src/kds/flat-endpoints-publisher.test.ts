/**
 * The flat-network publisher over a real MemoryStore, ResourceCache and ControllerRunner (no
 * timers; `settle()` runs every pass the changes caused).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ControllerRunner } from '../controllers/controller-runner.js';
import { ResourceCache } from '../controllers/resource-cache.js';
import { ManualClock } from '../core/clock.js';
import type { NewResource, Resource } from '../core/resource.js';
import type { Inbound } from '../resources/dataplane/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { XDS_INPUT_KINDS } from '../xds/proxy-context.js';
import { FLAT_ENDPOINTS_TYPE } from './flat-endpoints.js';
import { FlatEndpointsPublisher } from './flat-endpoints-publisher.js';

const LOCAL = { 'kuma.io/display-name': 'backend', 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' };

function service(name: string, labels: Record<string, string> = LOCAL): NewResource {
  return {
    type: 'MeshService',
    mesh: 'default',
    name,
    labels: { ...labels, 'kuma.io/display-name': name },
    spec: { selector: { dataplaneTags: { 'kuma.io/service': name } }, ports: [{ port: 8080, targetPort: 'main' }, { port: 9090, targetPort: 9090 }] },
  };
}

function dataplane(name: string, address: string, inbound: Inbound[]): NewResource {
  return { type: 'Dataplane', mesh: 'default', name, labels: {}, spec: { networking: { address, inbound } } };
}

const main = (port: number, extra: Partial<Inbound> = {}, service = 'backend'): Inbound => ({ port, name: 'main', tags: { 'kuma.io/service': service }, ...extra });

let store: MemoryStore;
let cache: ResourceCache;
let runner: ControllerRunner;

beforeEach(async () => {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  store = new MemoryStore({ clock });
  await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
  cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  await cache.start();
  const logger = pino({ level: 'silent' });
  runner = new ControllerRunner({ cache, clock, logger, controllers: [new FlatEndpointsPublisher({ cache, store, logger })], useTimers: false });
  runner.start();
});

afterEach(async () => {
  await runner.stop();
  cache.stop();
});

async function record(name: string): Promise<Resource | undefined> {
  await runner.settle();
  return store.get({ type: FLAT_ENDPOINTS_TYPE, mesh: 'default', name });
}

describe('FlatEndpointsPublisher', () => {
  it('publishes, per port, the healthy endpoints this zone serves a local MeshService on, with its labels', async () => {
    await store.create(service('backend'));
    await store.create(dataplane('b-1', '10.0.0.1', [main(8080), { port: 9090, tags: { 'kuma.io/service': 'backend' } }]));
    await store.create(dataplane('b-2', '10.0.0.2', [main(8080, { state: 'NotReady' })]));
    await store.create(dataplane('other', '10.0.0.3', [main(8080, {}, 'other')]));
    const r = await record('backend');
    assert.deepEqual(r?.labels, { ...LOCAL, 'kuma.io/display-name': 'backend' });
    assert.deepEqual(r?.spec, {
      ports: [
        { port: 8080, endpoints: [{ address: '10.0.0.1', port: 8080 }] },
        { port: 9090, endpoints: [{ address: '10.0.0.1', port: 9090 }] },
      ],
    });
  });

  it('follows a Dataplane turning healthy, writes nothing for unrelated changes, and removes the record with its service', async () => {
    await store.create(service('backend'));
    const b2 = await store.create(dataplane('b-2', '10.0.0.2', [main(8080, { state: 'NotReady' })]));
    assert.deepEqual((await record('backend'))?.spec, { ports: [{ port: 8080, endpoints: [] }, { port: 9090, endpoints: [] }] });
    await store.update({ ...b2, spec: { networking: { address: '10.0.0.2', inbound: [main(8080)] } } });
    const healthy = await record('backend');
    assert.deepEqual(healthy?.spec, { ports: [{ port: 8080, endpoints: [{ address: '10.0.0.2', port: 8080 }] }, { port: 9090, endpoints: [] }] });
    await store.create(dataplane('other', '10.0.0.3', [main(8080, {}, 'other')]));
    assert.equal((await record('backend'))?.version, healthy?.version, 'no write for a Dataplane the service does not select');
    await store.delete({ type: 'MeshService', mesh: 'default', name: 'backend' });
    assert.equal(await record('backend'), undefined);
  });

  it('publishes nothing for a MeshService synced from another zone, and never touches a synced record', async () => {
    await store.create(service('remote', { 'kuma.io/origin': 'global', 'kuma.io/zone': 'west' }));
    await store.create(dataplane('r-1', '10.0.0.5', [main(8080, {}, 'remote')]));
    assert.equal(await record('remote'), undefined);
    const synced = await store.create({ type: FLAT_ENDPOINTS_TYPE, mesh: 'default', name: 'remote', labels: { 'kuma.io/origin': 'global', 'kuma.io/zone': 'west' }, spec: { ports: [] } });
    await store.create(dataplane('r-2', '10.0.0.6', [main(8080, {}, 'remote')]));
    assert.equal((await record('remote'))?.version, synced.version);
  });

  it('removes a leftover local record whose MeshService no longer exists (first pass after a restart)', async () => {
    await runner.stop();
    await store.create({ type: FLAT_ENDPOINTS_TYPE, mesh: 'default', name: 'gone', labels: LOCAL, spec: { ports: [] } });
    const logger = pino({ level: 'silent' });
    runner = new ControllerRunner({ cache, clock: new ManualClock('2026-01-01T00:00:00Z'), logger, controllers: [new FlatEndpointsPublisher({ cache, store, logger })], useTimers: false });
    runner.start();
    assert.equal(await record('gone'), undefined);
  });
});
