/**
 * Go duration strings as Kuma writes them (`10s`, `1m30s`, `250ms`, `1.5h`), already checked for
 * shape by the schema's `s.duration()`. Policies compare durations, so they need their length.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds in a schema-checked duration (fractions allowed; `0s` is 0). */
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}
