/** In-memory ResourceStore: for tests and `--store memory`. Nothing survives a restart. */
import { type Clock, systemClock } from '../core/clock.js';
import {
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceNotFoundError,
} from '../core/errors.js';
import { keyString, type NewResource, type Resource, type ResourceKey } from '../core/resource.js';
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

export class MemoryStore implements ResourceStore {
  private readonly byKey = new Map<string, Resource>();
  private readonly listeners = new StoreListeners();
  private readonly clock: Clock;

  constructor(deps: { clock?: Clock } = {}) {
    this.clock = deps.clock ?? systemClock;
  }

  async get(key: ResourceKey): Promise<Resource | undefined> {
    return this.byKey.get(keyString(key));
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
    const k = keyString(input);
    if (this.byKey.has(k)) throw new ResourceAlreadyExistsError(input);
    const now = this.clock.now().toISOString();
    const stored = freeze({ ...copy(input), creationTime: now, modificationTime: now, version: 1 });
    this.byKey.set(k, stored);
    this.listeners.emit({ op: 'create', resource: stored });
    return stored;
  }

  async update(input: UpdateRequest): Promise<Resource> {
    const k = keyString(input);
    const previous = this.byKey.get(k);
    if (!previous) throw new ResourceNotFoundError(input);
    if (previous.version !== input.version) throw new ResourceConflictError(input, input.version, previous.version);
    const { version: _ignored, ...body } = copy(input);
    const stored = freeze({
      ...body,
      creationTime: previous.creationTime,
      modificationTime: this.clock.now().toISOString(),
      version: previous.version + 1,
    });
    this.byKey.set(k, stored);
    this.listeners.emit({ op: 'update', resource: stored, previous });
    return stored;
  }

  async delete(key: ResourceKey, options: { version?: number } = {}): Promise<Resource> {
    const k = keyString(key);
    const previous = this.byKey.get(k);
    if (!previous) throw new ResourceNotFoundError(key);
    if (options.version !== undefined && options.version !== previous.version) {
      throw new ResourceConflictError(key, options.version, previous.version);
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

/** Stored resources are deep copies, frozen, so no caller can change the store behind its back. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) freeze(v);
    Object.freeze(value);
  }
  return value;
}
