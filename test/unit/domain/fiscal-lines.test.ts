/**
 * The fiscal rules of issue 15 in the line builder, one example each: exempt lines, facturas in net
 * prices, the factura totals no net amount reaches, free lines, gift cards sold and redeemed, $0
 * orders, taxes this service cannot carry. Totals are re-checked with fiscal-oracle.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BuildLinesOptions, DocumentLinesResult, OrderForDocument, OrderLineInput } from '../../../src/domain/order-lines.js';
import { buildDocumentLines } from '../../../src/domain/order-lines.js';
import { documentTotals } from './fiscal-oracle.js';

const IVA = [{ name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }];

function taxed(sku: string, quantity: number, unitPrice: number, lineDiscount = 0): OrderLineInput {
  return { sku, name: `Product ${sku}`, quantity, unitPrice, lineDiscount, taxes: IVA };
}

function exempt(sku: string, quantity: number, unitPrice: number, lineDiscount = 0): OrderLineInput {
  return { sku, name: `Product ${sku}`, quantity, unitPrice, lineDiscount, taxes: [] };
}

function giftCard(sku: string, unitPrice: number): OrderLineInput {
  return { sku, name: `Gift card ${sku}`, quantity: 1, unitPrice, lineDiscount: 0, taxes: [], type: 'gift_card' };
}

function order(lines: OrderLineInput[], extra: Partial<OrderForDocument> = {}): OrderForDocument {
  const orderDiscount = extra.orderDiscount ?? lines.reduce((s, l) => s + l.lineDiscount, 0);
  const shipping = extra.shipping ?? 0;
  const shippingDiscount = extra.shippingDiscount ?? 0;
  const subtotal = lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
  const total = subtotal - orderDiscount + shipping - shippingDiscount - (extra.giftCardsRedeemed ?? 0);
  return { currency: 'CLP', lines, total, ...extra, orderDiscount, shipping, shippingDiscount };
}

function build(o: OrderForDocument, options?: BuildLinesOptions): DocumentLinesResult {
  const productIdsBySku = Object.fromEntries(o.lines.map((l, i) => [String(l.sku), 1000 + i]));
  return buildDocumentLines(o, { productIdsBySku, shippingProductId: 900 }, options);
}

function ready(result: DocumentLinesResult): Extract<DocumentLinesResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected lines, got ${JSON.stringify(result)}`);
  // relBase, computing either way, must report exactly what the plan expects.
  for (const rule of ['contract', 'sii'] as const) expect(documentTotals(result.lines, result.basis, rule)).toEqual(result.expected);
  return result;
}

function held(result: DocumentLinesResult): string {
  if (result.ok || result.kind !== 'hold') throw new Error(`expected a hold, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('exempt lines', () => {
  it('carry tax_affected false and no IVA on a boleta', () => {
    const result = ready(build(order([taxed('A', 1, 11_900), exempt('B', 1, 5000)])));
    expect(result.lines.map((l) => [l.sku, l.taxAffected])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    expect(result.expected).toEqual({ neto: 10_000, iva: 1900, exempt: 5000, total: 16_900 });
  });

  it('carry their price as charged on a factura, while taxed lines go net', () => {
    const result = ready(build(order([taxed('A', 1, 11_900), exempt('B', 1, 5000)]), { basis: 'net' }));
    expect(result.lines).toMatchObject([
      { sku: 'A', quantity: 1, price: 10_000, discountPct: 0, amount: 10_000, taxAffected: true },
      { sku: 'B', quantity: 1, price: 5000, discountPct: 0, amount: 5000, taxAffected: false },
    ]);
    expect(result.expected).toEqual({ neto: 10_000, iva: 1900, exempt: 5000, total: 16_900 });
  });

  it('hold an order where nothing taxed is charged: its document would be a boleta or factura exenta', () => {
    const reason = held(build(order([exempt('A', 2, 5000)])));
    expect(reason).toContain('exento');
    expect(reason).toContain('41 or 34');
  });

  it('go with taxed shipping on a boleta that is not all exempt', () => {
    const result = ready(build(order([exempt('A', 1, 5000)], { shipping: 3990 })));
    expect(result.lines.map((l) => [l.sku, l.taxAffected])).toEqual([
      ['A', false],
      [null, true],
    ]);
  });

  it('treat a line with no tax at all, or only a 0 % one, as exempt; a missing tax list as taxed (callers from before)', () => {
    const zeroRate = { ...taxed('A', 1, 11_900), taxes: [{ name: 'Exento', rate: 0 }] };
    const legacy: OrderLineInput = { sku: 'B', name: 'B', quantity: 1, unitPrice: 11_900, lineDiscount: 0 };
    const result = ready(build(order([zeroRate, legacy])));
    expect(result.lines.map((l) => l.taxAffected)).toEqual([false, true]);
  });

  it.each([
    [[{ name: 'ILA', rate: 10, tax_on_product_price: true }, ...IVA], 'ILA (10 %)'],
    [[{ name: 'Impuesto fijo', rate: 100, fixed: true, tax_on_product_price: true }], 'fixed'],
    [[{ name: 'IVA', rate: 19, tax_on_product_price: false }], 'does not include IVA'],
  ])('hold a line with taxes this service cannot carry (%j)', (taxes, words) => {
    const reason = held(build(order([{ ...taxed('A', 1, 11_900), taxes }])));
    expect(reason).toContain('line 1 (A, Product A)');
    expect(reason).toContain(words);
  });
});

describe('facturas in net prices', () => {
  it('are written at the net list price, round(price / 1.19), so the SII arithmetic lands on the paid total', () => {
    // 3 × 19 990 + shipping 3 990 = 63 960 paid; neto 53 748 + IVA round(10 212.12) = 63 960.
    const result = ready(build(order([taxed('A', 3, 19_990)], { shipping: 3990 }), { basis: 'net' }));
    expect(result.lines).toMatchObject([
      { sku: 'A', quantity: 3, price: 16_798, discountPct: 0, amount: 50_394 },
      { sku: null, quantity: 1, price: 3354, amount: 3354 },
    ]);
    expect(result.expected).toEqual({ neto: 53_748, iva: 10_212, exempt: 0, total: 63_960 });
    expect(result.paidTotal).toBe(63_960);
  });

  it('write units a peso apart when the net share is above the net list price and nothing else can take it', () => {
    // 59 970 needs neto 50 395; 3 × 16 798 is 50 394: two units at 16 798 and one at 16 799.
    const result = ready(build(order([taxed('A', 3, 19_990)]), { basis: 'net' }));
    expect(result.lines).toMatchObject([
      { quantity: 2, price: 16_798, amount: 33_596 },
      { quantity: 1, price: 16_799, amount: 16_799 },
    ]);
    expect(result.expected.total).toBe(59_970);
  });

  it('hold a total that no net amount reaches, naming the two nearest and what to do', () => {
    // neto 1 002 gives 1 002 + 190 = 1 192, neto 1 003 gives 1 003 + 191 = 1 194: 1 193 cannot be reached.
    const reason = held(build(order([taxed('A', 1, 1193)]), { basis: 'net' }));
    for (const words of ['1193', '1002 gives 1192', '1003 gives 1194', 'boleta', 'unreachableFacturaTotal']) expect(reason).toContain(words);
  });

  it('under one_peso_below, are issued one peso under such a total, with a note', () => {
    const result = ready(build(order([taxed('A', 1, 1193)]), { basis: 'net', unreachableNetTotal: 'one_peso_below' }));
    expect(result.lines).toMatchObject([{ quantity: 1, price: 1002, amount: 1002 }]);
    expect(result.expected).toEqual({ neto: 1002, iva: 190, exempt: 0, total: 1192 });
    expect(result.paidTotal).toBe(1193);
    expect(result.notes.join(' ')).toContain('one peso less');
  });

  it('move one coupon peso from an exempt line to a taxed one when that makes the total reachable', () => {
    // 40 off 1 000 taxed + 1 000 exempt: 20 each leaves 980 taxed, which no neto reaches (979, 981);
    // 21 and 19 leave 979 taxed (neto 823 + IVA 156) and 981 exempt: still 1 960 in all.
    const result = ready(build(order([taxed('A', 1, 1000), exempt('B', 1, 1000)], { orderDiscount: 40 }), { basis: 'net' }));
    expect(result.expected).toEqual({ neto: 823, iva: 156, exempt: 981, total: 1960 });
  });

  it('are the same gross total a boleta would be for every generated single-line order that is reachable', () => {
    for (let price = 1; price <= 3000; price += 7) {
      const result = build(order([taxed('A', 2, price)]), { basis: 'net' });
      if (result.ok) expect(ready(result).expected.total).toBe(2 * price);
      else expect(held(result)).toContain('no net amount');
    }
  });
});

describe('lines that cost nothing', () => {
  it('are left off with a note (the SII wants a positive price), and need no SKU link', () => {
    const free = { ...taxed('FREE', 1, 0), name: 'Sticker' };
    const result = build(order([taxed('A', 1, 11_900), free]), { basis: 'gross' });
    const lines = ready(result).lines;
    expect(lines.map((l) => l.sku)).toEqual(['A']);
    expect(ready(result).notes.join(' ')).toMatch(/line 2 \(FREE, Sticker\) costs nothing.*positive price/);
  });

  it('make an order of nothing but free lines a $0 order, which is held', () => {
    expect(held(build(order([taxed('FREE', 1, 0)])))).toContain('$0');
  });
});

describe('$0 orders', () => {
  it('are held with the reason: the SII takes no document under $1', () => {
    const reason = held(build(order([taxed('A', 1, 1000, 1000)])));
    expect(reason).toContain('$0');
    expect(reason).toContain('under $1');
  });
});

describe('gift cards', () => {
  it('sold are left off the document with a note; the coupon and the total are the goods only', () => {
    const result = ready(build(order([giftCard('GC', 20_000), taxed('A', 1, 11_900)])));
    expect(result.lines.map((l) => l.sku)).toEqual(['A']);
    expect(result.paidTotal).toBe(11_900);
    expect(result.notes.join(' ')).toContain('gift card');
  });

  it('sold alone need no document at all', () => {
    const result = build(order([giftCard('GC', 20_000)]));
    expect(result).toMatchObject({ ok: false, kind: 'no_document' });
    expect(!result.ok && result.kind === 'no_document' && result.reason).toContain('redeemed');
  });

  it('redeemed are a payment, not a discount: the document carries the full price and its IVA', () => {
    const o = order([taxed('A', 1, 11_900)], { giftCardsRedeemed: 5000 });
    expect(o.total).toBe(6900);
    const result = ready(build(o));
    expect(result.expected).toEqual({ neto: 10_000, iva: 1900, exempt: 0, total: 11_900 });
  });

  it('redeemed for a whole order still make its document, though the order total is $0', () => {
    const o = order([taxed('A', 1, 11_900)], { giftCardsRedeemed: 11_900 });
    expect(o.total).toBe(0);
    expect(ready(build(o)).expected.total).toBe(11_900);
  });

  it('redeemed are also read when Jumpseller’s total is before them (its meaning is not documented)', () => {
    const o = { ...order([taxed('A', 1, 11_900)]), giftCardsRedeemed: 5000 };
    expect(o.total).toBe(11_900);
    expect(ready(build(o)).expected.total).toBe(11_900);
  });

  it('redeemed that fit neither reading hold the order with the numbers', () => {
    const o = { ...order([taxed('A', 1, 11_900)]), giftCardsRedeemed: 5000, total: 8000 };
    const reason = held(build(o));
    for (const words of ['gift cards redeemed 5000', '6900', '8000']) expect(reason).toContain(words);
  });
});
