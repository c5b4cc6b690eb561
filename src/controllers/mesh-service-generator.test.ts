import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import type { Inbound } from '../resources/dataplane/types.js';
import type { MeshServiceSpec, MeshServiceStatus } from '../resources/mesh-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import type { UpdateRequest } from '../store/store.js';
import { ControllerRunner } from './controller-runner.js';
import { MESH_SERVICE_GENERATOR_KINDS, MeshServiceGenerator } from './mesh-service-generator.js';
import { ResourceCache } from './resource-cache.js';

type Ms = Resource<MeshServiceSpec, MeshServiceStatus>;

/** A MemoryStore where someone else writes a MeshService's status just before our first update of it. */
class RacingStore extends MemoryStore {
  raced = 0;
  override async update(input: UpdateRequest): Promise<Resource> {
    if (input.type === 'MeshService' && this.raced === 0) {
      this.raced++;
      const current = await this.get(input);
      if (current) await super.update({ ...current, status: { ...(current.status as object), vips: [{ ip: '241.0.0.9' }] }, version: current.version });
    }
    return super.update(input);
  }
}

async function generator(store = new MemoryStore({ clock: new ManualClock() })) {
  const clock = new ManualClock();
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Everywhere' } } });
  const cache = new ResourceCache({ store, types: MESH_SERVICE_GENERATOR_KINDS });
  await cache.start();
  const metrics = new Registry();
  const controller = new MeshServiceGenerator({ cache, store, logger, zone: 'zone-1', metrics });
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [controller], useTimers: false });
  runner.start();
  await runner.settle();
  let writes = 0;
  store.watch((e) => {
    if (e.resource.type === 'MeshService') writes++;
  });
  return {
    store,
    logs,
    metrics,
    writes: () => writes,
    settle: () => runner.settle(),
    dataplane: async (name: string, inbound: Inbound[]) => {
      const spec = { networking: { address: '10.0.0.1', inbound } };
      const current = await store.get({ type: 'Dataplane', mesh: 'default', name });
      if (current) await store.update({ ...current, spec, version: current.version });
      else await store.create({ type: 'Dataplane', mesh: 'default', name, labels: {}, spec });
    },
    ms: async (name: string) => (await store.get({ type: 'MeshService', mesh: 'default', name })) as Ms | undefined,
    stop: async () => {
      await runner.stop();
      cache.stop();
    },
  };
}

describe('MeshServiceGenerator controller', () => {
  it('a hand-made MeshService with the name is never touched; the clash is logged once and kept in a metric', async () => {
    const g = await generator();
    await g.store.create({ type: 'MeshService', mesh: 'default', name: 'web', labels: { 'kuma.io/origin': 'zone' }, spec: { state: 'Unavailable', selector: { dataplaneTags: { app: 'web' } } } });
    await g.settle();
    const before = (await g.ms('web'))?.version;
    const writesBefore = g.writes();
    for (let i = 0; i < 5; i++) {
      await g.dataplane('web-1', [{ port: 80 + i, tags: { 'kuma.io/service': 'web' } }]);
      await g.settle();
    }
    assert.equal((await g.ms('web'))?.version, before, 'untouched');
    assert.equal(g.writes(), writesBefore, 'no MeshService writes at all');
    assert.deepEqual(g.logs.filter((l) => l.kind === 'NotManagedByGenerator').map((l) => l.msg), [
      'MeshService "web" already exists and is not managed by the generator; it is left untouched',
    ]);
    assert.match(await g.metrics.metrics(), /meshplane_meshservice_generator_skipped\{kind="NotManagedByGenerator"\} 1/);
    await g.stop();
  });

  it('an invalid kuma.io/service value is logged once per value and counted while it lasts', async () => {
    const g = await generator();
    await g.dataplane('dp-1', [{ port: 80, tags: { 'kuma.io/service': 'backend_svc' } }]);
    await g.settle();
    await g.dataplane('dp-2', [{ port: 80, tags: { 'kuma.io/service': 'ok' } }]);
    await g.settle();
    assert.equal(g.logs.filter((l) => l.kind === 'InvalidServiceName').length, 1);
    assert.ok(await g.ms('ok'));
    assert.match(await g.metrics.metrics(), /meshplane_meshservice_generator_skipped\{kind="InvalidServiceName"\} 1/);
    await g.store.delete({ type: 'Dataplane', mesh: 'default', name: 'dp-1' });
    await g.settle();
    assert.doesNotMatch(await g.metrics.metrics(), /kind="InvalidServiceName"/);
    await g.stop();
  });

  it('a synced MeshService (origin global) without Dataplanes is never marked or deleted', async () => {
    const g = await generator();
    await g.store.create({
      type: 'MeshService',
      mesh: 'default',
      name: 'remote-backend',
      labels: { 'kuma.io/managed-by': 'meshservice-generator', 'kuma.io/origin': 'global', 'kuma.io/zone': 'other-zone' },
      spec: { state: 'Available', selector: { dataplaneTags: { 'kuma.io/service': 'remote-backend' } } },
    });
    await g.settle();
    assert.equal((await g.ms('remote-backend'))?.version, 1);
    await g.stop();
  });

  it('on a version conflict it re-reads and applies only its own fields, keeping what the other writer put in', async () => {
    const store = new RacingStore({ clock: new ManualClock() });
    const g = await generator(store);
    await g.dataplane('dp-1', [{ port: 80, tags: { 'kuma.io/service': 'backend' } }]);
    await g.settle();
    await g.dataplane('dp-1', [{ port: 81, tags: { 'kuma.io/service': 'backend' } }]);
    await g.settle();
    const ms = await g.ms('backend');
    assert.equal(store.raced, 1, 'the race happened');
    assert.deepEqual(ms?.spec.ports?.map((p) => p.port), [81]);
    assert.deepEqual(ms?.status?.vips, [{ ip: '241.0.0.9' }]);
    await g.stop();
  });
});
