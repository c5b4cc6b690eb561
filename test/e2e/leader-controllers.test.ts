/**
 * Two zone-controller sets on one real PostgreSQL database, each with its own PostgresStore and
 * leader elector (as two `meshplane run` processes have): exactly one runs the controllers; 50
 * services' Dataplanes written through both stores at once each get one VIP, all distinct, none
 * ever changed; when the leader stops, or its lock connection is killed, the other takes over on
 * its next retry (ManualTimers: one retry interval) and keeps allocating from where it left off.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { type Gauge, Registry } from 'prom-client';
import { startZoneControllers, type ZoneControllers } from '../../src/controllers/zone-controllers.js';
import { VIP_ALLOCATOR_KINDS, VipAllocator } from '../../src/controllers/vip-allocator.js';
import { systemClock } from '../../src/core/clock.js';
import { ManualTimers } from '../../src/store/leader-timers.js';
import { LEADER_LOCK_KEYS, PostgresLeaderElector } from '../../src/store/postgres-leader.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { ResourceStore, StoreEvent } from '../../src/store/store.js';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';
import { waitFor } from '../support/wait-for.js';

const RETRY = 2000;

interface Instance {
  readonly name: string;
  readonly store: PostgresStore;
  readonly elector: PostgresLeaderElector;
  readonly timers: ManualTimers;
  readonly controllers: ZoneControllers;
  readonly metrics: Registry;
  readonly logs: string[];
  /** Writes the controllers of this instance sent to the store since it started. */
  controllerWrites(): number;
  stop(): Promise<void>;
}

async function startInstance(url: string, name: string): Promise<Instance> {
  const store = await PostgresStore.open(url);
  const timers = new ManualTimers();
  const elector = new PostgresLeaderElector(url, { timers, retryMs: RETRY, checkMs: RETRY, queryTimeoutMs: 1000 });
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push((JSON.parse(line) as { msg: string }).msg) });
  const metrics = new Registry();
  // The real store, with the controllers' writes counted on the way (the test writes to `store`).
  let writes = 0;
  const counted: ResourceStore = {
    get: (key) => store.get(key),
    list: (options) => store.list(options),
    watch: (listener) => store.watch(listener),
    create: (r) => ((writes += 1), store.create(r)),
    update: (r) => ((writes += 1), store.update(r)),
    delete: (key, options) => ((writes += 1), store.delete(key, options)),
    close: async () => {},
  };
  const controllers = await startZoneControllers({
    store: counted,
    clock: systemClock,
    logger,
    metrics,
    leadership: elector,
    config: { zone: 'zone-1' },
    extraKinds: VIP_ALLOCATOR_KINDS,
    extraControllers: (cache, leaderStore) => [new VipAllocator({ cache, store: leaderStore, logger, metrics })],
  });
  await elector.start();
  await controllers.runner.settle();
  const writesAtStart = writes;
  let stopped = false;
  return {
    name,
    store,
    elector,
    timers,
    controllers,
    metrics,
    logs,
    controllerWrites: () => writes - writesAtStart,
    async stop() {
      if (stopped) return;
      stopped = true;
      await controllers.stop();
      await elector.stop();
      await store.close();
    },
  };
}

async function leaderGauge(instance: Instance): Promise<number | undefined> {
  const gauge = instance.metrics.getSingleMetric('meshplane_leader') as Gauge | undefined;
  return (await gauge?.get())?.values[0]?.value;
}

