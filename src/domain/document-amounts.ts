import { IVA_PERCENT } from './tax-status.js';

/** A document's header amounts in whole pesos, as relBase reports them (`amount_neto`, `amount_iva`, `amount_exempt`, `amount_total`). */
export interface DocumentAmounts {
  readonly neto: number;
  readonly iva: number;
  readonly exempt: number;
  readonly total: number;
}

/**
 * How a document's line prices are written. `gross`: IVA included (boletas; `mnt_bruto: true`), the
 * header splits the taxed total as neto = round(total / 1.19), IVA = total − neto. `net`: without
 * IVA (facturas; `mnt_bruto: false`), neto = Σ taxed lines, IVA = round(neto × 0.19). Both per
 * chile-dte.md B4; exempt lines add to the total without IVA either way.
 */
export type PriceBasis = 'gross' | 'net';

/** IVA on a net amount, rounded half up: round(neto × 0.19) (chile-dte.md B4, facturas). */
export function ivaOnNet(neto: number): number {
  return Number((2n * BigInt(neto) * BigInt(IVA_PERCENT) + 100n) / 200n);
}

/** The net part of an IVA-included amount, rounded half up: round(gross / 1.19). */
export function netOfGross(gross: number): number {
  const scaled = BigInt(gross) * 100n;
  const divisor = BigInt(100 + IVA_PERCENT);
  return Number((2n * scaled + divisor) / (2n * divisor));
}

/** Header amounts of a gross-priced document (a boleta): the taxed total is split, never changed. */
export function grossDocumentAmounts(taxedGross: number, exempt: number): DocumentAmounts {
  const neto = netOfGross(taxedGross);
  return { neto, iva: taxedGross - neto, exempt, total: taxedGross + exempt };
}

/** Header amounts of a net-priced document (a factura): IVA added on the net total. */
export function netDocumentAmounts(neto: number, exempt: number): DocumentAmounts {
  const iva = ivaOnNet(neto);
  return { neto, iva, exempt, total: neto + iva + exempt };
}

/** The net total whose neto + round(neto × 0.19) is a taxed gross total, or the two nearest when none is. */
export type NetForGross =
  | { readonly ok: true; readonly neto: number }
  | { readonly ok: false; readonly below: { readonly neto: number; readonly gross: number }; readonly above: { readonly neto: number; readonly gross: number } };

/**
 * The net amount a factura needs so that the SII's arithmetic lands on `taxedGross`. neto + IVA grows
 * by 1 or 2 pesos per peso of neto (× 1.19), so about 19 gross totals in 119 (one in six) have no
 * such neto: then the nearest below and above are returned (they are one peso away each).
 */
export function netForGross(taxedGross: number): NetForGross {
  const grossWith = (neto: number): number => neto + ivaOnNet(neto);
  const guess = Math.max(0, Math.floor((taxedGross * 100) / (100 + IVA_PERCENT)) - 1);
  let neto = guess;
  while (grossWith(neto + 1) <= taxedGross) neto += 1;
  if (grossWith(neto) === taxedGross) return { ok: true, neto };
  return { ok: false, below: { neto, gross: grossWith(neto) }, above: { neto: neto + 1, gross: grossWith(neto + 1) } };
}
