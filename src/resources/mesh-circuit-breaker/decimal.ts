/**
 * Kuma's "int or decimal represented as string" values (standardDeviationFactor,
 * healthyPanicThreshold): `1900`, `"1.9"`, `"-3"`, and `"1e3"` as Kuma's decimal parser reads
 * it. Envoy takes the stdev factor in thousandths and the panic threshold as a double percent.
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number a schema-checked int-or-string means, or undefined when the string is not a decimal. */
export function decimalOf(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** Envoy's `success_rate_stdev_factor`: the factor in whole thousandths, truncated as Kuma does (`1.9` -> 1900). */
export function thousandths(factor: number): number {
  // toPrecision drops binary noise first: 1.9 * 1000 is 1899.9999999999998 in floating point.
  return Math.trunc(Number((factor * 1000).toPrecision(12)));
}

/** The largest factor whose thousandths fit Envoy's uint32. */
export const MAX_STDEV_FACTOR = 4294967;
