/**
 * Leader election on a real PostgreSQL server: one instance holds the advisory lock, the others
 * take over on their next retry once it stops, its connection is killed, or it stops answering.
 * Time is ManualTimers, so "within one retry interval" is exact; the server and its lock are real.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../test/support/postgres-server.js';
import { SingleInstanceLeader } from './leader-single.js';
import { ManualTimers } from './leader-timers.js';
import { openLeaderElector } from './open-store.js';
import { LEADER_APPLICATION_NAME, LEADER_LOCK_KEYS, PostgresLeaderElector } from './postgres-leader.js';

const RETRY = 2000;
const CHECK = 1000;
const TIMEOUT = 500;

async function waitFor(done: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Awaits `work`, failing the test (instead of hanging) if it takes longer than `ms`. */
async function within<T>(work: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The server processes holding Meshplane's leader lock, seen from another session. */
async function lockHolders(url: string): Promise<{ pid: number; application: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number; application: string }>(
      'SELECT l.pid, a.application_name AS application FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid ' +
        "WHERE l.locktype = 'advisory' AND l.classid = $1::integer::oid AND l.objid = $2::integer::oid AND l.granted",
      [...LEADER_LOCK_KEYS],
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function terminate(url: string, pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await client.end();
  }
}

describe('PostgresLeaderElector', () => {
  let server: PostgresServer;
  let url: string;
  let databases = 0;
  const electors: PostgresLeaderElector[] = [];

  function elector(timers: ManualTimers): { elector: PostgresLeaderElector; changes: boolean[] } {
    const e = new PostgresLeaderElector(url, { timers, retryMs: RETRY, checkMs: CHECK, queryTimeoutMs: TIMEOUT });
    electors.push(e);
    const changes: boolean[] = [];
    e.onChange((leading) => changes.push(leading));
    return { elector: e, changes };
  }

  before(async () => {
    server = await startPostgres({ durable: false });
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    databases += 1;
    url = await server.createDatabase(`leader_${databases}`);
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop();
  });

  it('lets exactly one lead; when it stops, the other leads on its next retry and not before', async () => {
    const [ta, tb] = [new ManualTimers(), new ManualTimers()];
    const a = elector(ta);
    const b = elector(tb);
    await a.elector.start();
    await b.elector.start();
    assert.equal(a.elector.isLeader(), true);
    assert.equal(b.elector.isLeader(), false);
    const holders = await lockHolders(url);
    assert.equal(holders.length, 1);
    assert.equal(holders[0]?.application, LEADER_APPLICATION_NAME);

    tb.advance(RETRY);
    await b.elector.settled();
    assert.equal(b.elector.isLeader(), false, 'the lock is still held');
    ta.advance(CHECK);
    await a.elector.settled();
    assert.equal(a.elector.isLeader(), true, 'the check finds the lock still held');

    await a.elector.stop();
    assert.deepEqual(a.changes, [true, false]);
    assert.deepEqual(await lockHolders(url), [], 'stop released the lock');
    tb.advance(RETRY - 1);
    await b.elector.settled();
    assert.equal(b.elector.isLeader(), false, 'no attempt before the retry interval');
    tb.advance(1);
    await b.elector.settled();
    assert.equal(b.elector.isLeader(), true);
    assert.deepEqual(b.changes, [true]);
  });

  it('steps down the moment its lock connection is killed; the other takes over, the old one stays out', async () => {
    const [ta, tb] = [new ManualTimers(), new ManualTimers()];
    const a = elector(ta);
    const b = elector(tb);
    await a.elector.start();
    await b.elector.start();
    const [holder] = await lockHolders(url);
    assert.ok(holder);
    await terminate(url, holder.pid);
    await waitFor(() => !a.elector.isLeader(), 'the leader to notice its connection is gone');
    assert.deepEqual(a.changes, [true, false]);

    tb.advance(RETRY);
    await b.elector.settled();
    assert.equal(b.elector.isLeader(), true);
    ta.advance(RETRY);
    await a.elector.settled();
    assert.equal(a.elector.isLeader(), false, 'reconnected, but the lock is taken');
    assert.equal((await lockHolders(url)).length, 1);
  });

  it('steps down when its check gets no answer in time, before anyone else can take the lock', async () => {
    const [ta, tb] = [new ManualTimers(), new ManualTimers()];
    const a = elector(ta);
    const b = elector(tb);
    await a.elector.start();
    await b.elector.start();
    const [holder] = await lockHolders(url);
    assert.ok(holder);
    process.kill(holder.pid, 'SIGSTOP'); // the leader's server process hangs: its queries get no answer
    try {
      ta.advance(CHECK);
      assert.equal(a.elector.isLeader(), true, 'the check is waiting');
      ta.advance(TIMEOUT);
      await within(a.elector.settled(), 'the check without an answer');
      assert.equal(a.elector.isLeader(), false);
      tb.advance(RETRY);
      await within(b.elector.settled(), "b's try");
      assert.equal(b.elector.isLeader(), false, 'the hung session still holds the lock');
    } finally {
      process.kill(holder.pid, 'SIGCONT');
    }
    // Resumed, the session reads the terminate message the leader sent when it stepped down, and ends.
    let tries = 0;
    while (!b.elector.isLeader()) {
      assert.ok((tries += 1) <= 50, 'b did not take over after the hung session ended');
      tb.advance(RETRY);
      await b.elector.settled();
      if (!b.elector.isLeader()) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(a.changes, [true, false]);
  });

  it('loses leadership when the server restarts and takes it again once it can reconnect', async () => {
    const timers = new ManualTimers();
    const a = elector(timers);
    await a.elector.start();
    assert.equal(a.elector.isLeader(), true);
    await server.restart();
    await waitFor(() => !a.elector.isLeader(), 'the leader to notice the server went away');
    timers.advance(CHECK);
    await a.elector.settled();
    assert.equal(a.elector.isLeader(), true, 'reconnected and took the lock again');
    assert.deepEqual(a.changes, [true, false, true]);
  });

  it('keeps retrying, without leading, while the database cannot be reached', async () => {
    const timers = new ManualTimers();
    const e = new PostgresLeaderElector('postgres://postgres@127.0.0.1:1/none', { timers, retryMs: RETRY, connectTimeoutMs: 1000 });
    electors.push(e);
    await e.start();
    assert.equal(e.isLeader(), false);
    assert.equal(timers.waiting, 1, 'the next try is scheduled');
    timers.advance(RETRY);
    await e.settled();
    assert.equal(e.isLeader(), false);
    assert.equal(timers.waiting, 1, 'and the one after');
  });
});

describe('openLeaderElector', () => {
  it('gives memory and SQLite a leader from start to stop, PostgreSQL an advisory-lock elector', async () => {
    for (const spec of ['memory', 'sqlite:./x.db']) {
      const e = openLeaderElector(spec);
      assert.ok(e instanceof SingleInstanceLeader, spec);
      const changes: boolean[] = [];
      e.onChange((leading) => changes.push(leading));
      assert.equal(e.isLeader(), false, 'not before start');
      await e.start();
      assert.equal(e.isLeader(), true);
      await e.stop();
      assert.equal(e.isLeader(), false);
      assert.deepEqual(changes, [true, false]);
    }
    assert.ok(openLeaderElector('postgres://u@127.0.0.1:5432/db') instanceof PostgresLeaderElector);
  });
});
