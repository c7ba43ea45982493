/**
 * Number and table formatting shared by the terminal and Markdown writers.
 */

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatGflops(value: number): string {
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatMacs(macs: number): string {
  return macs >= 1e9 ? `${(macs / 1e9).toFixed(2)} G` : `${(macs / 1e6).toFixed(1)} M`;
}

/** A plain-text table with columns padded to their widest cell; `right` columns are right-aligned. */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A GitHub Markdown table; `|` inside cells is escaped. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rule = headers.map((_, i) => (right.has(i) ? '---:' : '---'));
  return [headers, rule, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}
