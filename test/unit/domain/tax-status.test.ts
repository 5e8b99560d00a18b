import { describe, expect, it } from 'vitest';
import { lineTaxStatus } from '../../../src/domain/tax-status.js';

const IVA = { id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true };

describe("lineTaxStatus (Jumpseller's taxes[] per line)", () => {
  it('is taxed with IVA included in the price', () => {
    expect(lineTaxStatus([IVA])).toEqual({ ok: true, taxAffected: true });
    expect(lineTaxStatus([{ ...IVA, name: 'Impuesto al valor agregado' }])).toEqual({ ok: true, taxAffected: true });
  });

  it('is exento without IVA: no taxes at all, or only 0 % ones', () => {
    expect(lineTaxStatus([])).toEqual({ ok: true, taxAffected: false });
    expect(lineTaxStatus([{ name: 'Exento', rate: 0 }])).toEqual({ ok: true, taxAffected: false });
  });

  it.each([
    [[IVA, { name: 'ILA', rate: 10, tax_on_product_price: true }], 'ILA (10 %)'],
    [[{ name: 'ILA', rate: 20.5, tax_on_product_price: true }], 'ILA (20.5 %)'],
    [[{ name: 'Fijo', rate: 50, fixed: true, tax_on_product_price: true }], 'Fijo (fixed)'],
    [[{ ...IVA, tax_on_product_price: false }], 'does not include IVA'],
    [[IVA, IVA], 'IVA 2 times'],
  ])('is refused, with the reason, for %j', (taxes, words) => {
    const status = lineTaxStatus(taxes);
    expect(status.ok).toBe(false);
    if (!status.ok) expect(status.reason).toContain(words);
  });
});
