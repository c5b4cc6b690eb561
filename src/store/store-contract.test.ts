/**
 * The ResourceStore contract, run unchanged against every backend: memory, SQLite on a real file
 * in a fresh temp folder, and PostgreSQL on a real server (one per run of this file, started from
 * the installed PostgreSQL; a fresh database per test). A behaviour difference between backends
 * fails here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { NewResource, Resource } from '../core/resource.js';
import { type PostgresServer, startPostgres } from '../../test/support/postgres-server.js';
import { MemoryStore } from './memory-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { ResourceStore, StoreEvent } from './store.js';

interface Opened {
  readonly store: ResourceStore;
  cleanup(): Promise<void>;
}

let postgres: Promise<PostgresServer> | undefined;
let postgresDatabases = 0;
after(async () => {
  // A server that failed to start has already failed every PostgreSQL test, saying why.
  await (await postgres?.catch(() => undefined))?.stop();
});

const BACKENDS: ReadonlyArray<{ name: string; open(clock: ManualClock): Opened | Promise<Opened> }> = [
  {
    name: 'memory',
    open: (clock) => {
      const store = new MemoryStore({ clock });
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'sqlite',
    open: (clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'meshplane-store-'));
      // A folder that does not exist yet: the store must create it.
      const store = new SqliteStore(join(dir, 'nested', 'folder', 'store.db'), { clock });
      return {
        store,
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async (clock) => {
      postgres ??= startPostgres({ durable: false });
      const server = await postgres;
      postgresDatabases += 1;
      const store = await PostgresStore.open(await server.createDatabase(`contract_${postgresDatabases}`), { clock });
      return { store, cleanup: () => store.close() };
    },
  },
];

const T0 = '2026-01-01T00:00:00.000Z';

function ms(mesh: string, name: string, labels: Record<string, string> = {}, spec: unknown = { port: 80 }): NewResource {
  return { type: 'MeshService', mesh, name, labels, spec };
}

/** Polls `done` until it holds; fails after `deadlineMs`. */
async function waitFor(done: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function names(items: readonly Resource[]): string[] {
  return items.map((r) => (r.mesh ? `${r.mesh}/${r.name}` : r.name));
}

for (const backend of BACKENDS) {
  describe(`ResourceStore contract: ${backend.name}`, () => {
    let clock: ManualClock;
    let store: ResourceStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(T0);
      ({ store, cleanup } = await backend.open(clock));
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('create and get', () => {
      it('stores version 1 with both times set to now, and get returns the same value', async () => {
        const created = await store.create(ms('default', 'redis', { team: 'a' }, { ports: [{ port: 6379 }] }));
        const expected = {
          type: 'MeshService',
          mesh: 'default',
          name: 'redis',
          labels: { team: 'a' },
          creationTime: T0,
          modificationTime: T0,
          version: 1,
          spec: { ports: [{ port: 6379 }] },
        };
        assert.deepEqual(created, expected);
        assert.deepEqual(await store.get({ type: 'MeshService', mesh: 'default', name: 'redis' }), expected);
      });

      it('returns undefined for a missing key, including the same name in another mesh or type', async () => {
        await store.create(ms('default', 'redis'));
        assert.equal(await store.get({ type: 'MeshService', mesh: 'other', name: 'redis' }), undefined);
        assert.equal(await store.get({ type: 'Dataplane', mesh: 'default', name: 'redis' }), undefined);
        assert.equal(await store.get({ type: 'MeshService', mesh: 'default', name: 'redi' }), undefined);
      });

      it('refuses a taken key with ResourceAlreadyExistsError and keeps the original', async () => {
        await store.create(ms('default', 'redis', {}, { v: 'first' }));
        await assert.rejects(store.create(ms('default', 'redis', {}, { v: 'second' })), (err: unknown) => {
          assert.ok(err instanceof ResourceAlreadyExistsError);
          assert.deepEqual(err.key, { type: 'MeshService', mesh: 'default', name: 'redis' });
          assert.equal(err.message, "MeshService 'redis' in mesh 'default' already exists");
          return true;
        });
        assert.deepEqual((await store.get(ms('default', 'redis')))?.spec, { v: 'first' });
      });

      it('lets the same name live in another mesh, another type, and as a global resource', async () => {
        await store.create(ms('default', 'x'));
        await store.create(ms('other', 'x'));
        await store.create({ type: 'Dataplane', mesh: 'default', name: 'x', labels: {}, spec: {} });
        await store.create({ type: 'MeshService', mesh: '', name: 'x', labels: {}, spec: {} });
        assert.equal((await store.list({ type: 'MeshService' })).total, 3);
      });

      it('reads back exactly what JSON carries of the write, keys in the order written', async () => {
        const spec = { zeta: 1, alpha: { b: [3, 1, 2], a: null }, dropped: undefined, text: 'ü "q" \n' };
        const created = await store.create({ ...ms('default', 'r'), spec, status: { b: 1, a: 2 } });
        const read = await store.get(ms('default', 'r'));
        const expectedSpec = { zeta: 1, alpha: { b: [3, 1, 2], a: null }, text: 'ü "q" \n' };
        for (const r of [created, read]) {
          assert.deepEqual(r?.spec, expectedSpec);
          assert.deepEqual(Object.keys(r?.spec as object), ['zeta', 'alpha', 'text']);
          assert.deepEqual(Object.keys((r?.spec as { alpha: object }).alpha), ['b', 'a']);
          assert.deepEqual(Object.keys(r?.status as object), ['b', 'a']);
        }
      });

      it('has no status member when none was written', async () => {
        await store.create(ms('default', 'r'));
        const read = await store.get(ms('default', 'r'));
        assert.equal(read !== undefined && 'status' in read, false);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await store.create(ms('default', 'web', { team: 'a', 'kuma.io/zone': 'east' }));
        await store.create(ms('default', 'backend', { team: 'a', 'kuma.io/zone': 'west' }));
        await store.create(ms('default', 'backend-2', { team: 'b', 'kuma.io/zone': 'east' }));
        await store.create(ms('other', 'api', { team: 'a', 'kuma.io/zone': 'east' }));
        await store.create(ms('other', 'Backend', { team: 'a' }));
        await store.create({ type: 'Dataplane', mesh: 'default', name: 'dp-1', labels: { team: 'a' }, spec: {} });
      });

      it('lists one type in one mesh, sorted by name', async () => {
        const page = await store.list({ type: 'MeshService', mesh: 'default' });
        assert.deepEqual(names(page.items), ['default/backend', 'default/backend-2', 'default/web']);
        assert.equal(page.total, 3);
        assert.equal(page.nextOffset, undefined);
      });

      it('lists across meshes sorted by mesh then name, never other types', async () => {
        const page = await store.list({ type: 'MeshService' });
        assert.deepEqual(names(page.items), [
          'default/backend',
          'default/backend-2',
          'default/web',
          'other/Backend',
          'other/api',
        ]);
        assert.equal(page.total, 5);
      });

      it('returns an empty page for a mesh or type with nothing in it', async () => {
        assert.deepEqual(await store.list({ type: 'MeshService', mesh: 'nope' }), {
          items: [],
          total: 0,
          nextOffset: undefined,
        });
        assert.deepEqual((await store.list({ type: 'MeshTimeout' })).total, 0);
      });

      it('ANDs label filters, with keys holding dots and slashes', async () => {
        const both = await store.list({ type: 'MeshService', labels: { team: 'a', 'kuma.io/zone': 'east' } });
        assert.deepEqual(names(both.items), ['default/web', 'other/api']);
        assert.equal(both.total, 2);
        const one = await store.list({ type: 'MeshService', mesh: 'default', labels: { team: 'a' } });
        assert.deepEqual(names(one.items), ['default/backend', 'default/web']);
        const none = await store.list({ type: 'MeshService', labels: { team: 'b', 'kuma.io/zone': 'west' } });
        assert.deepEqual(none, { items: [], total: 0, nextOffset: undefined });
        const missingKey = await store.list({ type: 'MeshService', labels: { owner: 'a' } });
        assert.equal(missingKey.total, 0);
      });

      it('matches label keys and values of any text, compared exactly', async () => {
        await store.create(ms('odd', 'q', { '$.weird "key"': 'v[0]', 'a.b': 'x' }));
        await store.create(ms('odd', 'p', { a: '{"b":"x"}' }));
        const page = await store.list({ type: 'MeshService', labels: { '$.weird "key"': 'v[0]' } });
        assert.deepEqual(names(page.items), ['odd/q']);
        assert.equal((await store.list({ type: 'MeshService', labels: { a: '{"b":"x"}' } })).total, 1);
        assert.equal((await store.list({ type: 'MeshService', labels: { 'a.b': 'X' } })).total, 0);
        assert.equal((await store.list({ type: 'MeshService', mesh: 'odd', labels: { a: 'x' } })).total, 0);
      });

      it('keeps names containing the given text, case-sensitively', async () => {
        const page = await store.list({ type: 'MeshService', nameContains: 'ack' });
        assert.deepEqual(names(page.items), ['default/backend', 'default/backend-2', 'other/Backend']);
        const upper = await store.list({ type: 'MeshService', nameContains: 'Back' });
        assert.deepEqual(names(upper.items), ['other/Backend']);
        const combined = await store.list({ type: 'MeshService', nameContains: 'back', labels: { team: 'b' } });
        assert.deepEqual(names(combined.items), ['default/backend-2']);
      });

      it('pages with offset and size: total counts every match, nextOffset stops on the last page', async () => {
        const first = await store.list({ type: 'MeshService', size: 2 });
        assert.deepEqual(names(first.items), ['default/backend', 'default/backend-2']);
        assert.equal(first.total, 5);
        assert.equal(first.nextOffset, 2);
        const second = await store.list({ type: 'MeshService', size: 2, offset: 2 });
        assert.deepEqual(names(second.items), ['default/web', 'other/Backend']);
        assert.equal(second.nextOffset, 4);
        const last = await store.list({ type: 'MeshService', size: 2, offset: 4 });
        assert.deepEqual(names(last.items), ['other/api']);
        assert.equal(last.total, 5);
        assert.equal(last.nextOffset, undefined);
        const exact = await store.list({ type: 'MeshService', size: 5 });
        assert.equal(exact.nextOffset, undefined);
        const beyond = await store.list({ type: 'MeshService', size: 2, offset: 9 });
        assert.deepEqual(beyond, { items: [], total: 5, nextOffset: undefined });
        const offsetOnly = await store.list({ type: 'MeshService', offset: 3 });
        assert.deepEqual(names(offsetOnly.items), ['other/Backend', 'other/api']);
      });

      it('pages a filtered list with the filtered total', async () => {
        const page = await store.list({ type: 'MeshService', labels: { team: 'a' }, size: 3, offset: 1 });
        assert.deepEqual(names(page.items), ['default/web', 'other/Backend', 'other/api']);
        assert.equal(page.total, 4);
        assert.equal(page.nextOffset, undefined);
      });
    });

    describe('update', () => {
      it('keeps creationTime, moves modificationTime, bumps version, replaces labels, spec and status', async () => {
        await store.create({ ...ms('default', 'r', { a: '1' }, { v: 1 }), status: { s: 1 } });
        clock.advance(60_000);
        const updated = await store.update({ ...ms('default', 'r', { b: '2' }, { v: 2 }), version: 1 });
        const expected = {
          type: 'MeshService',
          mesh: 'default',
          name: 'r',
          labels: { b: '2' },
          creationTime: T0,
          modificationTime: '2026-01-01T00:01:00.000Z',
          version: 2,
          spec: { v: 2 },
        };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await store.get(ms('default', 'r')), expected);
        clock.advance(1_000);
        const third = await store.update({ ...ms('default', 'r', {}, { v: 3 }), status: { s: 3 }, version: 2 });
        assert.equal(third.version, 3);
        assert.equal(third.creationTime, T0);
        assert.equal(third.modificationTime, '2026-01-01T00:01:01.000Z');
        assert.deepEqual(third.status, { s: 3 });
      });

      it('refuses a stale version with ResourceConflictError and changes nothing', async () => {
        await store.create(ms('default', 'r', {}, { v: 1 }));
        await store.update({ ...ms('default', 'r', {}, { v: 2 }), version: 1 });
        const before = await store.get(ms('default', 'r'));
        const events: StoreEvent[] = [];
        store.watch((e) => events.push(e));
        clock.advance(5_000);
        await assert.rejects(store.update({ ...ms('default', 'r', {}, { v: 'stale' }), version: 1 }), (err: unknown) => {
          assert.ok(err instanceof ResourceConflictError);
          assert.equal(err.expectedVersion, 1);
          assert.equal(err.actualVersion, 2);
          assert.deepEqual(err.key, { type: 'MeshService', mesh: 'default', name: 'r' });
          return true;
        });
        assert.deepEqual(await store.get(ms('default', 'r')), before);
        assert.deepEqual(events, []);
      });

      it('lets exactly one of two updates made from the same read win', async () => {
        await store.create(ms('default', 'r', {}, { v: 0 }));
        const read = await store.get(ms('default', 'r'));
        assert.ok(read);
        const results = await Promise.allSettled([
          store.update({ ...ms('default', 'r', {}, { v: 'A' }), version: read.version }),
          store.update({ ...ms('default', 'r', {}, { v: 'B' }), version: read.version }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, 1);
        assert.ok(lost[0]?.status === 'rejected' && lost[0].reason instanceof ResourceConflictError);
        const stored = await store.get(ms('default', 'r'));
        assert.equal(stored?.version, 2);
        assert.deepEqual(stored?.spec, won[0]?.status === 'fulfilled' ? won[0].value.spec : 'no winner');
      });

      it('refuses a missing resource with ResourceNotFoundError', async () => {
        await assert.rejects(store.update({ ...ms('default', 'ghost'), version: 1 }), (err: unknown) => {
          assert.ok(err instanceof ResourceNotFoundError);
          assert.equal(err.message, "MeshService 'ghost' in mesh 'default' not found");
          return true;
        });
        assert.equal(await store.get(ms('default', 'ghost')), undefined);
      });
    });

    describe('delete', () => {
      it('removes the resource and returns it as it was', async () => {
        const created = await store.create(ms('default', 'r', { a: '1' }));
        assert.deepEqual(await store.delete(ms('default', 'r')), created);
        assert.equal(await store.get(ms('default', 'r')), undefined);
        assert.equal((await store.list({ type: 'MeshService' })).total, 0);
      });

      it('refuses a stale version and keeps the resource; accepts the current one', async () => {
        await store.create(ms('default', 'r'));
        const current = await store.update({ ...ms('default', 'r'), version: 1 });
        await assert.rejects(store.delete(ms('default', 'r'), { version: 1 }), ResourceConflictError);
        assert.deepEqual(await store.get(ms('default', 'r')), current);
        await store.delete(ms('default', 'r'), { version: 2 });
        assert.equal(await store.get(ms('default', 'r')), undefined);
      });

      it('refuses a missing resource with ResourceNotFoundError', async () => {
        await assert.rejects(store.delete(ms('default', 'ghost')), ResourceNotFoundError);
        await assert.rejects(store.delete(ms('default', 'ghost'), { version: 1 }), ResourceNotFoundError);
      });

      it('frees the key: creating it again starts over at version 1', async () => {
        await store.create(ms('default', 'r'));
        await store.update({ ...ms('default', 'r'), version: 1 });
        await store.delete(ms('default', 'r'));
        clock.advance(1_000);
        const again = await store.create(ms('default', 'r'));
        assert.equal(again.version, 1);
        assert.equal(again.creationTime, '2026-01-01T00:00:01.000Z');
      });
    });

    describe('watch', () => {
      it('reports create, update and delete in commit order, with the previous value', async () => {
        const events: StoreEvent[] = [];
        store.watch((e) => events.push(e));
        const created = await store.create(ms('default', 'r', {}, { v: 1 }));
        const other = await store.create(ms('other', 'q'));
        const updated = await store.update({ ...ms('default', 'r', {}, { v: 2 }), version: 1 });
        const deleted = await store.delete(ms('default', 'r'));
        assert.deepEqual(events, [
          { op: 'create', resource: created },
          { op: 'create', resource: other },
          { op: 'update', resource: updated, previous: created },
          { op: 'delete', resource: deleted },
        ]);
        assert.equal(deleted.version, 2);
      });

      it('reports nothing for refused writes', async () => {
        await store.create(ms('default', 'r'));
        const events: StoreEvent[] = [];
        store.watch((e) => events.push(e));
        await assert.rejects(store.create(ms('default', 'r')));
        await assert.rejects(store.update({ ...ms('default', 'r'), version: 7 }));
        await assert.rejects(store.delete(ms('default', 'nope')));
        assert.deepEqual(events, []);
      });

      it('stops reporting to an unsubscribed watcher only', async () => {
        const seenA: string[] = [];
        const seenB: string[] = [];
        const stopA = store.watch((e) => seenA.push(e.resource.name));
        store.watch((e) => seenB.push(e.resource.name));
        await store.create(ms('default', 'one'));
        stopA();
        await store.create(ms('default', 'two'));
        assert.deepEqual(seenA, ['one']);
        assert.deepEqual(seenB, ['one', 'two']);
      });

      it('keeps the write and the other watchers when one watcher throws', async () => {
        const seen: string[] = [];
        const warnings: string[] = [];
        const onWarning = (w: Error): void => void warnings.push(w.message);
        process.on('warning', onWarning);
        try {
          store.watch(() => {
            throw new Error('watcher bug');
          });
          store.watch((e) => seen.push(e.resource.name));
          const created = await store.create(ms('default', 'r'));
          assert.equal(created.version, 1);
          assert.deepEqual(await store.get(ms('default', 'r')), created);
          assert.deepEqual(seen, ['r']);
          await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
          assert.deepEqual(warnings, ['store watcher failed: Error: watcher bug']);
        } finally {
          process.off('warning', onWarning);
        }
      });

      it('delivers in commit order even when a watcher writes from inside its callback', async () => {
        store.watch((e) => {
          if (e.op === 'create' && e.resource.name === 'first') void store.create(ms('default', 'second'));
        });
        const seen: string[] = [];
        store.watch((e) => seen.push(e.resource.name));
        await store.create(ms('default', 'first'));
        // A backend that talks to a server finishes the nested write after this await returns.
        await waitFor(() => seen.length >= 2, 'the nested write');
        assert.deepEqual(seen, ['first', 'second']);
      });
    });

    describe('isolation', () => {
      it('cannot be changed through returned objects or the caller’s input', async () => {
        const input = { ...ms('default', 'r', { a: '1' }, { nested: { v: 1 } }) };
        const created = await store.create(input);
        (input.spec as { nested: { v: number } }).nested.v = 99;
        (input.labels as Record<string, string>).a = 'changed';
        const events: StoreEvent[] = [];
        store.watch((e) => events.push(e));
        await store.update({ ...ms('default', 'r', { a: '1' }, { nested: { v: 1 } }), version: 1 });
        const targets = [created, await store.get(ms('default', 'r')), (await store.list({ type: 'MeshService' })).items[0]];
        for (const target of [...targets, events[0]?.resource, events[0]?.previous]) {
          assert.ok(target);
          assert.throws(() => ((target.spec as { nested: { v: number } }).nested.v = 42), TypeError);
          assert.throws(() => ((target.labels as Record<string, string>).a = 'x'), TypeError);
          assert.throws(() => ((target as { version: number }).version = 100), TypeError);
        }
        const stored = await store.get(ms('default', 'r'));
        assert.deepEqual(stored?.spec, { nested: { v: 1 } });
        assert.deepEqual(stored?.labels, { a: '1' });
        assert.equal(stored?.version, 2);
      });
    });
  });
}
