import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import { VIP_HOLD_TYPE } from '../ipam/vip-hold.js';
import { MemoryStore } from '../store/memory-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ResourceStore, UpdateRequest } from '../store/store.js';
import { ControllerRunner } from './controller-runner.js';
import { ResourceCache } from './resource-cache.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator, type VipAllocatorConfig } from './vip-allocator.js';

const HOUR = 60 * 60 * 1000;

function msvc(name: string, status?: unknown, type = 'MeshService') {
  return { type, mesh: 'default', name, labels: {}, spec: { selector: { dataplaneTags: { 'kuma.io/service': name } } }, ...(status ? { status } : {}) };
}
const key = (name: string, type = 'MeshService') => ({ type, mesh: 'default', name });

/** A control plane with only the allocator running: cache, runner, log lines, metrics. */
async function startAllocator(store: ResourceStore, clock: ManualClock, config: VipAllocatorConfig = {}) {
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const cache = new ResourceCache({ store, types: VIP_ALLOCATOR_KINDS });
  await cache.start();
  const metrics = new Registry();
  const allocator = new VipAllocator({ cache, store, logger, config, metrics });
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [allocator], useTimers: false });
  runner.start();
  await runner.settle();
  return {
    runner,
    logs,
    metrics,
    warnings: () => logs.filter((l) => l.level === 40).map((l) => l.msg),
    stop: async () => {
      await runner.stop();
      cache.stop();
    },
  };
}

async function vipsOf(store: ResourceStore, name: string, type = 'MeshService'): Promise<string[]> {
  const r = await store.get(key(name, type));
  assert.ok(r, `${type} ${name} exists`);
  return ((r.status as { vips?: { ip: string }[] } | undefined)?.vips ?? []).map((v) => v.ip);
}

async function holds(store: ResourceStore): Promise<{ name: string; spec: unknown }[]> {
  return (await store.list({ type: VIP_HOLD_TYPE })).items.map((r) => ({ name: r.name, spec: r.spec }));
}

