/**
 * ResourceStore on one SQLite file (better-sqlite3, synchronous; the async methods only wrap it).
 *
 * Atomicity: every write is one SQLite transaction (a lone INSERT, or BEGIN IMMEDIATE ... COMMIT
 * around read-check-write), so a crash at any moment leaves each resource either wholly before or
 * wholly after a write. Watchers are told only after COMMIT returned, in commit order: the
 * statements run synchronously, so no other write of this process can slip in between a commit
 * and its event. Writes made by another process on the same file are not seen by watch().
 *
 * Durability (`synchronous`): the default FULL fsyncs the write-ahead log at every commit, so a
 * write that returned survives power loss too. NORMAL (WAL mode) fsyncs only at checkpoints; it
 * keeps atomicity, because recovery replays WAL frames only up to the last commit frame whose
 * running checksum validates (a torn tail is ignored, never half-applied), and a killed process
 * loses nothing because its write() calls already reached the OS. What NORMAL gives up is the
 * last few commits on power loss or an OS crash. Measured on the 2-core dev VM, 10k single-resource
 * creates into one file: 1.6 s with FULL (about 6,200/s), 0.42 s with NORMAL (about 24,000/s).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../core/clock.js';
import {
  ConfigError,
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceNotFoundError,
} from '../core/errors.js';
import { keyOf, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { StoreListeners } from './listeners.js';
import { migrate } from './sqlite-schema.js';
import { listQuery, RESOURCE_COLUMNS } from './sqlite-list-query.js';
import type { ListOptions, ListPage, ResourceStore, StoreListener, UpdateRequest } from './store.js';
import { decodeResource, type EncodedResource, encodeResource } from './stored-resource.js';

export interface SqliteStoreOptions {
  readonly clock?: Clock;
  /** How long a write waits for another process's write lock before failing (SQLITE_BUSY). */
  readonly busyTimeoutMs?: number;
  readonly synchronous?: 'full' | 'normal';
}

const BY_KEY = 'type = ? AND mesh = ? AND name = ?';

export class SqliteStore implements ResourceStore {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly listeners = new StoreListeners();
  private readonly selectOne: Database.Statement<[string, string, string], EncodedResource>;
  private readonly insertOne: Database.Statement<EncodedResource>;
  private readonly updateOne: Database.Statement<EncodedResource & { expected: number }>;
  private readonly deleteOne: Database.Statement<[string, string, string]>;
  private readonly listStatements = new Map<string, Database.Statement<unknown[], unknown>>();

  /** Opens (creating file and parent folder if missing) and migrates `file`. */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    const inMemory = file === ':memory:';
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (!inMemory && mode !== 'wal') {
        throw new ConfigError(`--store: cannot use write-ahead logging for ${file} (journal mode stays '${String(mode)}')`);
      }
      this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      migrate(this.db, file);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.selectOne = this.db.prepare(`SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${BY_KEY}`);
    this.insertOne = this.db.prepare(
      `INSERT INTO resources (type, mesh, name, labels, spec, status, version, creation_time, modification_time)
       VALUES (@type, @mesh, @name, @labels, @spec, @status, @version, @creationTime, @modificationTime)
       ON CONFLICT (type, mesh, name) DO NOTHING`,
    );
    this.updateOne = this.db.prepare(
      `UPDATE resources SET labels = @labels, spec = @spec, status = @status, version = @version,
         modification_time = @modificationTime
       WHERE type = @type AND mesh = @mesh AND name = @name AND version = @expected`,
    );
    this.deleteOne = this.db.prepare(`DELETE FROM resources WHERE ${BY_KEY}`);
  }

  async get(key: ResourceKey): Promise<Resource | undefined> {
    const row = this.selectOne.get(key.type, key.mesh, key.name);
    return row === undefined ? undefined : decodeResource(row);
  }

  async list(options: ListOptions): Promise<ListPage> {
    const query = listQuery(options);
    const offset = options.offset ?? 0;
    // One read transaction: the page and the total come from the same snapshot.
    const { rows, total } = this.db.transaction(() => ({
      rows: this.statement(query.pageSql).all(...query.params, options.size ?? -1, offset) as EncodedResource[],
      total: (this.statement(query.countSql).get(...query.params) as { total: number }).total,
    }))();
    const end = offset + rows.length;
    return { items: rows.map(decodeResource), total, nextOffset: end < total ? end : undefined };
  }

  async create(input: NewResource): Promise<Resource> {
    const now = this.clock.now().toISOString();
    const encoded = encodeResource(input, { version: 1, creationTime: now, modificationTime: now });
    if (this.insertOne.run(encoded).changes === 0) throw new ResourceAlreadyExistsError(keyOf(input));
    const stored = decodeResource(encoded);
    this.listeners.emit({ op: 'create', resource: stored });
    return stored;
  }

  async update(input: UpdateRequest): Promise<Resource> {
    const { previous, encoded } = this.db
      .transaction(() => {
        const previous = this.existing(input, input.version);
        const encoded = encodeResource(input, {
          version: previous.version + 1,
          creationTime: previous.creationTime,
          modificationTime: this.clock.now().toISOString(),
        });
        this.updateOne.run({ ...encoded, expected: previous.version });
        return { previous, encoded };
      })
      .immediate();
    const stored = decodeResource(encoded);
    this.listeners.emit({ op: 'update', resource: stored, previous: decodeResource(previous) });
    return stored;
  }

  async delete(key: ResourceKey, options: { readonly version?: number } = {}): Promise<Resource> {
    const previousRow = this.db
      .transaction(() => {
        const previous = this.existing(key, options.version);
        this.deleteOne.run(key.type, key.mesh, key.name);
        return previous;
      })
      .immediate();
    const previous = decodeResource(previousRow);
    this.listeners.emit({ op: 'delete', resource: previous });
    return previous;
  }

  watch(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /** The stored row, or the not-found / conflict error. Call inside a write transaction. */
  private existing(key: ResourceKey, expectedVersion: number | undefined): EncodedResource {
    const row = this.selectOne.get(key.type, key.mesh, key.name);
    if (row === undefined) throw new ResourceNotFoundError(keyOf(key));
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw new ResourceConflictError(keyOf(key), expectedVersion, row.version);
    }
    return row;
  }

  private statement(sql: string): Database.Statement<unknown[], unknown> {
    let statement = this.listStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    return statement;
  }
}
