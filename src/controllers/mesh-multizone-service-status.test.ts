/**
 * MeshMultiZoneServiceStatusController: the status it writes, that one change re-decides only the
 * MMZSs it can affect without listing the mesh (reads counted through a view of the cache), and
 * that after every one of hundreds of random changes every MMZS's status equals the full
 * recomputation over all MeshServices.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../core/clock.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { computeMeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/status.js';
import { MESH_SERVICES_MATCHED, type MeshMultiZoneServiceSpec, type MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { ControllerRunner } from './controller-runner.js';
import { MESH_MULTI_ZONE_SERVICE_STATUS_KINDS, MeshMultiZoneServiceStatusController } from './mesh-multizone-service-status.js';
import { ResourceCache } from './resource-cache.js';
import { seededRandom } from '../../test/support/seeded-random.js';

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

/** The cache as the controller sees it: counts listings by type and records the MMZSs it reads. */
class CountingView {
  readonly lists = new Map<string, number>();
  readonly read = new Set<string>();
  constructor(private readonly cache: ResourceCache) {}
  list(type: string, mesh?: string): Resource[] {
    this.lists.set(type, (this.lists.get(type) ?? 0) + 1);
    return this.cache.list(type, mesh);
  }
  get(key: ResourceKey): Resource | undefined {
    if (key.type === 'MeshMultiZoneService') this.read.add(key.name);
    return this.cache.get(key);
  }
  reset(): void {
    this.lists.clear();
    this.read.clear();
  }
}

async function zone() {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const logger = pino({ level: 'silent' });
  const cache = new ResourceCache({ store, types: MESH_MULTI_ZONE_SERVICE_STATUS_KINDS });
  await cache.start();
  const view = new CountingView(cache);
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [new MeshMultiZoneServiceStatusController({ cache: view, store, logger })], useTimers: false });
  runner.start();
  const stop = async () => {
    await runner.stop();
    cache.stop();
  };
  return { store, cache, view, settle: () => runner.settle(), stop };
}

const mmzs = (name: string, matchLabels: Record<string, string>, mesh = 'default') => ({
  type: 'MeshMultiZoneService',
  mesh,
  name,
  labels: {},
  spec: { selector: { meshService: { matchLabels } }, ports: [{ port: 80, appProtocol: 'http' }] },
});

