/**
 * Exponential back-off between a zone's reconnect attempts: initial, initial * multiplier, ...,
 * capped at max, each spread by up to ±jitter so that zones cut off together do not all return in
 * the same instant. The attempt count resets once global has welcomed the zone.
 */

export interface BackoffConfig {
  /** First delay (ms). Default 500. */
  readonly initialMs?: number;
  /** Longest delay (ms). Default 30 000. */
  readonly maxMs?: number;
  /** Default 2. */
  readonly multiplier?: number;
  /** Fraction of the delay added or taken away at random, 0 to 1. Default 0.2. */
  readonly jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffConfig> = { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0.2 };

/** The delay before retry number `attempt` (0-based); `random` returns a number in [0, 1). */
export function backoffDelay(attempt: number, config: BackoffConfig = {}, random: () => number = Math.random): number {
  const c = { ...DEFAULT_BACKOFF, ...config };
  const base = Math.min(c.maxMs, c.initialMs * c.multiplier ** Math.max(0, attempt));
  const spread = base * c.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(c.maxMs, base + spread)));
}

/** Refuses settings that would retry in a tight loop or never. */
export function backoffProblems(config: BackoffConfig): string[] {
  const c = { ...DEFAULT_BACKOFF, ...config };
  const out: string[] = [];
  if (!(c.initialMs > 0)) out.push(`backoff.initialMs must be more than 0; got ${c.initialMs}`);
  if (!(c.maxMs >= c.initialMs)) out.push(`backoff.maxMs must be at least initialMs (${c.initialMs}); got ${c.maxMs}`);
  if (!(c.multiplier >= 1)) out.push(`backoff.multiplier must be at least 1; got ${c.multiplier}`);
  if (!(c.jitter >= 0 && c.jitter <= 1)) out.push(`backoff.jitter must be between 0 and 1; got ${c.jitter}`);
  return out;
}
