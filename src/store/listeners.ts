/**
 * Fan-out of committed store events to watchers; one failing watcher never stops the others.
 *
 * Events are delivered in commit order even when a watcher writes to the store from inside its
 * callback: that nested write's event is queued and delivered after every watcher has seen the
 * current one, instead of overtaking it.
 */
import type { StoreEvent, StoreListener } from './store.js';

export class StoreListeners {
  private readonly listeners = new Set<StoreListener>();
  private readonly queue: StoreEvent[] = [];
  private draining = false;

  add(listener: StoreListener): () => void {
    // Wrapped so that watching twice with the same function gives two independent subscriptions.
    const entry: StoreListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(event: StoreEvent): void {
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        this.deliver(next);
      }
    } finally {
      this.draining = false;
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  private deliver(event: StoreEvent): void {
    for (const listener of [...this.listeners]) {
      // Unsubscribed by an earlier watcher while this event was being delivered.
      if (!this.listeners.has(listener)) continue;
      try {
        listener(event);
      } catch (err) {
        // A watcher's bug must not undo or hide a committed write.
        process.emitWarning(`store watcher failed: ${String(err)}`);
      }
    }
  }
}
