/**
 * The document arithmetic the project's relBase contract assumes, computed exactly.
 *
 * Floats get half-way cases wrong: 35 × (1 − 90/100) is 3.4999999999999996 in binary floating point,
 * so `Math.round` gives 3 where relBase (working in decimals) gives 4. Every JSON number is therefore
 * taken as the decimal its shortest round-trip string spells (the decimal the sender wrote: "12.5",
 * "0.1"), turned into an exact fraction of BigInts, and rounded once at the end, half away from zero
 * (PHP and Ruby `round`, which Chilean DTE software uses).
 */

/** num/den with den > 0. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

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

/** round_half_up(quantity × price × (1 − discount/100)), discount a percentage. */
export function lineAmount(quantity: number, price: number, discountPercent = 0): number {
  const q = exactDecimal(quantity);
  const p = exactDecimal(price);
  const d = exactDecimal(discountPercent);
  return roundHalfUp({
    num: q.num * p.num * (100n * d.den - d.num),
    den: q.den * p.den * d.den * 100n,
  });
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
 * Header amounts from line amounts. Gross lines (`mnt_bruto`, boletas): the taxed total includes
 * IVA, neto = round(total / 1.19), IVA = total − neto. Net lines (facturas): neto = Σ lines,
 * IVA = round(neto × 0.19). Exempt lines add to the total without IVA either way.
 */
export function documentAmounts(lines: AmountLine[], mntBruto: boolean): DocumentAmounts {
  const taxed = lines.filter((l) => l.taxAffected).reduce((s, l) => s + l.amount, 0);
  const exempt = lines.filter((l) => !l.taxAffected).reduce((s, l) => s + l.amount, 0);
  if (mntBruto) {
    const neto = roundHalfUp({ num: BigInt(taxed) * 100n, den: 119n });
    return { amount_neto: neto, amount_iva: taxed - neto, amount_exempt: exempt, amount_total: taxed + exempt };
  }
  const iva = roundHalfUp({ num: BigInt(taxed) * 19n, den: 100n });
  return { amount_neto: taxed, amount_iva: iva, amount_exempt: exempt, amount_total: taxed + iva + exempt };
}