function dataplane(i: number) {
  return {
    type: 'Dataplane',
    mesh: 'default',
    name: `dp-${i}`,
    labels: {},
    spec: { networking: { address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${i}` } }] } },
  };
}

function vipsOf(resource: { status?: unknown } | undefined): string[] {
  const vips = (resource?.status as { vips?: { ip: string }[] } | undefined)?.vips ?? [];
  return vips.map((v) => v.ip);
}

/** Every MeshService VIP that was replaced or dropped, as seen by a store's watch. */
function watchVipChanges(store: PostgresStore, changes: string[]): void {
  store.watch((e: StoreEvent) => {
    if (e.resource.type !== 'MeshService') return;
    const before = vipsOf(e.previous);
    if (e.op === 'delete') changes.push(`${e.resource.name} deleted`);
    else if (before.length > 0 && !isDeepStrictEqual(before, vipsOf(e.resource))) changes.push(`${e.resource.name}: ${before} -> ${vipsOf(e.resource)}`);
  });
}

/** Waits until `count` MeshServices exist, each with one VIP, and returns name -> VIP. */
async function allocated(store: PostgresStore, count: number): Promise<Map<string, string>> {
  return waitFor(
    `${count} MeshServices with one VIP each`,
    async () => {
      const { items } = await store.list({ type: 'MeshService', mesh: 'default' });
      if (items.length !== count || items.some((ms) => vipsOf(ms).length !== 1)) return undefined;
      return new Map(items.map((ms) => [ms.name, vipsOf(ms)[0] ?? '']));
    },
    30_000,
  );
}

function assertDistinct(vips: Map<string, string>): void {
  const seen = new Map<string, string>();
  for (const [name, ip] of vips) {
    assert.match(ip, /^241\./, `${name} has a MeshService VIP`);
    assert.equal(seen.get(ip), undefined, `${name} and ${seen.get(ip)} share ${ip}`);
    seen.set(ip, name);
  }
}

describe('zone controllers of two instances on one PostgreSQL database', () => {
  let server: PostgresServer;
  let url = '';
  let databases = 0;
  const instances: Instance[] = [];

  before(async () => {
    server = await startPostgres({ durable: false });
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    databases += 1;
    url = await server.createDatabase(`leader_zone_${databases}`);
    const setup = await PostgresStore.open(url);
    await setup.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Exclusive' } } });
    await setup.close();
  });
  afterEach(async () => {
    for (const i of instances.splice(0)) await i.stop();
  });

  async function start(name: string): Promise<Instance> {
    const instance = await startInstance(url, name);
    instances.push(instance);
    return instance;
  }

  it('runs the controllers on one of them; VIPs are single, distinct and stable; the other takes over when it stops', async () => {
    const a = await start('a');
    const b = await start('b');
    assert.deepEqual([a.controllers.isLeader(), b.controllers.isLeader()], [true, false]);
    assert.deepEqual([await leaderGauge(a), await leaderGauge(b)], [1, 0]);
    assert.ok(a.logs.includes('became leader'));
    assert.ok(!b.logs.includes('became leader'));
    const changes: string[] = [];
    watchVipChanges(a.store, changes);
    watchVipChanges(b.store, changes);

    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).store.create(dataplane(i))));
    const first = await allocated(b.store, 50);
    assertDistinct(first);
    assert.deepEqual(changes, [], 'no VIP ever changed');
    assert.equal(b.controllerWrites(), 0, "the follower's controllers wrote nothing");
    assert.ok(a.controllerWrites() >= 100, `the leader created 50 MeshServices and gave each a VIP (${a.controllerWrites()} writes)`);

    await a.stop();
    b.timers.advance(RETRY - 1);
    await b.elector.settled();
    assert.equal(b.controllers.isLeader(), false, 'not before its retry');
    b.timers.advance(1);
    await b.elector.settled();
    await b.controllers.runner.settle();
    assert.equal(b.controllers.isLeader(), true, 'took over on its first retry after the leader stopped');
    assert.equal(await leaderGauge(b), 1);
    assert.ok(b.logs.includes('became leader'));
    assert.equal(b.controllerWrites(), 0, 'a full pass over a settled zone writes nothing');

    await Promise.all(Array.from({ length: 10 }, (_, i) => b.store.create(dataplane(50 + i))));
    const second = await allocated(b.store, 60);
    assert.ok(b.controllerWrites() >= 20, 'the new leader created and addressed the 10 new services');
    assertDistinct(second);
    for (const [name, ip] of first) assert.equal(second.get(name), ip, `${name} kept its VIP across the change of leader`);
    assert.deepEqual(changes, [], 'no VIP ever changed');
  });

  it('stops the controllers of a leader whose lock connection is killed; the other takes over and allocates', async () => {
    const a = await start('a');
    const b = await start('b');
    const changes: string[] = [];
    watchVipChanges(b.store, changes);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).store.create(dataplane(i))));
    const first = await allocated(b.store, 10);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::integer::oid AND objid = $2::integer::oid AND granted",
        [...LEADER_LOCK_KEYS],
      );
    } finally {
      await admin.end();
    }
    await waitFor('the leader to step down', async () => (a.controllers.isLeader() ? undefined : true));
    await a.controllers.runner.settle();
    assert.ok(a.logs.includes('lost leadership'));
    assert.equal(await leaderGauge(a), 0);

    b.timers.advance(RETRY);
    await b.elector.settled();
    await b.controllers.runner.settle();
    assert.equal(b.controllers.isLeader(), true);
    a.timers.advance(RETRY);
    await a.elector.settled();
    assert.equal(a.controllers.isLeader(), false, 'the old leader reconnects as a follower');

    // Written through the old leader's store: the new leader's controllers pick it up.
    await Promise.all(Array.from({ length: 10 }, (_, i) => a.store.create(dataplane(10 + i))));
    const second = await allocated(b.store, 20);
    assertDistinct(second);
    for (const [name, ip] of first) assert.equal(second.get(name), ip);
    assert.deepEqual(changes, [], 'no VIP ever changed');
  });
});
