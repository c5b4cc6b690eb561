/**
 * Pins that the zone controllers (generator, status, hostnames, both VIP allocators, wired as
 * `meshplane run` wires them) do work proportional to a change after their first pass: a change to
 * one Dataplane rewrites only the MeshService it backs, and no controller lists every Dataplane or
 * every MeshService of the zone to handle it. `ResourceCache.prototype.list` is wrapped (the real
 * method still runs) only to count the full listings.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { MeshServiceStatus } from '../resources/mesh-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { LEGACY_VIP_ALLOCATOR_TYPES, LegacyVipAllocator } from './legacy-vip-allocator.js';
import { ResourceCache } from './resource-cache.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator } from './vip-allocator.js';
import { startZoneControllers, type ZoneControllers } from './zone-controllers.js';

const SERVICES = 40;
const logger = pino({ level: 'silent' });

/** `type` -> how many times every resource of that type was listed (no mesh given, or the mesh's all). */
let fullListings: Map<string, number>;
const originalList = ResourceCache.prototype.list;

beforeEach(() => {
  fullListings = new Map();
  ResourceCache.prototype.list = function (this: ResourceCache, type: string, mesh?: string) {
    if (type === 'Dataplane' || type === 'MeshService' || type === 'LegacyVip') fullListings.set(type, (fullListings.get(type) ?? 0) + 1);
    return originalList.call(this, type, mesh);
  };
});
afterEach(() => {
  ResourceCache.prototype.list = originalList;
});

function dataplane(service: string, i: number, extra: Partial<Record<'state', 'NotReady'>> = {}) {
  return {
    type: 'Dataplane',
    mesh: 'default',
    name: `${service}-${i}`,
    labels: {},
    spec: { networking: { address: `10.0.${i}.1`, inbound: [{ port: 8080, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' }, ...extra }] } },
  };
}

async function zone(): Promise<{ store: MemoryStore; zc: ZoneControllers; versions: () => Map<string, number> }> {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Everywhere' } } });
  for (let s = 0; s < SERVICES; s++) for (let i = 0; i < 2; i++) await store.create(dataplane(`svc-${s}`, i));
  const metrics = new Registry();
  const zc = await startZoneControllers({
    store,
    clock,
    logger,
    metrics,
    config: { zone: 'zone-1', useTimers: false },
    extraKinds: [...VIP_ALLOCATOR_KINDS, ...LEGACY_VIP_ALLOCATOR_TYPES],
    extraControllers: (cache) => [new VipAllocator({ cache, store, logger, metrics }), new LegacyVipAllocator({ cache, store, logger, metrics })],
  });
  await zc.runner.settle();
  const versions = () => new Map(originalList.call(zc.cache, 'MeshService').map((r) => [r.name, r.version]));
  return { store, zc, versions };
}

describe('zone controllers after their first pass', () => {
  it('a Dataplane going NotReady rewrites only its own MeshService, without listing the zone', async () => {
    const { store, zc, versions } = await zone();
    const before = versions();
    assert.equal(before.size, SERVICES);
    fullListings.clear();
    const dp = (await store.get({ type: 'Dataplane', mesh: 'default', name: 'svc-7-0' })) as Resource<DataplaneSpec>;
    await store.update({ ...dataplane('svc-7', 0, { state: 'NotReady' }), version: dp.version });
    await zc.runner.settle();
    const after = versions();
    const rewritten = [...after].filter(([name, v]) => before.get(name) !== v).map(([name]) => name);
    assert.deepEqual(rewritten, ['svc-7']);
    const ms = zc.cache.get({ type: 'MeshService', mesh: 'default', name: 'svc-7' });
    assert.deepEqual((ms?.status as MeshServiceStatus).dataplaneProxies, { connected: 0, healthy: 1, total: 2 });
    assert.deepEqual(Object.fromEntries(fullListings), {}, 'no controller listed every Dataplane or MeshService');
    await zc.stop();
  });

  it('a Dataplane of a new service gets its MeshService, VIP, legacy VIP and hostname, touching nothing else', async () => {
    const { store, zc, versions } = await zone();
    const before = versions();
    fullListings.clear();
    await store.create(dataplane('fresh', 0));
    await zc.runner.settle();
    assert.deepEqual(Object.fromEntries(fullListings), {}, 'no controller listed every Dataplane, MeshService or LegacyVip');
    const after = versions();
    assert.deepEqual([...after].filter(([name, v]) => before.get(name) !== v).map(([name]) => name), ['fresh']);
    const status = zc.cache.get({ type: 'MeshService', mesh: 'default', name: 'fresh' })?.status as MeshServiceStatus;
    assert.equal(status.vips?.length, 1);
    assert.deepEqual(status.addresses?.map((a) => a.hostname), ['fresh.svc.mesh.local']);
    assert.equal(zc.cache.list('LegacyVip', 'default').length, SERVICES + 1);
    assert.ok(zc.cache.list('LegacyVip', 'default').some((r) => (r.spec as { service?: string }).service === 'fresh'));
    await zc.stop();
  });

  it('a connected proxy is counted on its own MeshService only', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Exclusive' } } });
    for (let s = 0; s < 10; s++) await store.create(dataplane(`svc-${s}`, 0));
    const connected = new Set<string>();
    const zc = await startZoneControllers({ store, clock, logger, config: { zone: 'zone-1', useTimers: false }, connectedProxies: () => connected });
    await zc.runner.settle();
    const before = new Map(zc.cache.list('MeshService').map((r) => [r.name, r.version]));
    fullListings.clear();
    connected.add('default.svc-3-0');
    zc.runner.poke('meshservice-status');
    await zc.runner.settle();
    const changed = originalList.call(zc.cache, 'MeshService').filter((r) => before.get(r.name) !== r.version);
    assert.deepEqual(changed.map((r) => [r.name, (r.status as MeshServiceStatus).dataplaneProxies?.connected]), [['svc-3', 1]]);
    assert.deepEqual(Object.fromEntries(fullListings), {}, 'no controller listed every Dataplane or MeshService');
    await zc.stop();
  });
});
