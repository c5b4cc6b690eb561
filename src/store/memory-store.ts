/**
 * In-memory ResourceStore: for tests and `--store memory`. Nothing survives a restart.
 * Values go through the same JSON encoding as the SQLite store, so both backends hand back equal
 * values for equal writes (see stored-resource.ts).
 */
import { type Clock, systemClock } from '../core/clock.js';
import {
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceNotFoundError,
} from '../core/errors.js';
import { keyOf, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
import { StoreListeners } from './listeners.js';
import {
  compareResources,
  type ListOptions,
  type ListPage,
  matchesLabels,
  paginate,
  type ResourceStore,
  type StoreListener,
  type UpdateRequest,
} from './store.js';
import { decodeResource, encodeResource } from './stored-resource.js';

export class MemoryStore implements ResourceStore {
  private readonly byKey = new Map<string, Resource>();
  private readonly listeners = new StoreListeners();
  private readonly clock: Clock;

  constructor(deps: { clock?: Clock } = {}) {
    this.clock = deps.clock ?? systemClock;
  }

  async get(key: ResourceKey): Promise<Resource | undefined> {
    return this.byKey.get(mapKey(key));
  }

  async list(options: ListOptions): Promise<ListPage> {
    const all = [...this.byKey.values()]
      .filter(
        (r) =>
          r.type === options.type &&
          (options.mesh === undefined || r.mesh === options.mesh) &&
          (options.nameContains === undefined || r.name.includes(options.nameContains)) &&
          matchesLabels(r.labels, options.labels),
      )
      .sort(compareResources);
    return paginate(all, options.offset, options.size);
  }

  async create(input: NewResource): Promise<Resource> {
    const k = mapKey(input);
    if (this.byKey.has(k)) throw new ResourceAlreadyExistsError(keyOf(input));
    const now = this.clock.now().toISOString();
    const stored = decodeResource(encodeResource(input, { version: 1, creationTime: now, modificationTime: now }));
    this.byKey.set(k, stored);
    this.listeners.emit({ op: 'create', resource: stored });
    return stored;
  }

  async update(input: UpdateRequest): Promise<Resource> {
    const k = mapKey(input);
    const previous = this.byKey.get(k);
    if (!previous) throw new ResourceNotFoundError(keyOf(input));
    if (previous.version !== input.version) throw new ResourceConflictError(keyOf(input), input.version, previous.version);
    const stored = decodeResource(
      encodeResource(input, {
        version: previous.version + 1,
        creationTime: previous.creationTime,
        modificationTime: this.clock.now().toISOString(),
      }),
    );
    this.byKey.set(k, stored);
    this.listeners.emit({ op: 'update', resource: stored, previous });
    return stored;
  }

  async delete(key: ResourceKey, options: { version?: number } = {}): Promise<Resource> {
    const k = mapKey(key);
    const previous = this.byKey.get(k);
    if (!previous) throw new ResourceNotFoundError(keyOf(key));
    if (options.version !== undefined && options.version !== previous.version) {
      throw new ResourceConflictError(keyOf(key), options.version, previous.version);
    }
    this.byKey.delete(k);
    this.listeners.emit({ op: 'delete', resource: previous });
    return previous;
  }

  watch(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {}
}

/** Unambiguous map key: unlike keyString, no name or mesh text can make two keys collide. */
function mapKey(k: ResourceKey): string {
  return JSON.stringify([k.type, k.mesh, k.name]);
}
