import type { DocumentAmounts } from './document-amounts.js';

/** A relBase document's header as it came back (`GET /dtes/{id}` or the POST answer); absent amounts are not checked. */
export interface IssuedHeader {
  readonly amount_total: number | null | undefined;
  readonly amount_neto?: number | null | undefined;
  readonly amount_iva?: number | null | undefined;
  readonly amount_exempt?: number | null | undefined;
}

/** Whether a document relBase issued says what the plan expected, and if not, what differs. */
export type IssuedCheck =
  | { readonly matches: true }
  | {
      readonly matches: false;
      /** For people: every amount that differs, relBase's figure against the plan's. */
      readonly reason: string;
      readonly differences: readonly { readonly field: keyof DocumentAmounts; readonly relbase: number | null; readonly expected: number }[];
    };

const FIELDS: readonly [keyof DocumentAmounts, keyof IssuedHeader, string][] = [
  ['total', 'amount_total', 'total'],
  ['neto', 'amount_neto', 'neto'],
  ['iva', 'amount_iva', 'IVA'],
  ['exempt', 'amount_exempt', 'exento'],
];

/**
 * Compares relBase's header amounts with the plan's expected amounts (relBase's header is the
 * authoritative record, chile-dte.md B4). The total must be there and equal; neto, IVA and exento
 * are compared when relBase reports them, because a boleta whose exempt line relBase taxed has the
 * right total and the wrong IVA. The caller treats a mismatch as needs-attention, never as issued.
 */
export function checkIssuedAmounts(header: IssuedHeader, expected: DocumentAmounts): IssuedCheck {
  const differences: { field: keyof DocumentAmounts; relbase: number | null; expected: number }[] = [];
  for (const [field, key] of FIELDS) {
    const value = header[key];
    const given = typeof value === 'number' && Number.isFinite(value) ? value : null;
    if (given === null && field !== 'total') continue;
    if (given !== expected[field]) differences.push({ field, relbase: given, expected: expected[field] });
  }
  if (differences.length === 0) return { matches: true };
  const parts = differences.map(({ field, relbase, expected: wanted }) => {
    const label = FIELDS.find(([f]) => f === field)?.[2] ?? field;
    return `${label} ${relbase === null ? 'missing' : formatPesos(relbase)} where ${formatPesos(wanted)} was expected`;
  });
  return { matches: false, reason: `relBase's document amounts differ from the order's: ${parts.join('; ')}`, differences };
}

function formatPesos(amount: number): string {
  return `$${String(amount).replace(/\B(?=(\d{3})+$)/g, '.')}`;
}
