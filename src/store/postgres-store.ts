/**
 * ResourceStore on PostgreSQL (node-postgres Pool): the backend for several control-plane
 * instances sharing one database. Same table shape as the SQLite store (postgres-schema.ts).
 *
 * Atomicity: each write is one statement, so PostgreSQL commits it whole or not at all. A create is
 * an INSERT ... ON CONFLICT DO NOTHING (no row inserted = the key is taken). An update or delete
 * compares and sets the version in its WHERE clause; when it touches no row, a follow-up read only
 * decides which error to report (not found, or a conflict naming the current version). The update
 * joins the table to itself to return the row it replaced: under READ COMMITTED, if another write
 * commits first, PostgreSQL re-checks `version = expected` on the newest row and skips it, so the
 * joined old row is always exactly the replaced one.
 *
 * Watch: a trigger records every write in `resource_changes` and NOTIFYs; the change feed
 * (postgres-change-feed.ts) emits events for every instance's writes in commit order, each once.
 * A write resolves after its own event was emitted. Each connection starts its session with this
 * instance's origin (a random id) as a setting, which the trigger copies into the change, so the
 * feed can tell this instance's writes from others'.
 *
 * Throughput: commits of writes are serialised database-wide (NOTIFY's queue lock, and the change
 * feed's ordering lock, both held through commit), so each write pays one WAL fsync on its own and
 * concurrency barely helps. Measured on the 2-core dev VM (PostgreSQL 15, fsync on, same machine),
 * 10k creates one at a time: 9.5-11 s alone (~900-1050/s), 17-25 s (~400-570/s) with a second
 * instance watching and other test files running; a bare INSERT there costs 1.4-2.6 ms, mostly
 * the fsync. The measurement test prints the figure of each run.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Clock, systemClock } from '../core/clock.js';
import {
  ConfigError,
  MeshplaneError,
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceNotFoundError,
} from '../core/errors.js';
import { keyOf, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { StoreListeners } from './listeners.js';
import { ChangeFeed } from './postgres-change-feed.js';
import { listQuery, RESOURCE_COLUMNS } from './postgres-list-query.js';
import { migrate, ORIGIN_SETTING } from './postgres-schema.js';
import type { ListOptions, ListPage, ResourceStore, StoreListener, UpdateRequest } from './store.js';
import { decodeResource, type EncodedResource, encodeResource } from './stored-resource.js';

export interface PostgresStoreOptions {
  readonly clock?: Clock;
  /** Pooled connections for reads and writes (the change feed has one more of its own). */
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  /** How long changes are kept for instances catching up after a disconnection. */
  readonly changeRetentionMs?: number;
}

const BY_KEY = 'type = $1 AND mesh = $2 AND name = $3';
const INSERT_SQL =
  'INSERT INTO resources (type, mesh, name, labels, spec, status, version, creation_time, modification_time) ' +
  'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (type, mesh, name) DO NOTHING';
const UPDATE_SQL =
  'UPDATE resources AS r SET labels = $4, spec = $5, status = $6, version = r.version + 1, modification_time = $7 ' +
  'FROM resources AS old WHERE r.type = $1 AND r.mesh = $2 AND r.name = $3 AND r.version = $8 ' +
  'AND old.type = r.type AND old.mesh = r.mesh AND old.name = r.name ' +
  'RETURNING old.type, old.mesh, old.name, old.labels::text AS labels, old.spec::text AS spec, ' +
  'old.status::text AS status, old.version, old.creation_time AS "creationTime", old.modification_time AS "modificationTime"';
const DELETE_SQL = `DELETE FROM resources WHERE ${BY_KEY} AND ($4::integer IS NULL OR version = $4) RETURNING ${RESOURCE_COLUMNS}`;
const PRUNE_SQL = "DELETE FROM resource_changes WHERE recorded_at < now() - $1::integer * interval '1 millisecond'";
const PRUNE_EVERY_MS = 60_000;

export class PostgresStore implements ResourceStore {
  private readonly pruneTimer: NodeJS.Timeout;

  private constructor(
    private readonly listeners: StoreListeners,
    private readonly pool: pg.Pool,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
    retentionMs: number,
    /** The URL with its password hidden, for messages. */
    readonly where: string,
  ) {
    this.pruneTimer = setInterval(() => {
      this.pool.query(PRUNE_SQL, [retentionMs]).catch(() => {});
    }, PRUNE_EVERY_MS).unref();
  }

