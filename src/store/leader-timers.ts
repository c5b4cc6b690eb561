/**
 * The timers a leader elector waits on (retries, health checks, query deadlines). Production uses
 * real, unref'd timers; tests use ManualTimers and move time by hand, so "takes over within one
 * retry interval" is asserted exactly instead of by sleeping.
 */

export interface LeaderTimers {
  /** Runs `fn` once after `ms` milliseconds; returns a handle for cancel(). */
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
}

export const realLeaderTimers: LeaderTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  cancel(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Timers that fire only when advance() moves their time past the due time, in due order. */
export class ManualTimers implements LeaderTimers {
  private now = 0;
  private seq = 0;
  private readonly pending = new Set<PendingTimer>();

  after(ms: number, fn: () => void): unknown {
    const timer: PendingTimer = { at: this.now + ms, seq: this.seq++, fn };
    this.pending.add(timer);
    return timer;
  }

  cancel(handle: unknown): void {
    this.pending.delete(handle as PendingTimer);
  }

  /** How many timers wait to fire. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms` and fires every timer due by then (ones set meanwhile included). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.pending.delete(due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }
}
