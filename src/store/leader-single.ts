/**
 * The elector of a store only one process uses (memory, SQLite): it leads from start() until
 * stop(), since there is nobody to share the work with.
 */
import type { LeaderElector } from './store.js';

export class SingleInstanceLeader implements LeaderElector {
  private leading = false;
  private stopped = false;
  private readonly listeners = new Set<(leading: boolean) => void>();

  isLeader(): boolean {
    return this.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    const entry = (leading: boolean): void => listener(leading);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  async start(): Promise<void> {
    if (this.leading || this.stopped) return;
    this.set(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.leading) this.set(false);
  }

  private set(leading: boolean): void {
    this.leading = leading;
    for (const listener of [...this.listeners]) listener(leading);
  }
}
