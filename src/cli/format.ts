/** Plain-text output for terminals: aligned tables and a progress bar. */

/** Any JSON value as text: objects as JSON, arrays comma-separated, null and undefined empty. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`;
  return JSON.stringify(v) ?? '';
}

export function table(rows: Record<string, unknown>[], columns: { key: string; title: string; max?: number }[]): string {
  if (rows.length === 0) return '(none)\n';
  const cell = (v: unknown, max = 80) => {
    const s = text(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  const cells = rows.map((r) => columns.map((c) => cell(r[c.key], c.max)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${Math.round(ratio * 100)}%`;
}

/** Key/value lines, nested objects indented. */
export function describe(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return `${indent}${text(value)}\n`;
  let out = '';
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out += `${indent}${k}:\n${describe(v, `${indent}  `)}`;
    else if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object')) {
      out += `${indent}${k}:\n`;
      for (const item of v) out += `${indent}  - ${JSON.stringify(item)}\n`;
    } else out += `${indent}${k}: ${text(v)}\n`;
  }
  return out;
}
