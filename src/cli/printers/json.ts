/** `-o json`: one item as an object, a list as an array of items; two-space indent. */
export function printJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
