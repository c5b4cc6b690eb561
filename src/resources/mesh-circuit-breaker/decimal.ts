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
