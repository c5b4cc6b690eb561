/**
 * The AGE column: the time since a moment in the largest whole unit, as kumactl shows it
 * (`5s`, `3m`, `2h`, `4d`, `1y`). A moment slightly in the future (clock skew) reads `0s`.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

export function formatAge(since: Date, now: Date): string {
  const ms = now.getTime() - since.getTime();
  if (Number.isNaN(ms)) return 'unknown';
  if (ms < MINUTE) return `${Math.max(0, Math.floor(ms / SECOND))}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h`;
  if (ms < YEAR) return `${Math.floor(ms / DAY)}d`;
  return `${Math.floor(ms / YEAR)}y`;
}
