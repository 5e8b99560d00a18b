/**
 * Independent arithmetic to check documents against: whole numbers and BigInt only, written from
 * chile-dte.md B4 and relbase-api.md's contract, sharing no code with src/domain.
 */

/** A sent percentage as whole hundredths, read from its decimal text; more than 2 decimals is an error. */
export function pctHundredths(pct: number): bigint {
  const text = String(pct);
  if (!/^\d+(\.\d{1,2})?$/.test(text)) throw new Error(`${text} is not a percentage with at most 2 decimals`);
  const [whole = '0', fraction = ''] = text.split('.');
  const hundredths = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (hundredths > 10_000n) throw new Error(`${text} is over 100 %`);
  return hundredths;
}

/** round_half_up(a / b) for a ≥ 0, b > 0. */
function roundDiv(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/** The contract's line: round_half_up(q × p × (1 − pct/100)). Whole quantity and price. */
export function contractLineAmount(quantity: number, price: number, pct: number): number {
  const gross = BigInt(quantity) * BigInt(price);
  return Number(roundDiv(gross * (10_000n - pctHundredths(pct)), 10_000n));
}

/** The SII's line: round(q × p) − round(round(q × p) × pct / 100). */
export function siiLineAmount(quantity: number, price: number, pct: number): number {
  const gross = BigInt(quantity) * BigInt(price);
  return Number(gross - roundDiv(gross * pctHundredths(pct), 10_000n));
}

export interface SentLine {
  readonly quantity: number;
  readonly price: number;
  readonly discountPct: number;
  readonly taxAffected: boolean;
}

export type Rule = 'contract' | 'sii';

export interface Totals {
  readonly neto: number;
  readonly iva: number;
  readonly exempt: number;
  readonly total: number;
}

/**
 * A document's header as the SII computes it from its lines: gross lines (boleta) → neto =
 * round(taxed / 1.19), IVA = taxed − neto; net lines (factura) → IVA = round(neto × 0.19).
 */
export function documentTotals(lines: readonly SentLine[], basis: 'gross' | 'net', rule: Rule): Totals {
  const amount = (l: SentLine): number => (rule === 'sii' ? siiLineAmount : contractLineAmount)(l.quantity, l.price, l.discountPct);
  const taxed = BigInt(lines.filter((l) => l.taxAffected).reduce((s, l) => s + amount(l), 0));
  const exempt = lines.filter((l) => !l.taxAffected).reduce((s, l) => s + amount(l), 0);
  if (basis === 'gross') {
    const neto = roundDiv(taxed * 100n, 119n);
    return { neto: Number(neto), iva: Number(taxed - neto), exempt, total: Number(taxed) + exempt };
  }
  const iva = roundDiv(taxed * 19n, 100n);
  return { neto: Number(taxed), iva: Number(iva), exempt, total: Number(taxed + iva) + exempt };
}

/** True when some net amount N has N + round(N × 0.19) = gross. */
export function reachableByNet(gross: number): boolean {
  for (let n = Math.max(0, Math.floor((gross * 100) / 119) - 3); n <= Math.floor((gross * 100) / 119) + 3; n++) {
    if (n + Number(roundDiv(BigInt(n) * 19n, 100n)) === gross) return true;
  }
  return false;
}
