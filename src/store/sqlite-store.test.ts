/** What only the SQLite store promises: the file outlives the process, and its schema is managed. */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { ConfigError, ResourceConflictError } from '../core/errors.js';
import type { NewResource } from '../core/resource.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';
import { SqliteStore } from './sqlite-store.js';

function ms(mesh: string, name: string, spec: unknown = { port: 80 }): NewResource {
  return { type: 'MeshService', mesh, name, labels: { app: name }, spec };
}

describe('SqliteStore on a file', () => {
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];

  function openStore(clock = new ManualClock()): SqliteStore {
    const store = new SqliteStore(file, { clock });
    open.push(store);
    return store;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshplane-sqlite-'));
    file = join(dir, 'data', 'meshplane.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every resource, version and time across close and reopen', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const first = openStore(clock);
    await first.create(ms('default', 'a', { v: 1 }));
    await first.create(ms('other', 'b'));
    await first.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: { meshServices: { mode: 'Exclusive' } } });
    await first.create({ ...ms('default', 'gone'), status: { x: 1 } });
    clock.advance(30_000);
    await first.update({ ...ms('default', 'a', { v: 2 }), status: { vips: ['241.0.0.1'] }, version: 1 });
    await first.update({ ...ms('default', 'a', { v: 3 }), status: { vips: ['241.0.0.1'] }, version: 2 });
    await first.delete(ms('default', 'gone'));
    const before = (await first.list({ type: 'MeshService' })).items;
    const mesh = await first.get({ type: 'Mesh', mesh: '', name: 'default' });
    await first.close();

    const second = openStore(new ManualClock('2027-01-01T00:00:00Z'));
    assert.deepEqual((await second.list({ type: 'MeshService' })).items, before);
    assert.deepEqual(await second.get({ type: 'Mesh', mesh: '', name: 'default' }), mesh);
    assert.deepEqual(await second.get(ms('default', 'a')), {
      type: 'MeshService',
      mesh: 'default',
      name: 'a',
      labels: { app: 'a' },
      creationTime: '2026-03-01T10:00:00.000Z',
      modificationTime: '2026-03-01T10:00:30.000Z',
      version: 3,
      spec: { v: 3 },
      status: { vips: ['241.0.0.1'] },
    });
    assert.equal(await second.get(ms('default', 'gone')), undefined);
    await assert.rejects(second.update({ ...ms('default', 'a'), version: 2 }), ResourceConflictError);
    assert.equal((await second.update({ ...ms('default', 'a'), version: 3 })).version, 4);
  });

  it('creates the parent folder, uses WAL and records the schema version', async () => {
    assert.equal(existsSync(join(dir, 'data')), false);
    openStore();
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(raw.prepare('SELECT version FROM meshplane_schema').all(), [{ version: 1 }]);
      assert.equal(SCHEMA_VERSION, 1);
    } finally {
      raw.close();
    }
  });

  it('migrates a file that has no Meshplane schema yet, keeping what else it holds', async () => {
    mkdirSync(join(dir, 'data'));
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('kept')");
    raw.close();
    const store = openStore();
    await store.create(ms('default', 'a'));
    const check = new Database(file, { readonly: true });
    try {
      assert.deepEqual(check.prepare('SELECT t FROM notes').all(), [{ t: 'kept' }]);
      assert.deepEqual(check.prepare('SELECT version FROM meshplane_schema').all(), [{ version: 1 }]);
    } finally {
      check.close();
    }
  });

  it('refuses a file written by a newer schema with a ConfigError naming --store', async () => {
    openStore();
    await open[0]?.close();
    const raw = new Database(file);
    raw.prepare('UPDATE meshplane_schema SET version = 99').run();
    raw.close();
    assert.throws(
      () => openStore(),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith('--store: the SQLite file ') &&
        err.message.includes('has schema version 99, but this Meshplane only knows versions up to 1'),
    );
  });

  it('compares versions in SQL: two connections to one file updating from the same read', async () => {
    const a = openStore();
    const b = openStore();
    await a.create(ms('default', 'r', { v: 0 }));
    const read = await b.get(ms('default', 'r'));
    assert.equal(read?.version, 1);
    await a.update({ ...ms('default', 'r', { v: 'A' }), version: 1 });
    await assert.rejects(b.update({ ...ms('default', 'r', { v: 'B' }), version: 1 }), (err: unknown) => {
      assert.ok(err instanceof ResourceConflictError);
      assert.equal(err.actualVersion, 2);
      return true;
    });
    await assert.rejects(b.delete(ms('default', 'r'), { version: 1 }), ResourceConflictError);
    assert.deepEqual((await b.get(ms('default', 'r')))?.spec, { v: 'A' });
  });

  it('writes nothing when the input cannot be turned into JSON', async () => {
    const store = openStore();
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    await assert.rejects(store.create(ms('default', 'bad', cyclic)), TypeError);
    assert.equal(await store.get(ms('default', 'bad')), undefined);
    await store.create(ms('default', 'r', { v: 1 }));
    await assert.rejects(store.update({ ...ms('default', 'r', cyclic), version: 1 }), TypeError);
    assert.equal((await store.get(ms('default', 'r')))?.version, 1);
  });

  it('round-trips a large spec unchanged', async () => {
    const store = openStore();
    const spec = { inbound: Array.from({ length: 5_000 }, (_, i) => ({ port: i, tags: { 'kuma.io/service': `svc-${i}` } })) };
    await store.create(ms('default', 'big', spec));
    await store.close();
    assert.deepEqual((await openStore().get(ms('default', 'big')))?.spec, spec);
  });

  it('works on an in-memory database (":memory:") without touching the disk', async () => {
    const store = new SqliteStore(':memory:');
    open.push(store);
    await store.create(ms('default', 'r'));
    assert.equal((await store.list({ type: 'MeshService' })).total, 1);
    assert.equal(existsSync(join(dir, 'data')), false);
  });
});
