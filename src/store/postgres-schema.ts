/**
 * The PostgreSQL database's schema and its migrations. Like the SQLite file, the database records
 * its schema version in `meshplane_schema`; opening applies every newer migration in one
 * transaction under an advisory lock, so several instances starting at once on a new database
 * migrate it exactly once, and a database from a newer Meshplane is refused.
 *
 * Why `json` and not `jsonb` for labels, spec and status: jsonb stores a parsed form that sorts
 * object keys (shortest first) and drops duplicates, so a spec would come back in another key
 * order than it was written; the contract promises keys in the order written. `json` keeps the
 * text exactly and still refuses invalid JSON. Label filters cast to jsonb (`@>`), served by a GIN
 * index on that cast.
 *
 * `resource_changes` is the change feed that lets instances sharing the database watch each
 * other: a trigger appends one row per written resource (the resource after the write, or as it
 * was deleted, and the previous one for an update) and NOTIFYs its number. Numbers are taken under
 * one transaction-level advisory lock held until commit, so their order is commit order and a
 * reader that remembers the last number it saw never misses or repeats a change. That lock
 * serialises the commits of writes, which NOTIFY already does (PostgreSQL queues notifications
 * under a database-wide lock held through commit), so it costs no extra concurrency.
 */
import type pg from 'pg';
import { ConfigError } from '../core/errors.js';

/** The channel every write NOTIFYs, payload {seq, origin, op, type, mesh, name, version}. */
export const CHANGE_CHANNEL = 'meshplane_resource_changes';
/** Session setting naming the store instance that makes a write (see PostgresStore). */
export const ORIGIN_SETTING = 'meshplane.origin';
/** Advisory lock keys (arbitrary, fixed). */
const MIGRATION_LOCK = 7_310_454_001;
const CHANGE_ORDER_LOCK = 7_310_454_002;

/**
 * Migration N (1-based) takes the database from schema version N-1 to N. Append only: never edit
 * a migration that has shipped, add the next one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: resources (same shape as the SQLite table), the change feed and its trigger.
  // COLLATE "C" orders keys by bytes, as SQLite's BINARY does, so both backends list alike.
  `CREATE TABLE resources (
     type              text COLLATE "C" NOT NULL,
     mesh              text COLLATE "C" NOT NULL,
     name              text COLLATE "C" NOT NULL,
     labels            json    NOT NULL,
     spec              json    NOT NULL,
     status            json,
     version           integer NOT NULL CHECK (version >= 1),
     creation_time     text    NOT NULL,
     modification_time text    NOT NULL,
     PRIMARY KEY (type, mesh, name)
   );
   CREATE INDEX resources_labels ON resources USING gin ((labels::jsonb) jsonb_path_ops);
   CREATE SEQUENCE resource_change_seq;
   CREATE TABLE resource_changes (
     seq                        bigint PRIMARY KEY,
     origin                     text   NOT NULL,
     op                         text   NOT NULL CHECK (op IN ('create', 'update', 'delete')),
     type                       text   NOT NULL,
     mesh                       text   NOT NULL,
     name                       text   NOT NULL,
     labels                     json   NOT NULL,
     spec                       json   NOT NULL,
     status                     json,
     version                    integer NOT NULL,
     creation_time              text   NOT NULL,
     modification_time          text   NOT NULL,
     previous_labels            json,
     previous_spec              json,
     previous_status            json,
     previous_version           integer,
     previous_modification_time text,
     recorded_at                timestamptz NOT NULL DEFAULT now()
   );
   CREATE FUNCTION meshplane_record_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
   DECLARE
     change_seq bigint;
     origin     text := coalesce(current_setting('${ORIGIN_SETTING}', true), '');
     op         text := CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END;
     r          resources;
   BEGIN
     IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
     PERFORM pg_advisory_xact_lock(${CHANGE_ORDER_LOCK});
     change_seq := nextval('resource_change_seq');
     IF TG_OP = 'UPDATE' THEN
       INSERT INTO resource_changes VALUES (change_seq, origin, op, r.type, r.mesh, r.name, r.labels, r.spec,
         r.status, r.version, r.creation_time, r.modification_time,
         OLD.labels, OLD.spec, OLD.status, OLD.version, OLD.modification_time);
     ELSE
       INSERT INTO resource_changes VALUES (change_seq, origin, op, r.type, r.mesh, r.name, r.labels, r.spec,
         r.status, r.version, r.creation_time, r.modification_time);
     END IF;
     PERFORM pg_notify('${CHANGE_CHANNEL}', json_build_object('seq', change_seq, 'origin', origin, 'op', op,
       'type', r.type, 'mesh', r.mesh, 'name', r.name, 'version', r.version)::text);
     RETURN NULL;
   END
   $fn$;
   CREATE TRIGGER resources_record_change AFTER INSERT OR UPDATE OR DELETE ON resources
     FOR EACH ROW EXECUTE FUNCTION meshplane_record_change();`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; returns the version it was at before. */
export async function migrate(client: pg.ClientBase, where: string): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS meshplane_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM meshplane_schema');
    const from = rows[0]?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new ConfigError(
        `--store: the PostgreSQL database ${where} has schema version ${from}, but this Meshplane only knows ` +
          `versions up to ${SCHEMA_VERSION}; use a newer Meshplane or another database`,
      );
    }
    for (const sql of MIGRATIONS.slice(from)) await client.query(sql);
    if (rows.length === 0) await client.query('INSERT INTO meshplane_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    else await client.query('UPDATE meshplane_schema SET version = $1', [SCHEMA_VERSION]);
    await client.query('COMMIT');
    return from;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
