/**
 * @module lib/table
 * Borderless, left-aligned table like dapr/cli's `utils.PrintTable`: upper-case headers, columns
 * separated by at least two spaces.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
