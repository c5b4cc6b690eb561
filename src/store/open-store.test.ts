import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { type PostgresServer, startPostgres } from '../../test/support/postgres-server.js';
import { MemoryStore } from './memory-store.js';
import { DEFAULT_STORE_SPEC, openStore, parseStoreSpec } from './open-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';

const ACCEPTED = "use 'memory', 'sqlite:PATH' (e.g. sqlite:./meshplane-data/meshplane.db) or 'postgres://...'";

describe('parseStoreSpec', () => {
  it('reads memory, and sqlite paths relative to the given folder or absolute', () => {
    assert.deepEqual(parseStoreSpec('memory', '/srv'), { kind: 'memory' });
    assert.deepEqual(parseStoreSpec('sqlite:data/mp.db', '/srv'), { kind: 'sqlite', path: '/srv/data/mp.db' });
    assert.deepEqual(parseStoreSpec('sqlite:/var/lib/mp.db', '/srv'), { kind: 'sqlite', path: '/var/lib/mp.db' });
    assert.deepEqual(parseStoreSpec('sqlite::memory:', '/srv'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseStoreSpec('postgres://h/db', '/srv'), { kind: 'postgres', url: 'postgres://h/db' });
  });

  it('resolves the default to meshplane-data/meshplane.db under the working folder', () => {
    assert.equal(DEFAULT_STORE_SPEC, 'sqlite:./meshplane-data/meshplane.db');
    assert.deepEqual(parseStoreSpec(DEFAULT_STORE_SPEC, '/srv'), { kind: 'sqlite', path: '/srv/meshplane-data/meshplane.db' });
  });

  it('refuses an empty sqlite path, naming the flag', () => {
    assert.throws(
      () => parseStoreSpec('sqlite:'),
      new ConfigError("--store 'sqlite:' needs a file path, e.g. sqlite:./meshplane-data/meshplane.db"),
    );
  });

  for (const bad of ['', 'Memory', 'sqlite', 'file:/tmp/x.db', 'mysql://h/db', 'redis']) {
    it(`refuses '${bad}', listing the accepted forms`, () => {
      assert.throws(
        () => parseStoreSpec(bad),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message === `--store '${bad}' is not a store this control plane knows; ${ACCEPTED}`,
      );
    });
  }

  it('does not repeat a password from an unknown URL', () => {
    assert.throws(
      () => parseStoreSpec('mysql://admin:s3cret@db/x'),
      new ConfigError(`--store 'mysql://***@db/x' is not a store this control plane knows; ${ACCEPTED}`),
    );
  });
});

describe('openStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-open-'));
  let server: PostgresServer | undefined;
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  });

  it('opens a memory store that uses the given clock', async () => {
    const store = await openStore('memory', { clock: new ManualClock('2026-05-05T00:00:00Z') });
    assert.ok(store instanceof MemoryStore);
    const created = await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
    assert.equal(created.creationTime, '2026-05-05T00:00:00.000Z');
    await store.close();
  });

  it('opens a SQLite file relative to cwd, creating its folder', async () => {
    const store = await openStore('sqlite:./state/mp.db', { cwd: dir, clock: new ManualClock() });
    assert.ok(store instanceof SqliteStore);
    assert.equal(store.file, join(dir, 'state', 'mp.db'));
    await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
    await store.close();
    assert.ok(existsSync(join(dir, 'state', 'mp.db')));
  });

  it('opens postgres://... and postgresql://... as a PostgresStore that uses the given clock', async () => {
    server ??= await startPostgres({ durable: false });
    const url = await server.createDatabase('open_store');
    for (const spec of [url, url.replace('postgres://', 'postgresql://')]) {
      const store = await openStore(spec, { clock: new ManualClock('2026-05-05T00:00:00Z') });
      assert.ok(store instanceof PostgresStore);
      const name = spec.startsWith('postgresql:') ? 'second' : 'first';
      const created = await store.create({ type: 'Mesh', mesh: '', name, labels: {}, spec: {} });
      assert.equal(created.creationTime, '2026-05-05T00:00:00.000Z');
      await store.close();
    }
  });

  it('refuses an unreachable PostgreSQL server with a ConfigError naming --store, password hidden', async () => {
    const port = await closedPort();
    for (const [spec, shown] of [
      [`postgres://meshplane:s3cret@127.0.0.1:${port}/mesh`, `postgres://meshplane:***@127.0.0.1:${port}/mesh`],
      [`postgresql://127.0.0.1:${port}/mesh?user=mp&password=s3cret`, `postgresql://127.0.0.1:${port}/mesh?user=mp&password=***`],
    ] as const) {
      await assert.rejects(openStore(spec), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(
          err.message,
          `--store ${shown}: cannot open the PostgreSQL database (connect ECONNREFUSED 127.0.0.1:${port})`,
        );
        assert.ok(!err.message.includes('s3cret'));
        return true;
      });
    }
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
