/**
 * HTTP status codes Kuma accepts in MeshRetry `retryOn`: those Go's `http.StatusText` names.
 * (Node's `http.STATUS_CODES` differs, e.g. it names 509, so the list is spelled out.)
 */
const RANGES: readonly (readonly [number, number])[] = [
  [100, 103],
  [200, 208],
  [226, 226],
  [300, 305],
  [307, 308],
  [400, 418],
  [421, 426],
  [428, 429],
  [431, 431],
  [451, 451],
  [500, 508],
  [510, 511],
];

/** `503` or `"503"`: digits with an optional sign, as Go's `strconv.Atoi` reads them. */
export function isKnownStatusCode(item: string | number): boolean {
  const code = typeof item === 'number' ? item : /^[+-]?\d+$/.test(item) ? Number(item) : NaN;
  return Number.isInteger(code) && RANGES.some(([lo, hi]) => code >= lo && code <= hi);
}
