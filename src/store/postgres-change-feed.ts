/**
 * The PostgreSQL change feed: one LISTEN connection per store instance that turns rows of
 * `resource_changes` (see postgres-schema.ts) into StoreEvents, for writes of every instance
 * sharing the database, this one included.
 *
 * Order and exactly-once: a notification only says "something changed"; the feed then reads every
 * change numbered above the last one it emitted, in number order, which is commit order. So events
 * come out in the database's commit order across all instances, none twice, and a notification
 * lost while the connection was down costs nothing: after reconnecting (with backoff, until
 * close()) the same read catches up. Changes older than the retention window are pruned, so a
 * feed that stays disconnected longer than that misses what was pruned.
 *
 * A write of this instance waits (deliveredOwn) until the feed has emitted its event, so a caller
 * that awaited a write knows its watchers have seen it, as with the other backends. If the feed
 * is disconnected the wait ends after a timeout; the event still comes, in order, on catch-up.
 */
import pg from 'pg';
import type { ResourceKey } from '../core/resource.js';
import { CHANGE_CHANNEL } from './postgres-schema.js';
import type { StoreEvent } from './store.js';
import { decodeResource, type EncodedResource } from './stored-resource.js';

export interface ChangeFeedOptions {
  readonly connection: pg.ClientConfig;
  /** This instance's origin tag, as the trigger records it. */
  readonly origin: string;
  readonly emit: (event: StoreEvent) => void;
  readonly ownDeliveryTimeoutMs?: number;
  readonly reconnectDelayMs?: { readonly first: number; readonly max: number };
}

/** What identifies one write among this instance's writes. */
export interface OwnChange extends ResourceKey {
  readonly op: StoreEvent['op'];
  readonly version: number;
}

interface ChangeRow extends EncodedResource {
  readonly seq: string;
  readonly origin: string;
  readonly op: StoreEvent['op'];
  readonly previousLabels: string | null;
  readonly previousSpec: string | null;
  readonly previousStatus: string | null;
  readonly previousVersion: number | null;
  readonly previousModificationTime: string | null;
}

const BATCH = 500;
const CHANGES_SQL =
  'SELECT seq::text AS seq, origin, op, type, mesh, name, labels::text AS labels, spec::text AS spec, ' +
  'status::text AS status, version, creation_time AS "creationTime", modification_time AS "modificationTime", ' +
  'previous_labels::text AS "previousLabels", previous_spec::text AS "previousSpec", ' +
  'previous_status::text AS "previousStatus", previous_version AS "previousVersion", ' +
  'previous_modification_time AS "previousModificationTime" ' +
  // Qualified: a bare `seq` in ORDER BY would name the text output column and sort '10' before '9'.
  `FROM resource_changes WHERE seq > $1::bigint ORDER BY resource_changes.seq LIMIT ${BATCH}`;
/** Own changes emitted before their writer asked; bounded in case a writer never asks. */
const MAX_UNCLAIMED = 1000;

export class ChangeFeed {
  private client: pg.Client | undefined;
  private lastSeq = '0';
  private closed = false;
  private dirty = false;
  private draining = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly unclaimed = new Set<string>();
  /** How many times the LISTEN connection was re-established (for tests and metrics). */
  reconnects = 0;

  constructor(private readonly options: ChangeFeedOptions) {}

  /** Connects and LISTENs; events start with the first change committed after this resolves. */
  async start(): Promise<void> {
    const client = await this.connect();
    const { rows } = await client.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM resource_changes');
    this.lastSeq = rows[0]?.seq ?? '0';
    this.client = client;
    // A notification that came while reading lastSeq found no client to read with: read now.
    this.catchUp();
  }

  /** Resolves once the event of this instance's `change` was emitted, or after the timeout. */
  deliveredOwn(change: OwnChange): Promise<void> {
    const key = ownKey(change);
    if (this.unclaimed.delete(key) || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const list = this.waiters.get(key) ?? [];
        const at = list.indexOf(done);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) this.waiters.delete(key);
        resolve();
      }, this.options.ownDeliveryTimeoutMs ?? 10_000);
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), done]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const list of this.waiters.values()) for (const done of list) done();
    this.waiters.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.options.connection, keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', () => this.catchUp());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return client;
  }

  private lost(client: pg.Client): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    void client.end().catch(() => {});
    this.scheduleReconnect(this.options.reconnectDelayMs?.first ?? 50);
  }

  private scheduleReconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.closed) return void client.end().catch(() => {});
          this.client = client;
          this.reconnects += 1;
          this.catchUp();
        },
        () => {
          if (!this.closed) this.scheduleReconnect(Math.min(delayMs * 2, this.options.reconnectDelayMs?.max ?? 1000));
        },
      );
    }, delayMs);
  }

  /** Reads and emits every change past lastSeq; one reader at a time, rerun while notified. */
  private catchUp(): void {
    this.dirty = true;
    if (this.draining) return;
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      const client = this.client;
      if (client === undefined) return; // the reconnect catches up
      let rows: ChangeRow[];
      try {
        rows = (await client.query<ChangeRow>(CHANGES_SQL, [this.lastSeq])).rows;
      } catch {
        return; // connection trouble: 'error'/'end' reconnects, which catches up
      }
      for (const row of rows) {
        if (this.closed) return;
        this.lastSeq = row.seq;
        this.options.emit(toEvent(row));
        if (row.origin === this.options.origin) this.ownEmitted(ownKey(row));
      }
      if (rows.length === BATCH) this.dirty = true;
    }
  }

  private ownEmitted(key: string): void {
    const list = this.waiters.get(key);
    const done = list?.shift();
    if (list !== undefined && list.length === 0) this.waiters.delete(key);
    if (done !== undefined) return done();
    this.unclaimed.add(key);
    if (this.unclaimed.size > MAX_UNCLAIMED) {
      const oldest = this.unclaimed.values().next();
      if (oldest.done !== true) this.unclaimed.delete(oldest.value);
    }
  }
}

function ownKey(change: OwnChange): string {
  return JSON.stringify([change.op, change.type, change.mesh, change.name, change.version]);
}

function toEvent(row: ChangeRow): StoreEvent {
  const resource = decodeResource(row);
  if (row.op !== 'update' || row.previousLabels === null || row.previousSpec === null) return { op: row.op, resource };
  const previous = decodeResource({
    ...row,
    labels: row.previousLabels,
    spec: row.previousSpec,
    status: row.previousStatus,
    version: row.previousVersion ?? row.version - 1,
    modificationTime: row.previousModificationTime ?? row.modificationTime,
  });
  return { op: 'update', resource, previous };
}
