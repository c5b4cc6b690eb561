/**
 * The SQLite file's schema and its migrations. A file records the schema version it is at in
 * `meshplane_schema`; opening it applies every newer migration in one transaction, so a file is
 * either fully at the old version or fully at the new one. A file from a newer Meshplane is
 * refused rather than guessed at.
 */
import type { Database } from 'better-sqlite3';
import { ConfigError } from '../core/errors.js';

/**
 * Migration N (1-based) takes a file from schema version N-1 to N. Append only: never edit a
 * migration that has shipped, add the next one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: one table for every kind. A plain rowid table rather than WITHOUT ROWID, because specs
  // (a Dataplane with many inbounds) can be several KB, where SQLite advises against the latter.
  // The primary key's index also serves "list one type (in one mesh) ordered by mesh, name".
  `CREATE TABLE resources (
     type              TEXT    NOT NULL,
     mesh              TEXT    NOT NULL,
     name              TEXT    NOT NULL,
     labels            TEXT    NOT NULL CHECK (json_valid(labels)),
     spec              TEXT    NOT NULL CHECK (json_valid(spec)),
     status            TEXT             CHECK (status IS NULL OR json_valid(status)),
     version           INTEGER NOT NULL CHECK (version >= 1),
     creation_time     TEXT    NOT NULL,
     modification_time TEXT    NOT NULL,
     PRIMARY KEY (type, mesh, name)
   )`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file to SCHEMA_VERSION; returns the version the file was at before. */
export function migrate(db: Database, file: string): number {
  // IMMEDIATE: two processes opening the same new file at once must not both migrate it.
  return db
    .transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS meshplane_schema (version INTEGER NOT NULL)');
      const row = db.prepare('SELECT version FROM meshplane_schema').get() as { version: number } | undefined;
      const from = row?.version ?? 0;
      if (from > SCHEMA_VERSION) {
        throw new ConfigError(
          `--store: the SQLite file ${file} has schema version ${from}, but this Meshplane only knows ` +
            `versions up to ${SCHEMA_VERSION}; use a newer Meshplane or another file`,
        );
      }
      for (const sql of MIGRATIONS.slice(from)) db.exec(sql);
      if (row === undefined) db.prepare('INSERT INTO meshplane_schema (version) VALUES (?)').run(SCHEMA_VERSION);
      else db.prepare('UPDATE meshplane_schema SET version = ?').run(SCHEMA_VERSION);
      return from;
    })
    .immediate();
}
