/** IVA, the only tax this service's documents carry, in percent (chile-dte.md B4). */
export const IVA_PERCENT = 19;

/** One entry of a Jumpseller line's `taxes[]` (jumpseller-api.md §2), as the rules need it. */
export interface LineTax {
  readonly name?: string | null;
  readonly rate: number;
  readonly fixed?: boolean | null;
  /** True when the line price already includes this tax (Chilean stores: IVA included). */
  readonly tax_on_product_price?: boolean | null;
}

/** Whether a line carries IVA, or why this service cannot document it. */
export type LineTaxStatus = { readonly ok: true; readonly taxAffected: boolean } | { readonly ok: false; readonly reason: string };

/**
 * A line's tax status from Jumpseller's `taxes[]`: a line with no IVA is exento (issue 15), a line
 * whose only tax is a 19 % IVA included in its price is afecto. Refused, so the order is held:
 * - IVA not included in the price (`tax_on_product_price: false`): the line price would be net and
 *   Jumpseller's own rounding of the IVA added on top is not known to us;
 * - any other tax (a fixed amount, or a rate other than 19 %, such as ILA on drinks): these
 *   documents carry no additional taxes, and `MntBruto` is only allowed without them (chile-dte.md B4).
 * Taxes are told apart by rate, not name: names are whatever the store typed.
 */
export function lineTaxStatus(taxes: readonly LineTax[]): LineTaxStatus {
  const charged = taxes.filter((tax) => tax.fixed === true || tax.rate !== 0);
  if (charged.length === 0) return { ok: true, taxAffected: false };
  const others = charged.filter((tax) => tax.fixed === true || tax.rate !== IVA_PERCENT);
  if (others.length > 0) {
    const names = others.map((tax) => `${tax.name ?? 'a tax'} (${tax.fixed === true ? 'fixed' : `${tax.rate} %`})`).join(', ');
    return { ok: false, reason: `it carries ${names}; documents from this service carry no tax but IVA` };
  }
  if (charged.length > 1) return { ok: false, reason: `it carries IVA ${charged.length} times` };
  if (charged.some((tax) => tax.tax_on_product_price !== true)) {
    return { ok: false, reason: 'its price does not include IVA (tax_on_product_price is false); only IVA-included prices are supported' };
  }
  return { ok: true, taxAffected: true };
}
