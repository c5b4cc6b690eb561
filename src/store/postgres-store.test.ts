/**
 * What only the PostgreSQL store promises: several instances share one database and watch each
 * other's writes, compare-and-set holds across instances, data and schema survive restarts, and
 * the change feed reconnects after the server restarts. Runs a real server (test/support).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../test/support/postgres-server.js';
import { ManualClock } from '../core/clock.js';
import { ConfigError, ResourceAlreadyExistsError, ResourceConflictError } from '../core/errors.js';
import type { NewResource, Resource } from '../core/resource.js';
import { PostgresStore } from './postgres-store.js';
import type { StoreEvent } from './store.js';

const T0 = '2026-04-01T12:00:00.000Z';
const T1 = '2026-04-01T12:00:05.000Z';

function ms(name: string, spec: unknown = { port: 80 }): NewResource {
  return { type: 'MeshService', mesh: 'default', name, labels: { app: name }, spec };
}

function stored(name: string, version: number, spec: unknown, creationTime: string, modificationTime: string): Resource {
  return { type: 'MeshService', mesh: 'default', name, labels: { app: name }, creationTime, modificationTime, version, spec };
}

async function waitFor(done: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgresStore on a shared database', () => {
  let server: PostgresServer;
  let url: string;
  let databases = 0;
  const opened: PostgresStore[] = [];

  async function open(clock = new ManualClock(T0)): Promise<PostgresStore> {
    const store = await PostgresStore.open(url, { clock });
    opened.push(store);
    return store;
  }

  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    databases += 1;
    url = await server.createDatabase(`shared_${databases}`);
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it("shows each instance every write, its own and the other's, once each and in commit order", async () => {
    const clock = new ManualClock(T0);
    const a = await open(clock);
    const b = await open(clock);
    const seenA: StoreEvent[] = [];
    const seenB: StoreEvent[] = [];
    a.watch((e) => seenA.push(e));
    b.watch((e) => seenB.push(e));

    await a.create(ms('x', { v: 1 }));
    clock.advance(5_000);
    await b.update({ ...ms('x', { v: 2 }), version: 1 });
    await b.create(ms('y'));
    await a.delete(ms('x'));
    // A last write by each: once both are seen everywhere, nothing else can still be on its way.
    await a.create(ms('end-a'));
    await b.create(ms('end-b'));
    await waitFor(() => seenA.length >= 6 && seenB.length >= 6, 'six events on both instances');

    const expected: StoreEvent[] = [
      { op: 'create', resource: stored('x', 1, { v: 1 }, T0, T0) },
      { op: 'update', resource: stored('x', 2, { v: 2 }, T0, T1), previous: stored('x', 1, { v: 1 }, T0, T0) },
      { op: 'create', resource: stored('y', 1, { port: 80 }, T1, T1) },
      { op: 'delete', resource: stored('x', 2, { v: 2 }, T0, T1) },
      { op: 'create', resource: stored('end-a', 1, { port: 80 }, T1, T1) },
      { op: 'create', resource: stored('end-b', 1, { port: 80 }, T1, T1) },
    ];
    assert.deepEqual(seenA, expected);
    assert.deepEqual(seenB, expected);
  });

  it('emits the changes of one transaction by another client in commit order, past change number 9', async () => {
    const a = await open();
    const seen: string[] = [];
    a.watch((e) => seen.push(`${e.op} ${e.resource.name} ${JSON.stringify(e.resource.spec)}`));
    // Twelve rows in one statement: the feed reads them in one batch, numbered 1 to 12.
    await sql(
      url,
      `INSERT INTO resources (type, mesh, name, labels, spec, status, version, creation_time, modification_time)
       SELECT 'MeshService', 'default', 'r-' || i, '{}', json_build_object('i', i), NULL, 1, '${T0}', '${T0}'
       FROM generate_series(1, 12) AS i`,
    );
    await waitFor(() => seen.length >= 12, 'twelve events');
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, i) => `create r-${i + 1} {"i":${i + 1}}`),
    );
  });

  it('has watchers see their own write before the write returns', async () => {
    const a = await open();
    const seen: string[] = [];
    a.watch((e) => seen.push(`${e.op} ${e.resource.name}`));
    await a.create(ms('one'));
    assert.deepEqual(seen, ['create one']);
    await a.update({ ...ms('one', { v: 2 }), version: 1 });
    await a.delete(ms('one'), { version: 2 });
    assert.deepEqual(seen, ['create one', 'update one', 'delete one']);
  });

  it('lets exactly one of two instances win an update from the same read; the other gets a conflict', async () => {
    const a = await open();
    const b = await open();
    const seenA: StoreEvent[] = [];
    a.watch((e) => seenA.push(e));
    await a.create(ms('r', { v: 0 }));
    for (let version = 1; version <= 10; version++) {
      const results = await Promise.allSettled([
        a.update({ ...ms('r', { v: `a${version}` }), version }),
        b.update({ ...ms('r', { v: `b${version}` }), version }),
      ]);
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      assert.equal(won.length, 1, `round ${version}: one winner`);
      assert.equal(lost.length, 1, `round ${version}: one loser`);
      assert.ok(lost[0] instanceof ResourceConflictError);
      assert.equal(lost[0].expectedVersion, version);
      assert.equal(lost[0].actualVersion, version + 1);
      const current = await b.get(ms('r'));
      assert.equal(current?.version, version + 1);
      assert.deepEqual(current?.spec, won[0]?.spec);
    }
    // Each update's event names as previous exactly the value the one before it wrote.
    await waitFor(() => seenA.length === 11, 'the create and ten updates');
    seenA.forEach((event, i) => {
      assert.equal(event.resource.version, i + 1);
      assert.deepEqual(event.previous, i === 0 ? undefined : seenA[i - 1]?.resource);
    });
  });

  it('lets exactly one of two instances create the same key', async () => {
    const a = await open();
    const b = await open();
    const results = await Promise.allSettled([a.create(ms('dup', { by: 'a' })), b.create(ms('dup', { by: 'b' }))]);
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(lost.length, 1);
    assert.ok(lost[0] instanceof ResourceAlreadyExistsError);
    const winner = results.find((r) => r.status === 'fulfilled');
    assert.deepEqual((await a.get(ms('dup')))?.spec, winner?.status === 'fulfilled' ? winner.value.spec : 'none');
  });

  it('keeps every resource, version and time across a store reopen and a server restart', async () => {
    const clock = new ManualClock(T0);
    const first = await open(clock);
    await first.create({ ...ms('a', { v: 1 }), status: { vips: ['241.0.0.1'] } });
    await first.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Exclusive' } } });
    await first.create(ms('gone'));
    clock.advance(5_000);
    await first.update({ ...ms('a', { z: 2, a: 1 }), status: { vips: ['241.0.0.1'] }, version: 1 });
    await first.delete(ms('gone'));
    await first.close();
    await server.restart();

    const second = await open(new ManualClock('2027-01-01T00:00:00Z'));
    assert.deepEqual((await second.list({ type: 'MeshService' })).items, [
      { ...stored('a', 2, { z: 2, a: 1 }, T0, T1), status: { vips: ['241.0.0.1'] } },
    ]);
    assert.deepEqual(Object.keys((await second.get(ms('a')))?.spec as object), ['z', 'a']);
    assert.deepEqual(await second.get({ type: 'Mesh', mesh: '', name: 'default' }), {
      type: 'Mesh',
      mesh: '',
      name: 'default',
      labels: {},
      creationTime: T0,
      modificationTime: T0,
      version: 1,
      spec: { meshServices: { mode: 'Exclusive' } },
    });
    assert.equal((await second.update({ ...ms('a'), version: 2 })).version, 3);
    assert.deepEqual(await sql(url, 'SELECT version FROM meshplane_schema'), [{ version: 1 }]);
  });

  it('migrates a new database once when two instances open it at the same moment', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.create(ms('one'));
    assert.equal((await b.get(ms('one')))?.version, 1);
    assert.deepEqual(await sql(url, 'SELECT version FROM meshplane_schema'), [{ version: 1 }]);
  });

  it('refuses a database written by a newer Meshplane, naming --store', async () => {
    await (await open()).close();
    await sql(url, 'UPDATE meshplane_schema SET version = 99');
    await assert.rejects(
      PostgresStore.open(url),
      new ConfigError(
        `--store: the PostgreSQL database ${url} has schema version 99, but this Meshplane only knows ` +
          'versions up to 1; use a newer Meshplane or another database',
      ),
    );
  });

  it('reconnects its LISTEN after the server restarts and catches up on missed writes', async () => {
    const a = await open();
    const b = await open();
    const seenA: string[] = [];
    a.watch((e) => seenA.push(`${e.op} ${e.resource.name}`));
    await b.create(ms('before'));
    await waitFor(() => seenA.length === 1, "A seeing B's first write");
    assert.equal(a.listenReconnects, 0);

    await server.restart();
    // B writes as soon as the server is back, most likely before A's feed has reconnected.
    await b.create(ms('during'));
    await waitFor(() => seenA.length === 2, "A seeing B's write after the restart");
    await b.update({ ...ms('during', { v: 2 }), version: 1 });
    await a.create(ms('after'));
    await waitFor(() => seenA.length === 4, 'A seeing the later writes');
    assert.deepEqual(seenA, ['create before', 'create during', 'update during', 'create after']);
    assert.ok(a.listenReconnects >= 1, `A reconnected ${a.listenReconnects} times`);
  });

  it('measures 10,000 creates, one at a time, while another instance watches them all', async (t) => {
    const count = 10_000;
    const a = await open();
    const b = await open();
    const seenByB: string[] = [];
    b.watch((e) => seenByB.push(e.resource.name));
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await a.create({
        type: 'Dataplane',
        mesh: 'default',
        name: `dp-${i}`,
        labels: { 'kuma.io/zone': 'east', app: `app-${i % 100}` },
        spec: { networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${i % 100}` } }] } },
      });
    }
    const createMs = performance.now() - started;
    await waitFor(() => seenByB.length >= count, 'B seeing every create', 60_000);
    const seenMs = performance.now() - started;
    const perSecond = Math.round((count / createMs) * 1000);
    t.diagnostic(
      `PostgreSQL: ${count} creates in ${Math.round(createMs)} ms (${perSecond}/s, fsync on); ` +
        `the other instance had seen all of them after ${Math.round(seenMs)} ms`,
    );
    assert.deepEqual(seenByB, Array.from({ length: count }, (_, i) => `dp-${i}`));
    assert.equal((await b.list({ type: 'Dataplane', labels: { app: 'app-7' } })).total, count / 100);
    assert.ok(perSecond >= 100, `expected at least 100 creates/s, measured ${perSecond}/s`);
  });
});
