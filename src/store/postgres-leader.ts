/**
 * Leader election for instances sharing one PostgreSQL database: whoever holds a session-level
 * advisory lock (`pg_try_advisory_lock`) on its own dedicated connection leads. The lock lives as
 * long as that session, so a leader that stops, crashes or is killed releases it when its
 * connection closes; the others try again every `retryMs` and one of them takes over.
 *
 * Losing it: the leader checks every `checkMs` that its session still holds the lock; a check that
 * fails or gets no answer within `queryTimeoutMs`, or the connection reporting an error or its
 * end, makes it step down at once (listeners are told) and drop the connection. The server is
 * asked to probe the lock connection with TCP keepalives (idle 5 s, then 3 probes 2 s apart), so
 * the session of a leader cut off from the database ends, and its lock is freed, about 11 s after
 * its last traffic; by then that leader has already stepped down (checkMs + queryTimeoutMs, 4 s
 * by default). So: a stopped or killed leader is replaced within about retryMs (2 s); one cut off
 * by the network within about 11 s + retryMs. A leader frozen longer than that (a stopped VM) can
 * overlap with its successor until it runs its next check: there is no fencing token.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { type LeaderTimers, realLeaderTimers } from './leader-timers.js';
import type { LeaderElector } from './store.js';
import { LeadershipState } from './leadership-state.js';

/** The advisory lock (two-key form): a namespace for Meshplane ('MPZC') and the lock in it. */
export const LEADER_LOCK_KEYS: readonly [number, number] = [0x4d505a43, 1];
export const LEADER_APPLICATION_NAME = 'meshplane-leader';

export interface PostgresLeaderOptions {
  readonly lockKeys?: readonly [number, number];
  /** How often a non-leader tries to take the lock (and to reconnect). */
  readonly retryMs?: number;
  /** How often the leader checks that it still holds the lock. */
  readonly checkMs?: number;
  /** A lock query without an answer by then counts as a lost connection. */
  readonly queryTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly timers?: LeaderTimers;
  /** Told when the database cannot be reached (once per streak of failures). */
  readonly logger?: Logger;
}

const TRY_SQL = 'SELECT pg_try_advisory_lock($1::integer, $2::integer) AS ok';
const HELD_SQL =
  "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() " +
  'AND classid = $1::integer::oid AND objid = $2::integer::oid AND objsubid = 2 AND granted) AS ok';
const UNLOCK_SQL = 'SELECT pg_advisory_unlock($1::integer, $2::integer) AS ok';
const KEEPALIVE_SQL =
  "SELECT set_config('tcp_keepalives_idle', '5', false), set_config('tcp_keepalives_interval', '2', false), " +
  "set_config('tcp_keepalives_count', '3', false)";

export class PostgresLeaderElector implements LeaderElector {
  private readonly timers: LeaderTimers;
  private readonly keys: readonly [number, number];
  private readonly state = new LeadershipState();
  private client: pg.Client | undefined;
  private started = false;
  private stopped = false;
  private failing = false;
  private timer: unknown;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: PostgresLeaderOptions = {},
  ) {
    this.timers = options.timers ?? realLeaderTimers;
    this.keys = options.lockKeys ?? LEADER_LOCK_KEYS;
  }

  isLeader(): boolean {
    return this.state.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    return this.state.onChange(listener);
  }

  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    await this.tick();
  }

  /** Resolves when no attempt or check is running (for tests that move ManualTimers). */
  async settled(): Promise<void> {
    while (this.inflight !== undefined) await this.inflight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.cancel(this.timer);
    this.timer = undefined;
    await this.settled();
    const client = this.client;
    this.client = undefined;
    if (this.state.leading) this.state.set(false);
    if (client === undefined) return;
    try {
      await this.query(client, UNLOCK_SQL);
      await client.end();
    } catch {
      // The connection is gone or stuck: closing it (or the server's keepalive) frees the lock.
      void client.end().catch(() => {});
    }
  }

  private tick(): Promise<void> {
    this.timer = undefined;
    const run = this.attempt().finally(() => {
      this.inflight = undefined;
      const next = this.state.leading ? (this.options.checkMs ?? 2000) : (this.options.retryMs ?? 2000);
      if (!this.stopped) this.timer = this.timers.after(next, () => void this.tick());
    });
    this.inflight = run;
    return run;
  }

  /** A non-leader tries to take the lock; the leader checks it still holds it. */
  private async attempt(): Promise<void> {
    if (this.stopped) return;
    let client = this.client;
    try {
      client ??= await this.connect();
      const ok = await this.query(client, this.state.leading ? HELD_SQL : TRY_SQL);
      this.failing = false;
      if (ok && !this.state.leading && !this.stopped) this.state.set(true);
      if (!ok && this.state.leading) this.lost(client, undefined);
    } catch (err) {
      if (client !== undefined) this.lost(client, err);
      else this.report(err);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
      keepAlive: true,
      application_name: LEADER_APPLICATION_NAME,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the lock connection ended')));
    try {
      await client.connect();
      await this.query(client, KEEPALIVE_SQL);
    } catch (err) {
      void client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    return client;
  }

  /** The lock connection failed or the lock is gone: step down at once and drop the connection. */
  private lost(client: pg.Client, err: unknown): void {
    if (client !== this.client) return; // already dropped (or never kept)
    this.client = undefined;
    void client.end().catch(() => {});
    if (err !== undefined) this.report(err);
    if (this.state.leading) this.state.set(false);
  }

  /** Runs a lock query, answering its boolean `ok`; rejects after queryTimeoutMs without an answer. */
  private query(client: pg.Client, sql: string): Promise<boolean> {
    const timeoutMs = this.options.queryTimeoutMs ?? 2000;
    const params = sql === KEEPALIVE_SQL ? [] : [...this.keys];
    return new Promise((resolve, reject) => {
      const timer = this.timers.after(timeoutMs, () => reject(new Error(`the database did not answer within ${timeoutMs} ms`)));
      client.query<{ ok?: boolean }>(sql, params).then(
        (result) => {
          this.timers.cancel(timer);
          resolve(result.rows[0]?.ok === true);
        },
        (err: unknown) => {
          this.timers.cancel(timer);
          reject(err);
        },
      );
    });
  }

  private report(err: unknown): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    this.options.logger?.warn({ err }, 'leader election cannot reach the database; retrying');
  }
}