describe('VipAllocator', () => {
  it('gives MeshServices 241.0.0.0, then 241.0.0.1, and MeshMultiZoneServices 243.0.0.0', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock);
    await store.create(msvc('a'));
    await cp.runner.settle();
    await store.create(msvc('b'));
    await store.create(msvc('global', undefined, 'MeshMultiZoneService'));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), ['241.0.0.0']);
    assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.1']);
    assert.deepEqual(await vipsOf(store, 'global', 'MeshMultiZoneService'), ['243.0.0.0']);
    const text = await cp.metrics.metrics();
    assert.match(text, /meshplane_vip_pool_addresses\{cidr="241\.0\.0\.0\/8",state="in_use"\} 2/);
    assert.match(text, /meshplane_vip_allocations_total\{cidr="243\.0\.0\.0\/8"\} 1/);
    assert.match(text, /component_vip_allocator_count\{component="vip-allocator"\} [1-9]/);
    await cp.stop();
  });

  it('keeps other status fields and never changes a VIP that is set', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create(msvc('k8s', { vips: [{ ip: '10.96.0.10' }], addresses: [{ hostname: 'k8s.svc', origin: 'Generator', hostnameGeneratorRef: { coreName: 'g' } }] }));
    const cp = await startAllocator(store, clock);
    await store.create(msvc('a', { addresses: [] }));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'k8s'), ['10.96.0.10'], 'a VIP outside the CIDR is left alone');
    assert.deepEqual((await store.get(key('a')))?.status, { addresses: [], vips: [{ ip: '241.0.0.0' }] });
    await cp.stop();
  });

  it('holds the address of a deleted MeshService: a re-created one gets another; after the hold it is free', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock, { meshServiceCidr: '10.0.0.0/31', holdMs: 10 * 60_000 });
    await store.create(msvc('a'));
    await store.create(msvc('b'));
    await cp.runner.settle();
    assert.deepEqual([await vipsOf(store, 'a'), await vipsOf(store, 'b')], [['10.0.0.0'], ['10.0.0.1']]);

    clock.advance(1000);
    await store.delete(key('a'));
    await store.create(msvc('a'));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), [], 'the held address is not handed to the re-created service');
    assert.deepEqual((await store.get(key('a')))?.status, {
      conditions: [{ type: 'VipAllocated', status: 'False', reason: 'PoolExhausted', message: 'could not allocate a VIP from 10.0.0.0/31: all 2 addresses are in use or on hold' }],
    });
    assert.deepEqual(await holds(store), [
      { name: 'vip-10-0-0-0', spec: { ip: '10.0.0.0', kind: 'MeshService', releasedAt: '2026-01-01T00:00:01.000Z', heldUntil: '2026-01-01T00:10:01.000Z' } },
    ]);

    clock.advance(10 * 60_000 - 1);
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), [], 'still held one millisecond before the end');
    clock.advance(1);
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), ['10.0.0.0'], 'free again once the hold ends');
    assert.deepEqual((await store.get(key('a')))?.status, { vips: [{ ip: '10.0.0.0' }] }, 'the exhaustion condition is gone');
    assert.deepEqual(await holds(store), [], 'the expired hold record is deleted');
    await cp.stop();
  });

  it('exhaustion: one log line and one count per resource, a condition, and no retry loop', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock, { meshServiceCidr: '10.0.0.0/31', holdMs: 0 });
    for (const n of ['a', 'b', 'c']) await store.create(msvc(n));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'c'), []);
    const c = await store.get(key('c'));
    const versionAfterCondition = c?.version;
    // More changes: each wakes the allocator, none may log again or rewrite the condition.
    await store.create(msvc('d'));
    await store.update({ ...(c as Resource), labels: { touched: 'yes' } } as UpdateRequest);
    await cp.runner.settle();
    const exhausted = cp.warnings().filter((m) => m.startsWith('could not allocate a VIP from 10.0.0.0/31'));
    assert.equal(exhausted.length, 2, 'one line for c, one for d');
    assert.equal((await store.get(key('c')))?.version, (versionAfterCondition ?? 0) + 1, 'only the label change wrote c');
    assert.match(await cp.metrics.metrics(), /meshplane_vip_pool_exhausted_total\{cidr="10\.0\.0\.0\/31"\} 2/);

    await store.delete(key('a'));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'c'), ['10.0.0.0'], 'a release retries the oldest waiting resource');
    assert.deepEqual(await vipsOf(store, 'd'), []);
    await cp.stop();
  });

  it('writes the same VIP back when someone wipes the status of a live resource', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock);
    await store.create(msvc('a'));
    await store.create(msvc('b'));
    await cp.runner.settle();
    const b = await store.get(key('b'));
    assert.ok(b);
    // What Kuma's Universal generator does on update (quirk Q1): the whole object, no status.
    await store.update({ type: b.type, mesh: b.mesh, name: b.name, labels: b.labels, spec: b.spec, version: b.version });
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.1']);
    await cp.stop();
  });

  it('a write that loses a race keeps the address for that resource and succeeds on the next pass', async () => {
    const clock = new ManualClock();
    /** Before the allocator's first status write lands, someone else really writes the resource. */
    class RacingStore extends MemoryStore {
      raced = false;
      override async update(input: UpdateRequest): Promise<Resource> {
        if (!this.raced && input.status !== undefined) {
          this.raced = true;
          await super.update({ ...input, labels: { ...input.labels, other: 'writer' }, status: undefined });
        }
        return super.update(input);
      }
    }
    const store = new RacingStore({ clock });
    const cp = await startAllocator(store, clock);
    await store.create(msvc('a'));
    await cp.runner.settle();
    assert.equal(store.raced, true);
    await store.create(msvc('b'));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), ['241.0.0.0'], 'same address after the conflict');
    assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.1'], 'nothing leaked');
    assert.deepEqual((await store.get(key('a')))?.labels, { other: 'writer' });
    await cp.stop();
  });

  it('repairs a VIP shared by two resources: the older keeps it, the newer is re-allocated, with a log line', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    await store.create(msvc('newer-first-by-name', undefined));
    clock.advance(1000);
    await store.create(msvc('zz-old', undefined));
    await store.delete(key('newer-first-by-name'));
    // Restored from an old backup: both carry 241.0.0.5, zz-old was created first.
    clock.set('2026-01-02T00:00:00Z');
    await store.create(msvc('aa-new', { vips: [{ ip: '241.0.0.5' }] }));
    await store.delete(key('zz-old'));
    clock.set('2026-01-01T12:00:00Z');
    await store.create(msvc('zz-old', { vips: [{ ip: '241.0.0.5' }] }));
    const cp = await startAllocator(store, clock);
    assert.deepEqual(await vipsOf(store, 'zz-old'), ['241.0.0.5']);
    assert.deepEqual(await vipsOf(store, 'aa-new'), ['241.0.0.0']);
    const line = cp.logs.find((l) => l.msg === 'two resources had the same VIP: the older keeps it, the newer gets a new one');
    assert.ok(line, 'the repair is logged');
    assert.equal(line.vip, '241.0.0.5');
    assert.equal(line.kept, "MeshService 'zz-old' in mesh 'default'");
    assert.equal(line.newVip, '241.0.0.0');
    await cp.stop();
  });

  it('while running, a changed resource older than the holder keeps the address and the holder moves', async () => {
    const clock = new ManualClock('2026-01-02T00:00:00Z');
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock);
    await store.create(msvc('b'));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.0']);
    clock.set('2026-01-01T00:00:00Z');
    await store.create(msvc('a', { vips: [{ ip: '241.0.0.0' }] }));
    await cp.runner.settle();
    assert.deepEqual(await vipsOf(store, 'a'), ['241.0.0.0'], 'a was created first');
    assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.1']);
    const line = cp.logs.find((l) => l.msg === 'two resources had the same VIP: the older keeps it, the newer gets a new one');
    assert.equal(line?.kept, "MeshService 'a' in mesh 'default'");
    assert.equal(line?.reallocated, "MeshService 'b' in mesh 'default'");
    await cp.stop();
  });

  it('status writes by others that keep the VIPs do not wake it', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock);
    await store.create(msvc('a'));
    await cp.runner.settle();
    const passes = async () => Number(/component_vip_allocator_count\{component="vip-allocator"\} (\d+)/.exec(await cp.metrics.metrics())?.[1]);
    const before = await passes();
    for (let i = 0; i < 10; i++) {
      const a = await store.get(key('a'));
      assert.ok(a);
      await store.update({ ...a, status: { ...(a.status as object), dataplaneProxies: { connected: i, healthy: i, total: i } } });
    }
    await cp.runner.settle();
    assert.equal(await passes(), before);
    assert.deepEqual(await vipsOf(store, 'a'), ['241.0.0.0']);
    await cp.stop();
  });

  it('a restart over the same store keeps every VIP and every hold', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const first = await startAllocator(store, clock);
    for (const n of ['a', 'b', 'c']) await store.create(msvc(n));
    await first.runner.settle();
    await store.delete(key('a'));
    await first.runner.settle();
    await first.stop();
    const holdsBefore = await holds(store);
    assert.equal(holdsBefore.length, 1);

    const second = await startAllocator(store, clock);
    assert.deepEqual([await vipsOf(store, 'b'), await vipsOf(store, 'c')], [['241.0.0.1'], ['241.0.0.2']]);
    await store.create(msvc('d'));
    await second.runner.settle();
    assert.deepEqual(await vipsOf(store, 'd'), ['241.0.0.3'], 'not the held 241.0.0.0, although the cursor restarts at it');
    assert.deepEqual(await holds(store), holdsBefore);
    clock.advance(HOUR);
    await second.runner.settle();
    assert.deepEqual(await holds(store), []);
    await store.create(msvc('e'));
    await second.runner.settle();
    assert.deepEqual(await vipsOf(store, 'e'), ['241.0.0.4'], 'the cursor goes forward before it wraps');
    await second.stop();
  });

  it('a restart on a real SQLite file keeps every VIP and every hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshplane-vip-'));
    const file = join(dir, 'cp.db');
    try {
      const clock = new ManualClock('2026-01-01T00:00:00Z');
      let store = new SqliteStore(file, { clock });
      const first = await startAllocator(store, clock);
      for (const n of ['a', 'b']) await store.create(msvc(n));
      await store.create(msvc('m', undefined, 'MeshMultiZoneService'));
      await first.runner.settle();
      await store.delete(key('a'));
      await first.runner.settle();
      await first.stop();
      await store.close();

      clock.advance(30 * 60_000);
      store = new SqliteStore(file, { clock });
      const second = await startAllocator(store, clock);
      await store.create(msvc('c'));
      await store.create(msvc('n', undefined, 'MeshMultiZoneService'));
      await second.runner.settle();
      assert.deepEqual(await vipsOf(store, 'b'), ['241.0.0.1']);
      assert.deepEqual(await vipsOf(store, 'c'), ['241.0.0.2']);
      assert.deepEqual(await vipsOf(store, 'm', 'MeshMultiZoneService'), ['243.0.0.0']);
      assert.deepEqual(await vipsOf(store, 'n', 'MeshMultiZoneService'), ['243.0.0.1']);
      assert.deepEqual((await holds(store)).map((h) => h.name), ['vip-241-0-0-0']);
      await second.stop();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allocates from an IPv6 CIDR', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const cp = await startAllocator(store, clock, { meshServiceCidr: 'fd00:241::/112' });
    await store.create(msvc('a'));
    await store.create(msvc('b'));
    await cp.runner.settle();
    assert.deepEqual([await vipsOf(store, 'a'), await vipsOf(store, 'b')], [['fd00:241::'], ['fd00:241::1']]);
    await cp.stop();
  });

  it('refuses overlapping CIDRs and bad CIDRs at construction', () => {
    const store = new MemoryStore();
    const cache = new ResourceCache({ store, types: VIP_ALLOCATOR_KINDS });
    const logger = pino({ level: 'silent' });
    assert.throws(
      () => new VipAllocator({ cache, store, logger, config: { meshServiceCidr: '240.0.0.0/4' } }),
      (e: unknown) => e instanceof ConfigError && e.message === 'MeshMultiZoneService VIP CIDR 243.0.0.0/8 overlaps MeshService VIP CIDR 240.0.0.0/4',
    );
    assert.throws(() => new VipAllocator({ cache, store, logger, config: { meshMultiZoneServiceCidr: '243.0.0/8' } }), ConfigError);
  });
});
