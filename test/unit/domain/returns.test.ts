/** A partial return's arithmetic: each unit at its list price less its share of the line's discount, to the peso. */
import { describe, expect, it } from 'vitest';
import { returnCredit, returnLines, soldProducts, worthOfUnits, type ReturnableLine } from '../../../src/domain/returns.js';

/** The line amount under the contract's rule (relbase-api.md): round_half_up(q × p × (1 − pct/100)), written out here. */
const lineAmount = (l: ReturnableLine) => Math.floor(l.quantity * l.price * (1 - (l.discount ?? 0) / 100) + 0.5);

// 3 × 9 990 with 1 500 off: 29 970 − 1 500 = 28 470, i.e. 5.005005...% would not do; 1 500 / 29 970 rounds to 5.01 %.
const polera: ReturnableLine = { product_id: 7, quantity: 3, price: 9990, discount: 5.01, tax_affected: true };
const gorro: ReturnableLine = { product_id: 8, quantity: 1, price: 4990, tax_affected: true };

describe('worthOfUnits and returnCredit', () => {
  const sold = soldProducts([polera]).get(7)!;

  it('adds up the lines of a product: units, list price and what they charged', () => {
    expect(sold).toEqual({ productId: 7, quantity: 3, listPrice: 9990, amount: lineAmount(polera), taxAffected: true });
    expect(lineAmount(polera)).toBe(28_469);
  });

  it('one unit: its price less a third of the discount, rounded half up', () => {
    // discount = 29 970 − 28 469 = 1 501; a third is 500.33 → 500.
    expect(worthOfUnits(sold, 1)).toBe(9990 - 500);
    expect(returnCredit(sold, 0, 1)).toBe(9490);
  });

  it('returns in any split credit exactly the line amount once every unit is back', () => {
    expect(returnCredit(sold, 0, 1) + returnCredit(sold, 1, 1) + returnCredit(sold, 2, 1)).toBe(28_469);
    expect(returnCredit(sold, 0, 2) + returnCredit(sold, 2, 1)).toBe(28_469);
    expect(returnCredit(sold, 0, 3)).toBe(28_469);
    // The second unit takes the rounding the first one left: 1 001 of discount for two units.
    expect(returnCredit(sold, 1, 1)).toBe(9990 - 501);
  });

  it('a product sold without discount credits its price', () => {
    expect(returnCredit(soldProducts([gorro]).get(8)!, 0, 1)).toBe(4990);
  });

  it('a line split in two parts (list price with a percentage, one unit at the price charged) is one product', () => {
    const parts: ReturnableLine[] = [
      { product_id: 9, quantity: 2, price: 1000, discount: 10 },
      { product_id: 9, quantity: 1, price: 899 },
    ];
    const s = soldProducts(parts).get(9)!;
    expect(s).toMatchObject({ quantity: 3, listPrice: 1000, amount: 1800 + 899 });
    // discount 301 over 3 units: 100.33 → 100 for the first, 201 for two, 301 for three.
    expect([returnCredit(s, 0, 1), returnCredit(s, 1, 1), returnCredit(s, 2, 1)]).toEqual([900, 899, 900]);
  });

  it('refuses more units than were sold', () => {
    expect(() => worthOfUnits(sold, 4)).toThrow(/between 0 and the 3 sold/);
  });
});

describe('returnLines', () => {
  const doc = [polera, gorro, { product_id: 99, quantity: 1, price: 3990, tax_affected: true }];

  it("writes the credit as lines whose amounts, under relBase's rule, land on it", () => {
    const r = returnLines(doc, [{ sku: 'P', productId: 7, quantity: 1 }], {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.taxed).toBe(9490);
    expect(r.exempt).toBe(0);
    expect(r.lines.every((l) => l.product_id === 7 && l.tax_affected === true)).toBe(true);
    expect(r.lines.reduce((n, l) => n + l.quantity, 0)).toBe(1);
    expect(r.lines.reduce((n, l) => n + lineAmount(l), 0)).toBe(9490);
  });

  it('counts earlier returns: refuses what would exceed the sale, with how many are left', () => {
    const r = returnLines(doc, [{ sku: 'P', productId: 7, quantity: 2 }], { '7': 2 });
    expect(r).toEqual({
      ok: false,
      reason: 'returning 2 of P would credit more than was sold: the document sold 3 and earlier credit notes already returned 2, so at most 1 can still be returned',
    });
    const last = returnLines(doc, [{ sku: 'P', productId: 7, quantity: 1 }], { '7': 2 });
    expect(last.ok && last.taxed).toBe(28_469 - 9490 - 9489);
  });

  it('refuses a product not on the document, a SKU listed twice and a quantity below 1', () => {
    expect(returnLines(doc, [{ sku: 'X', productId: 1, quantity: 1 }], {})).toMatchObject({ ok: false, reason: /not on the order's document/ });
    expect(
      returnLines(
        doc,
        [
          { sku: 'P', productId: 7, quantity: 1 },
          { sku: 'P', productId: 7, quantity: 1 },
        ],
        {},
      ),
    ).toMatchObject({ ok: false, reason: /listed twice/ });
    expect(returnLines(doc, [{ sku: 'P', productId: 7, quantity: 0 }], {})).toMatchObject({ ok: false, reason: /at least 1/ });
    expect(returnLines(doc, [], {})).toMatchObject({ ok: false });
  });

  it('an exempt product credits on the exempt side', () => {
    const r = returnLines([{ product_id: 3, quantity: 2, price: 500, tax_affected: false }], [{ sku: 'E', productId: 3, quantity: 1 }], {});
    expect(r).toMatchObject({ ok: true, taxed: 0, exempt: 500 });
  });
});
