/**
 * Plain aligned text tables in kumactl's layout: left-aligned columns, three spaces between
 * them, no padding after the last column, an empty cell shown as `-` so columns stay readable.
 */
const GAP = '   ';

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => headers.map((_, i) => (row[i] === undefined || row[i] === '' ? '-' : String(row[i]))));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join(GAP)
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
