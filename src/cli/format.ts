/**
 * Plain-text output for terminals: aligned tables and a progress bar, and the one rule for printing
 * data: it passes through `terminalSafe` first.
 */

/** ANSI escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ESC \\`) and the two-character ones. */
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
/**
 * What a terminal may act on rather than show: C0 controls (BEL, CR, backspace, ESC…), DEL, C1
 * controls (U+009B is a one-character CSI), the line and paragraph separators, and the bidirectional
 * overrides that make text read differently from what it is. Tab and newline become spaces.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the service (customer checkout fields, reasons, store names, API error messages) made
 * safe to print: escape sequences and control characters removed, line breaks and tabs turned into
 * spaces, so no value can move the cursor, rewrite a line, ring the bell or fake another line.
 */
export function terminalSafe(s: string): string {
  return s
    .replace(ANSI_SEQUENCE, '')
    .replace(/[\t\n]/g, ' ')
    .replace(CONTROL, '');
}

/** The same for every string inside a JSON value (keys too), for `--json` and for tables alike. */
export function terminalSafeJson<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => terminalSafeJson(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [terminalSafe(k), terminalSafeJson(v)])) as T;
  }
  return value;
}

/** Any JSON value as text: objects as JSON, arrays comma-separated, null and undefined empty. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'string') return terminalSafe(v);
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`;
  return terminalSafe(JSON.stringify(v) ?? '');
}

export function table(rows: Record<string, unknown>[], columns: { key: string; title: string; max?: number }[]): string {
  if (rows.length === 0) return '(none)\n';
  const cell = (v: unknown, max = 80) => {
    const s = text(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  const cells = rows.map((r) => columns.map((c) => cell(r[c.key], c.max)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
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
    const key = terminalSafe(k);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out += `${indent}${key}:\n${describe(v, `${indent}  `)}`;
    else if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object')) {
      out += `${indent}${key}:\n`;
      for (const item of v) out += `${indent}  - ${terminalSafe(JSON.stringify(item))}\n`;
    } else out += `${indent}${key}: ${text(v)}\n`;
  }
  return out;
}
