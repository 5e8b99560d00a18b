import { describe, expect, it } from 'vitest';
import type { BuildLinesOptions, DocumentLine, OrderForDocument, OrderLineInput, ProductLinks } from '../../../src/domain/order-lines.js';
import { buildDocumentLines } from '../../../src/domain/order-lines.js';
import { contractLineAmount, siiLineAmount } from './fiscal-oracle.js';
import { seededRandom } from './seeded-random.js';

const SHIPPING_PRODUCT = 900;

function line(sku: string | null, quantity: number, unitPrice: number, lineDiscount = 0): OrderLineInput {
  return { sku, name: `Product ${sku ?? '?'}`, quantity, unitPrice, lineDiscount };
}

/** An order whose total is what Jumpseller would charge for these lines, discount and shipping. */
function order(
  lines: OrderLineInput[],
  { orderDiscount = 0, shipping = 0, shippingDiscount = 0 }: { orderDiscount?: number; shipping?: number; shippingDiscount?: number } = {},
): OrderForDocument {
  const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  return { currency: 'CLP', lines, orderDiscount, shipping, shippingDiscount, total: subtotal - orderDiscount + shipping - shippingDiscount };
}

function linksFor(o: OrderForDocument, shippingProductId: number | null = SHIPPING_PRODUCT): ProductLinks {
  const productIdsBySku: Record<string, number> = {};
  o.lines.forEach((l, index) => {
    if (l.sku) productIdsBySku[l.sku.trim()] = 1000 + index;
  });
  return { productIdsBySku, shippingProductId };
}

/**
 * The document must charge exactly what the customer paid, and relBase must compute each line as we
 * did, whether it follows the contract's rounding or the SII's (fiscal-oracle.ts, no domain code).
 */
function expectConsistent(o: OrderForDocument, lines: readonly DocumentLine[], total: number): void {
  expect(total).toBe(o.total);
  expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(o.total);
  for (const l of lines) {
    expect(contractLineAmount(l.quantity, l.price, l.discountPct), JSON.stringify(l)).toBe(l.amount);
    expect(siiLineAmount(l.quantity, l.price, l.discountPct), JSON.stringify(l)).toBe(l.amount);
  }
  const productLines = lines.filter((l) => l.sku !== null);
  const discounts = productLines.map((l) => (o.lines[l.orderLine ?? -1]?.unitPrice ?? 0) * l.quantity - l.amount);
  expect(discounts.reduce((sum, d) => sum + d, 0)).toBe(o.orderDiscount);
  o.lines.forEach((line, index) => {
    const own = discounts.filter((_, k) => productLines[k]?.orderLine === index).reduce((sum, d) => sum + d, 0);
    expect(own).toBeGreaterThanOrEqual(line.lineDiscount);
  });
}

function build(o: OrderForDocument, links: ProductLinks = linksFor(o), options?: BuildLinesOptions) {
  return buildDocumentLines(o, links, options);
}

function expectOk(o: OrderForDocument, links: ProductLinks = linksFor(o)): readonly DocumentLine[] {
  const result = build(o, links);
  if (!result.ok) throw new Error(`expected lines, got ${JSON.stringify(result)}`);
  expectConsistent(o, result.lines, result.total);
  return result.lines;
}

