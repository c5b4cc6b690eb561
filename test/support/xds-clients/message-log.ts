/**
 * A list of messages received on a stream, with waiting: `next()` returns the next message after the
 * cursor that matches, waiting for it up to a deadline (never a blind sleep). To show that nothing
 * was sent, tests use a barrier: a request whose response must come after anything the server sent
 * before (one stream is ordered), then check what arrived between a mark and the barrier.
 */
export class MessageLog<T> {
  readonly all: T[] = [];
  private cursor = 0;
  private readonly waiters = new Set<() => void>();
  private ended: Error | undefined;

  push(message: T): void {
    this.all.push(message);
    for (const wake of [...this.waiters]) wake();
  }

  /** The stream ended: pending and later waits fail with `reason`. */
  end(reason: Error): void {
    this.ended = reason;
    for (const wake of [...this.waiters]) wake();
  }

  /** Next unread message matching `match` (skipping non-matching ones); rejects after `timeoutMs`. */
  async next(match: (m: T) => boolean = () => true, timeoutMs = 5000, what = 'a message'): Promise<T> {
    const index = await this.waitFrom(this.cursor, match, timeoutMs, what);
    this.cursor = index + 1;
    return this.all[index] as T;
  }

  /** Index of the first message at or after `from` that matches, waiting up to `timeoutMs`. */
  async waitFrom(from: number, match: (m: T) => boolean, timeoutMs = 5000, what = 'a message'): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let index = from;
    for (;;) {
      for (; index < this.all.length; index++) if (match(this.all[index] as T)) return index;
      if (this.ended) throw new Error(`stream ended while waiting for ${what}: ${this.ended.message}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Position after the last message received so far: `all.slice(mark)` is what came since. */
  mark(): number {
    return this.all.length;
  }

  /** Moves the cursor past everything received so far. */
  skipAll(): void {
    this.cursor = this.all.length;
  }
}
