/**
 * Go duration strings as Kuma writes them (`10s`, `1m30s`, `250ms`, `1.5h`), already checked for
 * shape by the schema's `s.duration()`. Policies compare durations, so they need their length.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Go's longest duration (2562047h47m16.854775807s, int64 nanoseconds), in milliseconds: Kuma rejects
 * a longer one when it parses the policy, and Envoy could not be given it (a Duration's seconds
 * would lose integer precision on the way).
 */
export const MAX_DURATION_MS = 9_223_372_036_854.775;

/** Milliseconds in a schema-checked duration (fractions allowed; `0s` is 0). */
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}
