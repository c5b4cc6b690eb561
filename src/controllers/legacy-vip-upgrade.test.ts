/**
 * LegacyVipAllocator against real stores (memory and SQLite): a store written by the old version
 * (one `LegacyVips` record per mesh) is converted on start into one `LegacyVip` record per service
 * with the same VIPs and holds, the old record deleted, idempotently (a half-done conversion ends
 * the same way, a second start writes nothing); and after that a service that comes, goes or whose
 * hold ends writes its own record only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import { MemoryStore } from '../store/memory-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import { ControllerRunner } from './controller-runner.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LEGACY_VIP_TYPE, LEGACY_VIPS_TYPE, LegacyVipAllocator } from './legacy-vip-allocator.js';
import { ResourceCache } from './resource-cache.js';

const HOLD = { service: 'gone', releasedAt: '2026-01-01T00:00:00.000Z', heldUntil: '2026-01-01T01:00:00.000Z' };
const OLD = { vips: { backend: '240.0.0.0', web: '240.0.0.2' }, holds: { '240.0.0.1': HOLD } };

function dp(name: string, services: string[]) {
  const inbound = services.map((s, i) => ({ port: 8080 + i, tags: { 'kuma.io/service': s } }));
  return { type: 'Dataplane', mesh: 'default', name, labels: {}, spec: { networking: { address: '127.0.0.2', inbound } } };
}

async function start(store: ResourceStore, clock: ManualClock) {
  const logger = pino({ level: 'silent' });
  const cache = new ResourceCache({ store, types: LEGACY_VIP_ALLOCATOR_TYPES });
  await cache.start();
  const events: StoreEvent[] = [];
  cache.onChange((e) => void (e.resource.type === LEGACY_VIP_TYPE && events.push(e)));
  const allocator = new LegacyVipAllocator({ cache, store, logger, metrics: new Registry() });
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [allocator], useTimers: false });
  runner.start();
  await runner.settle();
  return { runner, events, stop: async () => (await runner.stop(), cache.stop()) };
}

async function records(store: ResourceStore): Promise<[string, unknown][]> {
  const items = (await store.list({ type: LEGACY_VIP_TYPE, mesh: 'default' })).items as Resource[];
  for (const r of items) assert.equal(r.name, (r.spec as { vip: string }).vip, 'a record is named after its address');
  return items.map((r) => [(r.spec as { service: string }).service, r.spec] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The old record's creationTime: every converted record ranks its DNS name from it (`since`). */
const OLD_CREATED = '2026-01-01T00:10:00.000Z';

const CONVERTED: [string, unknown][] = [
  ['backend', { service: 'backend', vip: '240.0.0.0', since: OLD_CREATED }],
  ['gone', { service: 'gone', vip: '240.0.0.1', releasedAt: HOLD.releasedAt, heldUntil: HOLD.heldUntil, since: OLD_CREATED }],
  ['web', { service: 'web', vip: '240.0.0.2', since: OLD_CREATED }],
];

const STORES: [string, (dir: string, clock: ManualClock) => ResourceStore][] = [
  ['memory', (_dir, clock) => new MemoryStore({ clock })],
  ['SQLite', (dir, clock) => new SqliteStore(join(dir, 'cp.db'), { clock })],
];

describe('LegacyVipAllocator upgrade from one LegacyVips record per mesh', () => {
  for (const [kind, open] of STORES) {
    for (const halfDone of [false, true]) {
      it(`${kind}: converts the old record into per-service records with the same VIPs and holds${halfDone ? ' (after a half-done conversion)' : ''}, then deletes it; a second start writes nothing`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'legacy-vip-upgrade-'));
        const clock = new ManualClock('2026-01-01T00:10:00Z');
        const store = open(dir, clock);
        try {
          await store.create(dp('a', ['backend', 'web']));
          await store.create({ type: LEGACY_VIPS_TYPE, mesh: 'default', name: 'default', labels: {}, spec: OLD });
          clock.advance(60_000);
          if (halfDone) await store.create({ type: LEGACY_VIP_TYPE, mesh: 'default', name: '240.0.0.2', labels: {}, spec: { service: 'web', vip: '240.0.0.2' } });
          const first = await start(store, clock);
          assert.deepEqual(await records(store), CONVERTED);
          assert.equal(await store.get({ type: LEGACY_VIPS_TYPE, mesh: 'default', name: 'default' }), undefined);
          await store.create(dp('b', ['api']));
          await first.runner.settle();
          assert.deepEqual((await records(store)).find(([n]) => n === 'api'), ['api', { service: 'api', vip: '240.0.0.3', since: '2026-01-01T00:11:00.000Z' }], 'the hold on 240.0.0.1 survived');
          await first.stop();
          const second = await start(store, clock);
          assert.deepEqual(second.events, []);
          await second.stop();
        } finally {
          if ('close' in store && typeof store.close === 'function') await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }

  it('a service that comes, goes, or whose hold ends writes its own record only, in a mesh of 200', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    for (let i = 0; i < 200; i++) await store.create(dp(`dp-${i}`, [`svc-${i}`]));
    const cp = await start(store, clock);
    assert.equal((await records(store)).length, 200);
    cp.events.length = 0;
    await store.create(dp('new', ['svc-new']));
    await cp.runner.settle();
    assert.deepEqual(cp.events.map((e) => [e.op, e.resource.name]), [['create', '240.0.0.200']]);
    cp.events.length = 0;
    // Services are allocated in text order: svc-0, svc-1, svc-10, svc-100, ... svc-7 is the 167th.
    clock.advance(60_000);
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'dp-7' });
    await cp.runner.settle();
    // The hold keeps the service's `since` (a return within the hold ranks its DNS name as before).
    assert.deepEqual(cp.events.map((e) => [e.op, e.resource.name, e.resource.spec]), [['update', '240.0.0.167', { service: 'svc-7', vip: '240.0.0.167', releasedAt: '2026-01-01T00:01:00.000Z', heldUntil: '2026-01-01T01:01:00.000Z', since: '2026-01-01T00:00:00.000Z' }]]);
    cp.events.length = 0;
    clock.advance(60 * 60 * 1000);
    await cp.runner.settle();
    assert.deepEqual(cp.events.map((e) => [e.op, e.resource.name]), [['delete', '240.0.0.167']]);
    await cp.stop();
  });
});
