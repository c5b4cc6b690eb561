/**
 * Legacy VIPs across a leader handoff (PostgreSQL, several instances): the new leader's cache may
 * not have seen the old leader's last records, or the old leader's create may commit while the new
 * leader computes. Records are named by address, so the store refuses a second holder of one
 * address; the new leader reads the store on its first pass and rebuilds from it when a create is
 * refused. Two in-use records of one service (two leaders picking different addresses) end as one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { NewResource } from '../core/resource.js';
import { MemoryStore } from '../store/memory-store.js';
import type { ResourceStore, StoreListener } from '../store/store.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LEGACY_VIP_TYPE, LegacyVipAllocator } from './legacy-vip-allocator.js';
import { ResourceCache } from './resource-cache.js';

const logger = pino({ level: 'silent' });

function dp(name: string, service: string): NewResource {
  return { type: 'Dataplane', mesh: 'default', name, labels: {}, spec: { networking: { address: '10.0.0.1', inbound: [{ port: 80, tags: { 'kuma.io/service': service } }] } } };
}

/** A view of the store whose change feed is held back until `flush`. */
function lagging(store: ResourceStore): { view: ResourceStore; flush: () => void } {
  const listeners = new Set<StoreListener>();
  const queue: Parameters<StoreListener>[0][] = [];
  store.watch((e) => queue.push(e));
  const view: ResourceStore = {
    get: (k) => store.get(k),
    list: (o) => store.list(o),
    create: (r) => store.create(r),
    update: (r) => store.update(r),
    delete: (k, o) => store.delete(k, o),
    close: async () => {},
    watch: (l) => (listeners.add(l), () => void listeners.delete(l)),
  };
  return { view, flush: () => queue.splice(0).forEach((e) => listeners.forEach((l) => l(e))) };
}

async function instance(store: ResourceStore, writes: ResourceStore = store) {
  const feed = lagging(store);
  const cache = new ResourceCache({ store: feed.view, types: LEGACY_VIP_ALLOCATOR_TYPES });
  await cache.start();
  const allocator = new LegacyVipAllocator({ cache, store: writes, logger, metrics: new Registry() });
  return { feed, cache, allocator };
}

async function stored(store: ResourceStore): Promise<string[]> {
  const items = (await store.list({ type: LEGACY_VIP_TYPE, mesh: 'default' })).items;
  return items.map((r) => `${r.name} ${JSON.stringify(r.spec)}`).sort();
}

describe('LegacyVipAllocator across a leader handoff', () => {
  it('a new leader whose cache lags the old leader’s record does not hand its address out again', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const a = await instance(store);
    const b = await instance(store);
    await store.create(dp('d-z', 'z-new'));
    a.feed.flush();
    b.feed.flush();
    await store.create(dp('d-a', 'a-new'));
    b.feed.flush();
    await a.allocator.reconcile(clock.now()); // the old leader's last pass: z-new gets 240.0.0.0
    await b.allocator.reconcile(clock.now()); // B's cache has both Dataplanes, not A's record
    assert.deepEqual(await stored(store), ['240.0.0.0 {"service":"z-new","vip":"240.0.0.0","since":"2026-01-01T00:00:00.000Z"}', '240.0.0.1 {"service":"a-new","vip":"240.0.0.1","since":"2026-01-01T00:00:00.000Z"}']);
  });

  it('an old leader’s create committing while the new leader computes makes the new leader start again from the store', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    await store.create(dp('d-a', 'a-old'));
    const a = await instance(store);
    a.feed.flush(); // A knows a-old only: its pass will give it 240.0.0.0
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'd-a' });
    await store.create(dp('d-b', 'b-new'));
    let inFlight: (() => Promise<unknown>) | undefined = () => a.allocator.reconcile(clock.now());
    const racing: ResourceStore = {
      get: (k) => store.get(k),
      list: (o) => store.list(o),
      update: (r) => store.update(r),
      delete: (k, o) => store.delete(k, o),
      watch: (l) => store.watch(l),
      close: async () => {},
      create: async (r) => {
        const before = inFlight;
        inFlight = undefined;
        await before?.(); // A's create of 240.0.0.0 commits after B read the store
        return store.create(r);
      },
    };
    const b = await instance(store, racing);
    b.feed.flush();
    await b.allocator.reconcile(clock.now());
    assert.deepEqual(await stored(store), [
      '240.0.0.0 {"service":"a-old","vip":"240.0.0.0","releasedAt":"2026-01-01T00:00:00.000Z","heldUntil":"2026-01-01T01:00:00.000Z","since":"2026-01-01T00:00:00.000Z"}',
      '240.0.0.1 {"service":"b-new","vip":"240.0.0.1","since":"2026-01-01T00:00:00.000Z"}',
    ]);
  });

  it('a service with two in-use records keeps the lower address and the other record goes', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    await store.create(dp('d-w', 'web'));
    for (const vip of ['240.0.0.9', '240.0.0.10']) await store.create({ type: LEGACY_VIP_TYPE, mesh: 'default', name: vip, labels: {}, spec: { service: 'web', vip } });
    const a = await instance(store);
    a.feed.flush();
    await a.allocator.reconcile(clock.now());
    assert.deepEqual(await stored(store), ['240.0.0.9 {"service":"web","vip":"240.0.0.9","since":"2026-01-01T00:00:00.000Z"}']);
  });
});
