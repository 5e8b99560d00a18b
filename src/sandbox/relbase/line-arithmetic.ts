/**
 * The relBase simulator's document arithmetic: the SII's way, written from the reference
 * (shared/reference/chile-dte.md B4) and never from this project's own domain code, so that a
 * document the service plans wrongly comes out wrong here too.
 *
 * - A line discount percentage is rounded to 2 decimals, half up, before use: the SII's
 *   `DescuentoPct` holds no more, and relBase is assumed to round what it is sent silently rather
 *   than refuse it (relbase-api.md's contract allows decimals). Silent rounding is the harsher of
 *   the two for a client: a refusal would show at once, a rounded line only in the total.
 * - A line's amount is the amount first, then the discount on it, each rounded half away from zero:
 *   MontoItem = round(q × p) − round(round(q × p) × pct / 100) (LibreDTE `NormalizeDetalleTrait`).
 * - Header amounts: see documentAmounts.
 *
 * Floats get half-way cases wrong: 35 × 90 / 100 is 31.499999999999996 in binary floating point,
 * so `Math.round` gives 31 where the SII (working in decimals) gives 32. Every JSON number is
 * therefore taken as the decimal its shortest round-trip string spells (the decimal the sender
 * wrote: "12.5", "0.1"), turned into an exact fraction of BigInts, and rounded exactly.
 */

/** num/den with den > 0. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** IVA in percent (chile-dte.md B4). */
export const IVA_PERCENT = 19n;

/** The exact decimal value a JSON number was written as. */
export function exactDecimal(x: number): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const [mantissa = '0', exponent = '0'] = String(x).toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.');
  let num = BigInt(whole + fraction);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    num *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { num: negative ? -num : num, den: 10n ** BigInt(scale) };
}

/** Rounds to the nearest integer, halves away from zero. */
export function roundHalfUp({ num, den }: Fraction): number {
  if (num < 0n) return -roundHalfUp({ num: -num, den });
  return Number((2n * num + den) / (2n * den));
}

/** A discount percentage as the SII holds it: 2 decimals, rounded half up (6.173 → 6.17, 12.345 → 12.35). */
export function roundPercent(discountPercent: number): number {
  return percentHundredths(discountPercent) / 100;
}

function percentHundredths(discountPercent: number): number {
  const d = exactDecimal(discountPercent);
  return roundHalfUp({ num: d.num * 100n, den: d.den });
}

/** The SII's line amount: round(q × p) − round(round(q × p) × pct / 100), pct first rounded to 2 decimals. */
export function lineAmount(quantity: number, price: number, discountPercent = 0): number {
  const q = exactDecimal(quantity);
  const p = exactDecimal(price);
  const amount = BigInt(roundHalfUp({ num: q.num * p.num, den: q.den * p.den }));
  const hundredths = BigInt(percentHundredths(discountPercent));
  return Number(amount) - roundHalfUp({ num: amount * hundredths, den: 10_000n });
}

export interface DocumentAmounts {
  amount_neto: number;
  amount_iva: number;
  amount_exempt: number;
  amount_total: number;
}

export interface AmountLine {
  amount: number;
  taxAffected: boolean;
}

/**
 * Header amounts from line amounts (chile-dte.md B4); exempt lines add to the total without IVA.
 * - Boleta (39), gross lines (`mnt_bruto`): the taxed total includes IVA, neto = round(total / 1.19),
 *   IVA = total − neto.
 * - Factura (33), net lines: neto = Σ lines, IVA = round(neto × 0.19).
 * - Factura sent with gross lines: a factura is computed from net lines, so each gross line is first
 *   taken to its net, round(line / 1.19), as relBase records `real_amount_neto` for a gross price
 *   (B4), then IVA = round(neto × 0.19). ASSUMED, and on purpose the pessimistic reading of
 *   `mnt_bruto` on a 33: the total may then miss the gross sum by a peso or more.
 * - Boleta sent with net lines (`IndMntNeto`): neto = Σ lines, IVA = round(neto × 0.19).
 * `taxDocument` is the document's SII type: 39 or 33 (a nota de venta's `type_document_sii`).
 */
export function documentAmounts(lines: AmountLine[], mntBruto: boolean, taxDocument: number): DocumentAmounts {
  const taxedLines = lines.filter((l) => l.taxAffected).map((l) => BigInt(l.amount));
  const exempt = lines.filter((l) => !l.taxAffected).reduce((s, l) => s + l.amount, 0);
  const taxed = taxedLines.reduce((s, a) => s + a, 0n);
  if (mntBruto && taxDocument !== 33) {
    const neto = roundHalfUp({ num: taxed * 100n, den: 100n + IVA_PERCENT });
    return { amount_neto: neto, amount_iva: Number(taxed) - neto, amount_exempt: exempt, amount_total: Number(taxed) + exempt };
  }
  const neto = mntBruto ? taxedLines.reduce((s, a) => s + roundHalfUp({ num: a * 100n, den: 100n + IVA_PERCENT }), 0) : Number(taxed);
  const iva = roundHalfUp({ num: BigInt(neto) * IVA_PERCENT, den: 100n });
  return { amount_neto: neto, amount_iva: iva, amount_exempt: exempt, amount_total: neto + iva + exempt };
}
