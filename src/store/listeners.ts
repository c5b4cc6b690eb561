/** Fan-out of committed store events to watchers; one failing watcher never stops the others. */
import type { StoreEvent, StoreListener } from './store.js';

export class StoreListeners {
  private readonly listeners = new Set<StoreListener>();

  add(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A watcher's bug must not undo or hide a committed write.
        process.emitWarning(`store watcher failed: ${String(err)}`);
      }
    }
  }
}
