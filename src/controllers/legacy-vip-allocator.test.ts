import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import { MemoryStore } from '../store/memory-store.js';
import type { ResourceStore } from '../store/store.js';
import { ControllerRunner } from './controller-runner.js';
import { legacyVipsSpecFrom, readLegacyVipRecord, type LegacyVipSpec } from '../ipam/legacy-vip-records.js';
import {
  LEGACY_VIP_ALLOCATOR_TYPES,
  LEGACY_VIP_TYPE,
  LegacyVipAllocator,
  type LegacyVipAllocatorConfig,
  legacyVipsOf,
} from './legacy-vip-allocator.js';
import { ResourceCache } from './resource-cache.js';

const HOUR = 60 * 60 * 1000;

function dp(name: string, services: string[], mesh = 'default', extra: Record<string, unknown> = {}) {
  const inbound = services.map((s, i) => ({ port: 8080 + i, tags: { 'kuma.io/service': s }, ...extra }));
  return { type: 'Dataplane', mesh, name, labels: {}, spec: { networking: { address: '127.0.0.2', inbound } } };
}

async function startLegacy(store: ResourceStore, clock: ManualClock, config: LegacyVipAllocatorConfig = {}) {
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const cache = new ResourceCache({ store, types: LEGACY_VIP_ALLOCATOR_TYPES });
  await cache.start();
  const allocator = new LegacyVipAllocator({ cache, store, logger, config, metrics: new Registry() });
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [allocator], useTimers: false });
  runner.start();
  await runner.settle();
  return {
    cache,
    runner,
    logs,
    stop: async () => {
      await runner.stop();
      cache.stop();
    },
  };
}

/** The mesh's per-service records, read as one per-mesh spec (undefined: none), with their versions. */
async function record(store: ResourceStore, mesh = 'default'): Promise<{ spec: unknown; version: string } | undefined> {
  const records = (await store.list({ type: LEGACY_VIP_TYPE, mesh })).items as Resource[];
  if (records.length === 0) return undefined;
  for (const r of records) assert.equal(r.name, (r.spec as LegacyVipSpec).vip, 'one record per address, named after it');
  const specs = records.map((r) => readLegacyVipRecord(r.spec)).filter((r): r is LegacyVipSpec => r !== undefined);
  return { spec: legacyVipsSpecFrom(specs), version: records.map((r) => `${r.name}@${r.version}`).sort().join(',') };
}

describe('LegacyVipAllocator', () => {
  it('gives every kuma.io/service value of a mesh a VIP from 240.0.0.0/4, per mesh, and legacyVipsOf reads them', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create(dp('web-1', ['web']));
    const cp = await startLegacy(store, clock);
    await store.create(dp('backend-1', ['backend', 'backend-admin']));
    await store.create(dp('backend-2', ['backend']));
    await store.create(dp('other-1', ['backend'], 'other'));
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, { vips: { backend: '240.0.0.1', 'backend-admin': '240.0.0.2', web: '240.0.0.0' } });
    assert.deepEqual((await record(store, 'other'))?.spec, { vips: { backend: '240.0.0.0' } });
    assert.deepEqual([...legacyVipsOf(cp.cache, 'default')], [
      ['backend', '240.0.0.1'],
      ['backend-admin', '240.0.0.2'],
      ['web', '240.0.0.0'],
    ]);
    assert.deepEqual([...legacyVipsOf(cp.cache, 'nowhere')], []);
    await cp.stop();
  });

  it('does not rewrite the record when a Dataplane changes without changing its services', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startLegacy(store, clock);
    const created = await store.create(dp('web-1', ['web']));
    await cp.runner.settle();
    const before = (await record(store))?.version;
    await store.update({ ...dp('web-1', ['web'], 'default', { health: { ready: false } }), version: created.version });
    await cp.runner.settle();
    assert.equal((await record(store))?.version, before);
    await cp.stop();
  });

  it('holds a released VIP: other services skip it, the same service gets it back, and it ends with the hold', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const cp = await startLegacy(store, clock);
    await store.create(dp('a', ['backend']));
    await store.create(dp('b', ['web']));
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, { vips: { backend: '240.0.0.0', web: '240.0.0.1' } });

    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'b' });
    await store.create(dp('c', ['api']));
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, {
      vips: { api: '240.0.0.2', backend: '240.0.0.0' },
      holds: { '240.0.0.1': { service: 'web', releasedAt: '2026-01-01T00:00:00.000Z', heldUntil: '2026-01-01T01:00:00.000Z' } },
    });

    clock.advance(HOUR / 2);
    await store.create(dp('b', ['web']));
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, { vips: { api: '240.0.0.2', backend: '240.0.0.0', web: '240.0.0.1' } }, 'web comes back to its address');

    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'b' });
    await cp.runner.settle();
    clock.advance(HOUR);
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, { vips: { api: '240.0.0.2', backend: '240.0.0.0' } }, 'the hold ends on its deadline, no change needed');
    await cp.stop();
  });

  it('a restart keeps every VIP and hold; a mesh with nothing left loses its record once the holds end', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const first = await startLegacy(store, clock, { holdMs: 60_000 });
    await store.create(dp('a', ['backend']));
    await store.create(dp('b', ['web']));
    await first.runner.settle();
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'b' });
    await first.runner.settle();
    await first.stop();
    const before = (await record(store))?.spec;

    const second = await startLegacy(store, clock, { holdMs: 60_000 });
    await store.create(dp('c', ['api']));
    await second.runner.settle();
    assert.deepEqual((await record(store))?.spec, { ...(before as object), vips: { api: '240.0.0.2', backend: '240.0.0.0' } });
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'a' });
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'c' });
    await second.runner.settle();
    assert.ok(await record(store), 'kept while addresses are on hold');
    clock.advance(60_000);
    await second.runner.settle();
    assert.equal(await record(store), undefined);
    await second.stop();
  });

  it('leaves excluded ranges out and reports exhaustion once per service', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startLegacy(store, clock, { cidr: '10.0.0.0/30', exclude: ['10.0.0.0/31'] });
    await store.create(dp('a', ['a', 'b', 'c']));
    await cp.runner.settle();
    assert.deepEqual((await record(store))?.spec, { vips: { a: '10.0.0.2', b: '10.0.0.3' } });
    await store.create(dp('d', ['d']));
    await cp.runner.settle();
    const warnings = cp.logs.filter((l) => l.level === 40);
    assert.deepEqual(
      warnings.map((l) => [l.service, l.msg]),
      [
        ['c', 'could not allocate a VIP from 10.0.0.0/30: all 2 addresses are in use or on hold'],
        ['d', 'could not allocate a VIP from 10.0.0.0/30: all 2 addresses are in use or on hold'],
      ],
    );
    await cp.stop();
  });
});
