/**
 * Small measuring tools shared by the scenarios: percentiles, memory readings after a forced
 * garbage collection (when the process runs with --expose-gc), waiting on events with a deadline,
 * and rounding for tables.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The q-th quantile (0..1) of the values, nearest-rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const MB = 1024 * 1024;

export interface MemoryReading {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Whether a full GC ran right before reading (needs --expose-gc). */
  readonly afterGc: boolean;
}

/** Heap and RSS after two full collections (finalizers of the first can free more in the second). */
export async function memoryAfterGc(): Promise<MemoryReading> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    for (let i = 0; i < 2; i++) {
      gc();
      await nextTurn();
    }
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, afterGc: gc !== undefined };
}

/** How the memory figures were taken, for the notes of a scenario. */
export function memoryMethod(afterGc: boolean): string {
  return afterGc
    ? 'heap and RSS: process.memoryUsage() after two forced full GCs (node --expose-gc), minus the same reading taken after start-up and before the first Dataplane; one child process per case'
    : 'heap and RSS: process.memoryUsage() WITHOUT a forced GC (run without --expose-gc), so figures include garbage not yet collected';
}

/**
 * Resolves when `check()` is true, re-checking whenever `subscribe`'s callback fires; rejects after
 * `timeoutMs`. No polling: the condition is only looked at when something changed.
 */
export function waitUntil(subscribe: (onEvent: () => void) => () => void, check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    unsubscribe = subscribe(() => {
      if (!done && check()) finish();
    });
    if (done) unsubscribe();
  });
}

export function now(): number {
  return performance.now();
}
