/**
 * The resource store contract. Three backends implement it (memory, SQLite, PostgreSQL);
 * controllers, the REST API and tests depend only on this file. Every write is atomic and bumps
 * `version` by one; an update or delete that names a version refuses to act when the stored
 * version differs.
 */
import type { Labels, NewResource, Resource, ResourceKey } from '../core/resource.js';

export interface ListOptions {
  readonly type: string;
  /** Only this mesh; absent means every mesh (and global kinds). */
  readonly mesh?: string;
  /** Exact match on every given label. */
  readonly labels?: Labels;
  /** Keeps resources whose name contains this text (Kuma's `?name=`). */
  readonly nameContains?: string;
  readonly offset?: number;
  /** Page size; absent means everything. */
  readonly size?: number;
}

export interface ListPage {
  readonly items: Resource[];
  /** How many match, across all pages. */
  readonly total: number;
  /** Offset of the next page, or undefined on the last page. */
  readonly nextOffset: number | undefined;
}

export interface UpdateRequest<Spec = unknown, Status = unknown> extends NewResource<Spec, Status> {
  /** The version the caller read; the update is refused with a conflict if it is stale. */
  readonly version: number;
}

export interface StoreEvent {
  readonly op: 'create' | 'update' | 'delete';
  /** The resource after the write (for a delete: as it was when deleted). */
  readonly resource: Resource;
  readonly previous?: Resource;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ResourceStore {
  get(key: ResourceKey): Promise<Resource | undefined>;
  list(options: ListOptions): Promise<ListPage>;
  /** Throws ResourceAlreadyExistsError when the key is taken. */
  create(resource: NewResource): Promise<Resource>;
  /** Throws ResourceNotFoundError or ResourceConflictError. Keeps creationTime. */
  update(resource: UpdateRequest): Promise<Resource>;
  /** Throws ResourceNotFoundError, or ResourceConflictError when `version` is given and stale. */
  delete(key: ResourceKey, options?: { readonly version?: number }): Promise<Resource>;
  /** Called after every committed write, in commit order. Returns an unsubscribe function. */
  watch(listener: StoreListener): () => void;
  close(): Promise<void>;
}

/**
 * Who, among the control-plane instances sharing one store, runs the work only one may do (the
 * zone controllers, the KDS zone client). Memory and SQLite have one process per store, so their
 * elector always leads (leader-single.ts); PostgreSQL holds an advisory lock (postgres-leader.ts).
 * open-store.ts builds the one that fits `--store`.
 */
export interface LeaderElector {
  /** True while this instance leads; turns false the moment it knows it lost (before listeners run). */
  isLeader(): boolean;
  /** Called with true on becoming leader and false on losing it. Returns an unsubscribe function. */
  onChange(listener: (leading: boolean) => void): () => void;
  /** Starts campaigning; resolves after the first attempt (leading or not). */
  start(): Promise<void>;
  /** Gives leadership up and stops campaigning. Stop what runs on the leader first. */
  stop(): Promise<void>;
}

/** Sort order of list results: by mesh, then name (Kuma lists by name). */
export function compareResources(a: ResourceKey, b: ResourceKey): number {
  if (a.mesh !== b.mesh) return a.mesh < b.mesh ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

export function matchesLabels(resourceLabels: Labels, wanted: Labels | undefined): boolean {
  if (!wanted) return true;
  return Object.entries(wanted).every(([k, v]) => resourceLabels[k] === v);
}

/** Cuts one page out of a sorted, filtered list. */
export function paginate(all: Resource[], offset = 0, size?: number): ListPage {
  const items = size === undefined ? all.slice(offset) : all.slice(offset, offset + size);
  const end = offset + items.length;
  return { items, total: all.length, nextOffset: end < all.length ? end : undefined };
}
