/**
 * Runs controllers when the store changes: event-driven, coalescing bursts of changes into one
 * pass, never two passes of one controller at the same time, and a timer only for the deadlines a
 * controller asks for (grace periods). Tests drive it with `settle()` and a ManualClock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Controller } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

interface ControllerState {
  readonly controller: Controller;
  dirty: boolean;
  running: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  nextRunAt: Date | undefined;
}

export class ControllerRunner {
  private readonly states: ControllerState[];
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly controllers: readonly Controller[];
      /** Real timers for deadlines; off in tests that move a ManualClock by hand. */
      readonly useTimers?: boolean;
    },
  ) {
    this.states = deps.controllers.map((controller) => ({ controller, dirty: true, running: undefined, timer: undefined, nextRunAt: undefined }));
  }

  start(): void {
    this.unsubscribe = this.deps.cache.onChange((event) => {
      for (const s of this.states) if (s.controller.wakesOn(event)) this.markDirty(s);
    });
    for (const s of this.states) this.markDirty(s);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const s of this.states) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.states.map((s) => s.running));
  }

  /** Runs the named controller again soon, for inputs that are not in the store (connected proxies). */
  poke(name: string): void {
    for (const s of this.states) if (s.controller.name === name) this.markDirty(s);
  }

  /** Runs every controller whose deadline has passed on the clock, then waits until all are idle. */
  async settle(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    for (const s of this.states) if (s.nextRunAt && s.nextRunAt.getTime() <= now) this.markDirty(s);
    for (;;) {
      const busy = this.states.filter((s) => s.running || s.dirty);
      if (busy.length === 0) return;
      for (const s of busy) if (!s.running && s.dirty) this.launch(s);
      await Promise.all(busy.map((s) => s.running));
    }
  }

  private markDirty(s: ControllerState): void {
    if (this.stopped) return;
    s.dirty = true;
    if (!s.running) setImmediate(() => this.launch(s));
  }

  private launch(s: ControllerState): void {
    if (s.running || !s.dirty || this.stopped) return;
    s.dirty = false;
    s.running = this.runOnce(s).finally(() => {
      s.running = undefined;
      if (s.dirty) this.markDirty(s);
    });
  }

  private async runOnce(s: ControllerState): Promise<void> {
    const log = this.deps.logger;
    try {
      const result = await s.controller.reconcile(this.deps.clock.now());
      this.schedule(s, result.nextRunAt);
    } catch (err) {
      log.error({ controller: s.controller.name, err }, 'reconcile failed; will retry on the next change');
      this.schedule(s, new Date(this.deps.clock.now().getTime() + 1000));
    }
  }

  private schedule(s: ControllerState, at: Date | undefined): void {
    s.nextRunAt = at;
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    if (!at || this.deps.useTimers === false || this.stopped) return;
    const delay = Math.max(0, Math.min(at.getTime() - this.deps.clock.now().getTime(), 2 ** 31 - 1));
    s.timer = setTimeout(() => this.markDirty(s), delay);
    s.timer.unref();
  }
}