describe('MeshMultiZoneServiceStatusController after its first pass', () => {
  it('a MeshService change at 500 MeshServices and 50 MMZSs re-decides only the MMZSs selecting it, listing nothing', async () => {
    const z = await zone();
    const svc = (i: number, tier: string, mesh = 'default') => ({ type: 'MeshService', mesh, name: `svc-${i}`, labels: { app: `svc-${i}`, tier, 'kuma.io/zone': i < 250 ? 'east' : 'west' }, spec: {} });
    for (let i = 0; i < 500; i++) await z.store.create(svc(i, `t${i % 5}`));
    for (let j = 0; j < 40; j++) await z.store.create(mmzs(`one-${j}`, { app: `svc-${j * 10}` }));
    for (let t = 0; t < 5; t++) await z.store.create(mmzs(`tier-${t}`, { tier: `t${t}` }));
    for (let t = 0; t < 4; t++) await z.store.create(mmzs(`tier-east-${t}`, { tier: `t${t}`, 'kuma.io/zone': 'east' }));
    await z.store.create(mmzs('all', {}));
    await z.settle();
    const versions = () => new Map(z.cache.list('MeshMultiZoneService').map((m) => [m.name, m.version]));
    const before = versions();
    assert.equal(before.size, 50);
    const message = (name: string) => (z.cache.get({ type: 'MeshMultiZoneService', mesh: 'default', name })?.status as MeshMultiZoneServiceStatus).conditions?.[0]?.message;
    assert.equal(message('tier-1'), 'Matched 100 MeshService(s)');

    z.view.reset();
    const current = z.cache.get({ type: 'MeshService', mesh: 'default', name: 'svc-30' });
    await z.store.update({ ...svc(30, 't1'), version: current?.version ?? 0 });
    await z.settle();
    assert.deepEqual([...z.view.read].sort(), ['all', 'one-3', 'tier-0', 'tier-1', 'tier-east-0', 'tier-east-1']);
    assert.deepEqual(Object.fromEntries(z.view.lists), {}, 'nothing listed');
    const after = versions();
    assert.deepEqual([...after].filter(([name, v]) => before.get(name) !== v).map(([name]) => name).sort(), ['tier-0', 'tier-1', 'tier-east-0', 'tier-east-1']);
    assert.equal(message('tier-0'), 'Matched 99 MeshService(s)');
    assert.equal(message('tier-1'), 'Matched 101 MeshService(s)');
    assert.equal(message('tier-east-1'), 'Matched 51 MeshService(s)');

    z.view.reset();
    await z.store.create(svc(30, 't1', 'other'));
    await z.settle();
    assert.deepEqual([...z.view.read], [], 'a MeshService of another mesh re-decides nothing here');

    z.view.reset();
    await z.store.create(mmzs('fresh', { app: 'svc-7' }));
    await z.settle();
    assert.deepEqual([...z.view.read], ['fresh']);
    assert.deepEqual(Object.fromEntries(z.view.lists), {}, 'nothing listed');
    assert.deepEqual((z.cache.get({ type: 'MeshMultiZoneService', mesh: 'default', name: 'fresh' })?.status as MeshMultiZoneServiceStatus).meshServices, [
      { name: 'svc-7', namespace: '', zone: 'east', mesh: 'default' },
    ]);
    await z.stop();
  });

  for (const seed of [1, 2]) {
    it(`equals the full recomputation after every one of 250 random changes (seed ${seed})`, async () => {
      const next = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const labels = (p: number) => {
        const out: Record<string, string> = {};
        if (next() < p) out.app = pick(['a', 'b', 'c']);
        if (next() < p) out.tier = pick(['x', 'y']);
        if (next() < p) out['kuma.io/zone'] = pick(['east', 'west']);
        if (next() < p / 3) out['kuma.io/display-name'] = pick(['a', 'shown']);
        return out;
      };
      const z = await zone();
      const upsert = async (r: { type: string; mesh: string; name: string; labels: Record<string, string>; spec: unknown; status?: unknown }) => {
        const held = await z.store.get(r);
        if (held) await z.store.update({ ...r, status: r.status ?? held.status, version: held.version });
        else await z.store.create(r);
      };
      for (let step = 0; step < 250; step++) {
        const mesh = pick(['default', 'other']);
        const roll = next();
        if (roll < 0.5) {
          const key = { type: 'MeshService', mesh, name: pick(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']) };
          if ((await z.store.get(key)) && next() < 0.25) await z.store.delete(key);
          else await upsert({ ...key, labels: labels(0.7), spec: { ports: [{ port: Math.floor(next() * 3) }] } });
        } else if (roll < 0.85) {
          const key = { type: 'MeshMultiZoneService', mesh, name: pick(['m1', 'm2', 'm3', 'm4']) };
          if ((await z.store.get(key)) && next() < 0.2) await z.store.delete(key);
          else await upsert(mmzs(key.name, labels(0.4), mesh));
        } else {
          // Someone else overwrites our fields: the next pass must put them back.
          const m = pick(await z.store.list({ type: 'MeshMultiZoneService' }).then((p) => p.items));
          if (m) await z.store.update({ ...m, status: { vips: [{ ip: '243.0.0.1' }], meshServices: [{ name: 'junk', namespace: '', zone: '', mesh }] }, version: m.version });
        }
        await z.settle();
        const all = (await z.store.list({ type: 'MeshService' })).items;
        for (const m of (await z.store.list({ type: 'MeshMultiZoneService' })).items as Resource<MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus>[]) {
          const want = computeMeshMultiZoneServiceStatus(m, all);
          assert.deepEqual(m.status?.meshServices ?? [], want.meshServices, `step ${step}: ${m.mesh}/${m.name}`);
          assert.deepEqual(m.status?.conditions?.find((c) => c.type === MESH_SERVICES_MATCHED), want.condition, `step ${step}: ${m.mesh}/${m.name}`);
        }
      }
      await z.stop();
    });
  }
});