function expectHold(o: OrderForDocument, links: ProductLinks = linksFor(o), options?: BuildLinesOptions): string {
  const result = build(o, links, options);
  if (result.ok || result.kind !== 'hold') throw new Error(`expected a hold, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('buildDocumentLines', () => {
  it('spreads a 10 % coupon over three lines', () => {
    // 19 980 + 4 990 + 5 970 = 30 940; 10 % = 3 094
    const o = order([line('A', 2, 9990), line('B', 1, 4990), line('C', 3, 1990)], { orderDiscount: 3094 });
    const lines = expectOk(o);
    expect(lines.map((l) => l.amount)).toEqual([17982, 4491, 5373]);
    expect(lines.map((l) => l.discountPct)).toEqual([10, 10, 10]);
    expect(lines.map((l) => l.productId)).toEqual([1000, 1001, 1002]);
    expect(lines.map((l) => l.price)).toEqual([9990, 4990, 1990]);
  });

  it('spreads a fixed 1000 coupon over awkward prices', () => {
    const o = order([line('A', 3, 9990), line('B', 1, 4990), line('C', 7, 1)], { orderDiscount: 1000 });
    const lines = expectOk(o);
    // shares 857.09…, 142.70…, 0.20…
    expect(lines.map((l) => l.quantity * l.price - l.amount)).toEqual([857, 143, 0]);
    expect(lines.map((l) => l.amount)).toEqual([29113, 4847, 7]);
    expect(lines.map((l) => l.discountPct)).toEqual([2.86, 2.87, 0]);
  });

  it('keeps a per-product promotion on its line and spreads the coupon on what is left', () => {
    // A: 2 × 10 000 with 4 000 off (20 %); then a 10 % coupon on 16 000 + 5 000 = 2 100
    const o = order([line('A', 2, 10000, 4000), line('B', 1, 5000)], { orderDiscount: 6100 });
    const lines = expectOk(o);
    expect(lines.map((l) => l.quantity * l.price - l.amount)).toEqual([5600, 500]);
    expect(lines.map((l) => l.discountPct)).toEqual([28, 10]);
  });

  it('adds no shipping line when shipping is free', () => {
    const o = order([line('A', 1, 11990)], { shipping: 3990, shippingDiscount: 3990 });
    const lines = expectOk(o);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.sku).toBe('A');
  });

  it('adds a shipping line for the shipping actually charged', () => {
    const o = order([line('A', 1, 11990)], { shipping: 3990 });
    const lines = expectOk(o);
    expect(lines).toEqual([
      { productId: 1000, sku: 'A', quantity: 1, price: 11990, discountPct: 0, amount: 11990, taxAffected: true, orderLine: 0 },
      { productId: SHIPPING_PRODUCT, sku: null, quantity: 1, price: 3990, discountPct: 0, amount: 3990, taxAffected: true, orderLine: null },
    ]);
  });

  it('charges shipping net of a partial shipping discount', () => {
    const o = order([line('A', 1, 11990)], { shipping: 3990, shippingDiscount: 1000 });
    const lines = expectOk(o);
    expect(lines[1]).toMatchObject({ price: 2990, discountPct: 0, amount: 2990 });
  });

  it('holds with all the numbers when the total does not match', () => {
    const o = { ...order([line('A', 2, 9990)], { orderDiscount: 1000, shipping: 3990 }), total: 25000 };
    const reason = expectHold(o);
    for (const number of ['22970', '19980', '1000', '3990', '25000']) expect(reason).toContain(number);
  });

  it('accepts float money from Jumpseller', () => {
    const o: OrderForDocument = { currency: 'clp', lines: [line('A', 1, 11990.0)], orderDiscount: 0.0, shipping: 0.0, shippingDiscount: 0, total: 11990.000000000002 };
    expect(expectOk({ ...o, total: 11990 })).toHaveLength(1);
    expect(build(o).ok).toBe(true);
  });

  it('uses the same product for two lines with one SKU', () => {
    const o = order([line('A', 1, 1000), line(' A ', 2, 1000)]);
    const lines = expectOk(o, { productIdsBySku: { A: 7 }, shippingProductId: null });
    expect(lines.map((l) => [l.productId, l.sku])).toEqual([
      [7, 'A'],
      [7, 'A'],
    ]);
  });

  it('lists the SKUs that are not linked yet, once each, as its own kind of result', () => {
    const o = order([line('A', 1, 1000), line('B', 1, 1000), line('C', 1, 1000), line('B', 1, 500)]);
    expect(build(o, { productIdsBySku: { A: 1 }, shippingProductId: null })).toEqual({ ok: false, kind: 'missing_products', skus: ['B', 'C'] });
  });

  it('does not find a SKU named like an Object property', () => {
    const o = order([line('constructor', 1, 1000)]);
    expect(build(o, { productIdsBySku: {}, shippingProductId: null })).toEqual({ ok: false, kind: 'missing_products', skus: ['constructor'] });
  });

  it('holds rather than waiting for products when syncing them would not be enough', () => {
    const o = { ...order([line('A', 1, 1000)]), total: 999 };
    expect(build(o, { productIdsBySku: {}, shippingProductId: null })).toMatchObject({ ok: false, kind: 'hold' });
  });

  it('holds when shipping was charged but there is no shipping product', () => {
    const o = order([line('A', 1, 1000)], { shipping: 3990 });
    expect(expectHold(o, linksFor(o, null))).toContain('shipping product');
  });

  it.each([
    ['USD', 'USD'],
    ['', 'no currency'],
  ])('holds an order in %j', (currency, words) => {
    expect(expectHold({ ...order([line('A', 1, 1000)]), currency })).toContain(words);
  });

  it('holds amounts that are not whole pesos, naming each one', () => {
    const o: OrderForDocument = { currency: 'CLP', lines: [line('A', 1, 399.5, 0.5)], orderDiscount: 0.5, shipping: 0, shippingDiscount: 0, total: 399 };
    const reason = expectHold(o);
    expect(reason).toContain('unit price is 399.5');
    expect(reason).toContain('discount is 0.5');
    expect(reason).toContain('order discount is 0.5');
  });

  it.each([
    [null, 'has no SKU'],
    ['  ', 'has no SKU'],
  ])('holds a line with SKU %j', (sku, words) => {
    expect(expectHold(order([line('A', 1, 1000), line(sku, 1, 1000)]))).toContain(`line 2 (Product ${sku ?? '?'}) ${words}`);
  });

  it.each([0, -1, 1.5])('holds quantity %d', (quantity) => {
    expect(expectHold(order([line('A', quantity, 1000)]))).toContain(`quantity ${quantity}`);
  });

  it('holds an order with no lines', () => {
    expect(expectHold(order([]))).toContain('no products');
  });

  it('holds negative amounts', () => {
    expect(expectHold(order([line('A', 1, -1000)]))).toContain('-1000');
  });

  it('holds a line discount larger than the line', () => {
    expect(expectHold({ ...order([line('A', 1, 1000, 1001)], { orderDiscount: 1001 }), total: 0 })).toContain('discount 1001 is more than its amount');
  });

  it('holds an order discount smaller than the lines’ own discounts', () => {
    expect(expectHold(order([line('A', 1, 1000, 200)], { orderDiscount: 100 }))).toMatch(/100 .*200/);
  });

  it('holds an order discount larger than the products', () => {
    expect(expectHold({ ...order([line('A', 1, 1000)], { orderDiscount: 1500 }), total: 0 })).toMatch(/order discount 1500 .* more than the products' amount 1000/);
  });

  it('holds shipping discounts larger than the shipping', () => {
    expect(expectHold(order([line('A', 1, 1000)], { shipping: 1000, shippingDiscount: 2000 }))).toContain('2000');
  });

  it('writes a single unit no 2-decimal percentage fits at the price charged for it', () => {
    // The example: 19 990 with 1 234 off needs 6.173 %; 6.17 % would charge 18 757.
    expect(expectOk(order([line('A', 1, 19_990, 1234)], { orderDiscount: 1234 }))).toMatchObject([{ sku: 'A', quantity: 1, price: 18_756, discountPct: 0, amount: 18_756 }]);
    expect(expectOk(order([line('A', 1, 300_000_000, 1)], { orderDiscount: 1 }))).toMatchObject([{ price: 299_999_999, amount: 299_999_999 }]);
  });

  it('splits several units no 2-decimal percentage fits into two lines at the list price, each exact', () => {
    const lines = expectOk(order([line('A', 3, 19_990, 1234)], { orderDiscount: 1234 }));
    expect(lines).toMatchObject([
      { sku: 'A', quantity: 2, price: 19_990, orderLine: 0 },
      { sku: 'A', quantity: 1, price: 19_990, orderLine: 0 },
    ]);
    expect(lines.map((l) => String(l.discountPct).split('.')[1]?.length ?? 0).every((decimals) => decimals <= 2)).toBe(true);
    expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(3 * 19_990 - 1234);
  });

  it('moves coupon pesos between lines so that they stay whole lines rather than splitting', () => {
    // 10 % of 3 × 19 990 + 2 × 14 990 = 8 995 spread in proportion would need odd percentages on both.
    const o = order([line('A', 3, 19_990), line('B', 2, 14_990)], { orderDiscount: 8995 });
    const lines = expectOk(o);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.discountPct)).toEqual([10, 10]);
  });

  it('issues exactly what was paid for generated orders', () => {
    const random = seededRandom(33);
    for (let i = 0; i < 1500; i++) {
      const lines = Array.from({ length: random.int(1, 8) }, (_, index) => {
        const quantity = random.int(1, 10);
        const unitPrice = random.pick([1, 990, 1990, 9990, random.int(1, 200_000)]);
        const promo = random.int(0, 3) === 0 ? random.int(0, quantity * unitPrice) : 0;
        return line(`SKU-${index}`, quantity, unitPrice, promo);
      });
      const afterPromos = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice - l.lineDiscount, 0);
      const coupon = random.pick([0, Math.round(afterPromos * 0.1), random.int(0, afterPromos), Math.min(1000, afterPromos)]);
      const shipping = random.pick([0, 2990, 3990]);
      const shippingDiscount = random.pick([0, shipping]);
      const orderDiscount = lines.reduce((sum, l) => sum + l.lineDiscount, 0) + coupon;
      const o = order(lines, { orderDiscount, shipping, shippingDiscount });
      const result = build(o);
      if (o.total === 0) {
        // Issue 15: no document for a $0 order.
        expect(result).toMatchObject({ ok: false, kind: 'hold' });
        continue;
      }
      if (!result.ok) throw new Error(`${JSON.stringify(o)} → ${JSON.stringify(result)}`);
      expectConsistent(o, result.lines, result.total);
      // A line is split in two at most.
      expect(result.lines.length).toBeGreaterThanOrEqual(lines.length + (shipping - shippingDiscount > 0 ? 1 : 0));
      expect(result.lines.length).toBeLessThanOrEqual(2 * lines.length + 1);
    }
  });
});
