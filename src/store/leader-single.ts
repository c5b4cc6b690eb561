/**
 * The elector of a store only one process uses (memory, SQLite): it leads from start() until
 * stop(), since there is nobody to share the work with.
 */
import { LeadershipState } from './leadership-state.js';
import type { LeaderElector } from './store.js';

export class SingleInstanceLeader implements LeaderElector {
  private readonly state = new LeadershipState();
  private stopped = false;

  isLeader(): boolean {
    return this.state.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    return this.state.onChange(listener);
  }

  async start(): Promise<void> {
    if (this.state.leading || this.stopped) return;
    this.state.set(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.state.leading) this.state.set(false);
  }
}
