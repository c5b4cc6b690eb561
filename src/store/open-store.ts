/** Turns the `--store` flag into a ResourceStore. */
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { SingleInstanceLeader } from './leader-single.js';
import { MemoryStore } from './memory-store.js';
import { PostgresLeaderElector, type PostgresLeaderOptions } from './postgres-leader.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { LeaderElector, ResourceStore } from './store.js';

/** What `meshplane run` uses when `--store` is not given. */
export const DEFAULT_STORE_SPEC = 'sqlite:./meshplane-data/meshplane.db';

export interface OpenStoreDeps {
  readonly clock?: Clock;
  /** Folder a relative `sqlite:PATH` is resolved against; defaults to process.cwd(). */
  readonly cwd?: string;
}

const ACCEPTED_FORMS = "'memory', 'sqlite:PATH' (e.g. sqlite:./meshplane-data/meshplane.db) or 'postgres://...'";

export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** Parses the flag's value without opening anything; throws ConfigError naming `--store`. */
export function parseStoreSpec(spec: string, cwd: string = process.cwd()): StoreSpec {
  const text = spec.trim();
  if (text === 'memory') return { kind: 'memory' };
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    if (path === '') throw new ConfigError(`--store 'sqlite:' needs a file path, e.g. ${DEFAULT_STORE_SPEC}`);
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return { kind: 'postgres', url: text };
  throw new ConfigError(`--store '${redact(spec)}' is not a store this control plane knows; use ${ACCEPTED_FORMS}`);
}

/** Hides a password in a URL-like value so the error message can be logged safely. */
function redact(spec: string): string {
  return spec.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Opens the store named by `--store`: `memory`, `sqlite:PATH` (relative to cwd) or `postgres://...`
 * (a PostgreSQL connection URL; the database must exist, its tables are created on first open).
 */
export async function openStore(spec: string, deps: OpenStoreDeps = {}): Promise<ResourceStore> {
  const parsed = parseStoreSpec(spec, deps.cwd);
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStore({ clock: deps.clock });
    case 'sqlite':
      return new SqliteStore(parsed.path, { clock: deps.clock });
    case 'postgres':
      // Throws ConfigError naming --store (password hidden) when the server cannot be used.
      return PostgresStore.open(parsed.url, { clock: deps.clock });
  }
}

/**
 * The leader elector for the store named by `--store`: PostgreSQL is shared by several instances,
 * so they take turns through an advisory lock; memory and SQLite serve one process, which leads.
 */
export function openLeaderElector(spec: string, options: PostgresLeaderOptions & { readonly cwd?: string } = {}): LeaderElector {
  const parsed = parseStoreSpec(spec, options.cwd);
  return parsed.kind === 'postgres' ? new PostgresLeaderElector(parsed.url, options) : new SingleInstanceLeader();
}