  /**
   * Connects, migrates the database and starts the change feed. Throws ConfigError naming
   * `--store` (password hidden) when the server cannot be reached or the database cannot be used.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const where = redactPostgresUrl(url);
    const origin = randomUUID();
    const connection: pg.ClientConfig = {
      ...withSessionSetting(url, ORIGIN_SETTING, origin),
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    };
    const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10, keepAlive: true });
    // An idle connection dropped by the server (restart, admin kill) is replaced on next use.
    pool.on('error', () => {});
    const listeners = new StoreListeners();
    const feed = new ChangeFeed({ connection, origin, emit: (event) => listeners.emit(event) });
    try {
      const client = await pool.connect();
      try {
        await migrate(client, where);
      } finally {
        client.release();
      }
      await feed.start();
      await pool.query(PRUNE_SQL, [options.changeRetentionMs ?? 3_600_000]);
    } catch (err) {
      await feed.close();
      await pool.end().catch(() => {});
      if (err instanceof MeshplaneError) throw err;
      throw new ConfigError(`--store ${where}: cannot open the PostgreSQL database (${reasonOf(err)})`);
    }
    return new PostgresStore(listeners, pool, feed, options.clock ?? systemClock, options.changeRetentionMs ?? 3_600_000, where);
  }

  async get(key: ResourceKey): Promise<Resource | undefined> {
    const { rows } = await this.pool.query<EncodedResource>(`SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${BY_KEY}`, [
      key.type,
      key.mesh,
      key.name,
    ]);
    return rows[0] === undefined ? undefined : decodeResource(rows[0]);
  }

  async list(options: ListOptions): Promise<ListPage> {
    const query = listQuery(options);
    const { rows } = await this.pool.query<Partial<EncodedResource> & { total: number }>(query.sql, [...query.params]);
    const total = rows[0]?.total ?? 0;
    const items = rows.filter((row): row is EncodedResource & { total: number } => row.name != null).map(decodeResource);
    const end = (options.offset ?? 0) + items.length;
    return { items, total, nextOffset: end < total ? end : undefined };
  }

  async create(input: NewResource): Promise<Resource> {
    const now = this.clock.now().toISOString();
    const e = encodeResource(input, { version: 1, creationTime: now, modificationTime: now });
    const result = await this.pool.query(INSERT_SQL, [e.type, e.mesh, e.name, e.labels, e.spec, e.status, 1, now, now]);
    if (result.rowCount === 0) throw new ResourceAlreadyExistsError(keyOf(input));
    await this.feed.deliveredOwn({ ...keyOf(input), op: 'create', version: 1 });
    return decodeResource(e);
  }

  async update(input: UpdateRequest): Promise<Resource> {
    const now = this.clock.now().toISOString();
    const e = encodeResource(input, { version: input.version + 1, creationTime: '', modificationTime: now });
    const { rows } = await this.pool.query<EncodedResource>(UPDATE_SQL, [
      e.type,
      e.mesh,
      e.name,
      e.labels,
      e.spec,
      e.status,
      now,
      input.version,
    ]);
    const previous = rows[0];
    if (previous === undefined) throw await this.refusal(input, input.version);
    await this.feed.deliveredOwn({ ...keyOf(input), op: 'update', version: e.version });
    return decodeResource({ ...e, creationTime: previous.creationTime });
  }

  async delete(key: ResourceKey, options: { readonly version?: number } = {}): Promise<Resource> {
    const { rows } = await this.pool.query<EncodedResource>(DELETE_SQL, [key.type, key.mesh, key.name, options.version ?? null]);
    const deleted = rows[0];
    if (deleted === undefined) throw await this.refusal(key, options.version);
    await this.feed.deliveredOwn({ ...keyOf(key), op: 'delete', version: deleted.version });
    return decodeResource(deleted);
  }

  /** How many times the change feed's LISTEN connection was re-established since open. */
  get listenReconnects(): number {
    return this.feed.reconnects;
  }

  watch(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.listeners.clear();
    await this.feed.close();
    await this.pool.end().catch(() => {});
  }

  /** Why a compare-and-set write touched no row: the key is gone, or its version moved on. */
  private async refusal(key: ResourceKey, expectedVersion: number | undefined): Promise<Error> {
    const { rows } = await this.pool.query<{ version: number }>(`SELECT version FROM resources WHERE ${BY_KEY}`, [
      key.type,
      key.mesh,
      key.name,
    ]);
    const actual = rows[0]?.version;
    if (actual === undefined || expectedVersion === undefined) return new ResourceNotFoundError(keyOf(key));
    return new ResourceConflictError(keyOf(key), expectedVersion, actual);
  }
}

/**
 * Connection settings that start every session with `name = value` (the startup `options`
 * parameter). `options` given in the URL is kept: node-postgres lets the URL's value replace a
 * separate one, so it is moved out of the URL and the two are joined.
 */
function withSessionSetting(url: string, name: string, value: string): { connectionString: string; options: string } {
  const setting = `-c ${name}=${value}`;
  try {
    const parsed = new URL(url);
    const given = parsed.searchParams.get('options');
    if (given !== null) {
      parsed.searchParams.delete('options');
      return { connectionString: parsed.toString(), options: `${given} ${setting}` };
    }
  } catch {
    // Not a URL the WHATWG parser reads: node-postgres will report it when connecting.
  }
  return { connectionString: url, options: setting };
}

/** The URL with any password replaced by `***` (user, host and database kept). */
export function redactPostgresUrl(url: string): string {
  const hidden = url.replace(/([?&]password=)[^&]*/gi, '$1***');
  try {
    const parsed = new URL(hidden);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return hidden.replace(/\/\/[^/@]*@/, '//***@');
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(reasonOf).join('; ');
  if (err instanceof Error) return err.message || err.constructor.name;
  return String(err);
}
