/**
 * SQL for ResourceStore.list on PostgreSQL: every filter and the page cut run in the server, and
 * the exact total comes from the same statement (one snapshot) as the page.
 *
 * Labels are ANDed with one jsonb containment test, `labels::jsonb @> '{"k":"v",...}'`, which
 * compares keys and values as plain strings (any key text works: dots, slashes, quotes, `$`) and
 * can use the GIN index on `labels::jsonb`. Name filtering uses strpos, case-sensitive and without
 * wildcards like String.prototype.includes. Order: mesh, then name, in the "C" collation the
 * columns are declared with (bytes of UTF-8), the same order as the SQLite store.
 */
import type { ListOptions } from './store.js';

/** The columns of a resource row, named as EncodedResource's fields, JSON as its text. */
export const RESOURCE_COLUMNS =
  'type, mesh, name, labels::text AS labels, spec::text AS spec, status::text AS status, version, ' +
  'creation_time AS "creationTime", modification_time AS "modificationTime"';

export interface PostgresListQuery {
  /** Returns one row per item, each with `total`; a single row of nulls but `total` when the page is empty. */
  readonly sql: string;
  readonly params: readonly unknown[];
}

export function listQuery(options: ListOptions): PostgresListQuery {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`type = ${bind(options.type)}`];
  if (options.mesh !== undefined) where.push(`mesh = ${bind(options.mesh)}`);
  if (options.nameContains !== undefined && options.nameContains !== '') {
    where.push(`strpos(name, ${bind(options.nameContains)}) > 0`);
  }
  if (options.labels !== undefined && Object.keys(options.labels).length > 0) {
    where.push(`labels::jsonb @> ${bind(JSON.stringify(options.labels))}::jsonb`);
  }
  const condition = where.join(' AND ');
  const limit = bind(options.size ?? null);
  const offset = bind(options.offset ?? 0);
  return {
    sql:
      `SELECT counted.total, page.* FROM (SELECT count(*)::integer AS total FROM resources WHERE ${condition}) AS counted ` +
      `LEFT JOIN LATERAL (SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${condition} ` +
      `ORDER BY mesh, name LIMIT ${limit}::integer OFFSET ${offset}::integer) AS page ON true`,
    params,
  };
}
