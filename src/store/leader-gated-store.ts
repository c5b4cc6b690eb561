/**
 * The store as the leader's controllers see it: reads and watches pass through; a write is refused
 * once this instance has stopped leading (or its leadership term ended), so a controller pass still
 * running when leadership is lost cannot write after the instance knows it lost. It narrows the
 * overlap with the next leader to writes already sent; it is not a fencing token.
 */
import type { ResourceKey } from '../core/resource.js';
import type { ResourceStore } from './store.js';

export class NotLeaderError extends Error {
  constructor(key: ResourceKey) {
    super(`not writing ${key.type} ${key.mesh === '' ? '' : `${key.mesh}/`}${key.name}: this instance no longer leads`);
    this.name = 'NotLeaderError';
  }
}

/** `mayWrite` is asked before every write; the returned store's close() leaves `store` open. */
export function leaderGatedStore(store: ResourceStore, mayWrite: () => boolean): ResourceStore {
  const check = (key: ResourceKey): void => {
    if (!mayWrite()) throw new NotLeaderError(key);
  };
  return {
    get: (key) => store.get(key),
    list: (options) => store.list(options),
    watch: (listener) => store.watch(listener),
    async create(resource) {
      check(resource);
      return store.create(resource);
    },
    async update(resource) {
      check(resource);
      return store.update(resource);
    },
    async delete(key, options) {
      check(key);
      return store.delete(key, options);
    },
    async close() {},
  };
}
