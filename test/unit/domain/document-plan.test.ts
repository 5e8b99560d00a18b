import { describe, expect, it } from 'vitest';
import type { CheckoutFields } from '../../../src/domain/checkout-fields.js';
import { planDocument } from '../../../src/domain/document-plan.js';
import type { DocumentPlan, DocumentSettings, PlanDocumentInput } from '../../../src/domain/document-plan.js';
import type { OrderForDocument, OrderLineInput } from '../../../src/domain/order-lines.js';
import { storeSettingsSchema } from '../../../src/stores/settings.js';

const IVA = [{ name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }];
const NO_FIELDS: CheckoutFields = { documentType: null, rut: null, razonSocial: null, giro: null };
const FACTURA: CheckoutFields = {
  documentType: 'Factura afecta electrónica',
  rut: '76.192.083-9',
  razonSocial: 'Comercial Andes SpA',
  giro: 'Venta al por menor de artículos deportivos',
};
const SETTINGS: DocumentSettings = {
  defaultDocument: 39,
  notaDeVentaBecomes: 39,
  invalidFiscalDataPolicy: 'hold',
  paymentTypeId: 5,
  paymentTypeIdsByMethod: { 'Webpay Plus': 19_833 },
};

function line(sku: string, quantity: number, unitPrice: number): OrderLineInput {
  return { sku, name: `Product ${sku}`, quantity, unitPrice, lineDiscount: 0, taxes: IVA };
}

function order(lines: OrderLineInput[], shipping = 0): OrderForDocument {
  const total = lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0) + shipping;
  return { currency: 'CLP', lines, orderDiscount: 0, shipping, shippingDiscount: 0, total };
}

function plan(o: OrderForDocument, fields: CheckoutFields, extra: Partial<PlanDocumentInput> = {}): DocumentPlan {
  const productIdsBySku = Object.fromEntries(o.lines.map((l, i) => [String(l.sku), 1000 + i]));
  return planDocument({
    order: o,
    fields,
    links: { productIdsBySku, shippingProductId: 900 },
    settings: SETTINGS,
    paidAt: '2026-04-01 02:40:00 UTC',
    paymentMethod: 'Webpay Plus',
    ...extra,
  });
}

describe('planDocument', () => {
  it('plans a boleta in gross prices, dated the day of payment in Chile, with the mapped payment type', () => {
    const result = plan(order([line('A', 2, 11_900)], 3990), NO_FIELDS);
    expect(result).toMatchObject({
      kind: 'ready',
      document: { type: 39, typeSii: null, mntBruto: true, receiver: null, buyerRut: null, date: '2026-03-31', paymentTypeId: 19_833 },
      expected: { neto: 23_353, iva: 4437, exempt: 0, total: 27_790 },
      paidTotal: 27_790,
    });
  });

  it('plans a factura in net prices for the seed’s wording, with the receiver’s giro cut at a word', () => {
    const result = plan(order([line('A', 2, 11_900)]), FACTURA, { paymentMethod: 'Efectivo' });
    expect(result).toMatchObject({
      kind: 'ready',
      document: {
        type: 33,
        mntBruto: false,
        receiver: { rut: '76192083-9', razonSocial: 'Comercial Andes SpA', giro: 'Venta al por menor de artículos' },
        paymentTypeId: 5,
      },
      lines: [{ sku: 'A', quantity: 2, price: 10_000, discountPct: 0, amount: 20_000, taxAffected: true }],
      expected: { neto: 20_000, iva: 3800, exempt: 0, total: 23_800 },
    });
  });

  it('writes a nota de venta in the prices of the document it becomes', () => {
    const toFactura = plan(order([line('A', 1, 11_900)]), { ...FACTURA, documentType: 'Nota de venta' });
    expect(toFactura).toMatchObject({ kind: 'ready', document: { type: 1001, typeSii: 33, mntBruto: false } });
    const toBoleta = plan(order([line('A', 1, 11_900)]), { ...NO_FIELDS, documentType: 'Nota de venta', rut: '76.192.083-9' });
    expect(toBoleta).toMatchObject({ kind: 'ready', document: { type: 1001, typeSii: 39, mntBruto: true, buyerRut: '76192083-9' } });
  });

  it('holds a factura that would need more than 60 lines, and lets a boleta have them', () => {
    const many = order(Array.from({ length: 61 }, (_, i) => line(`S${i}`, 1, 1190)));
    const factura = plan(many, FACTURA);
    expect(factura).toMatchObject({ kind: 'hold' });
    expect(factura.kind === 'hold' && factura.reason).toContain('at most 60 lines and this order needs 61');
    expect(plan(many, NO_FIELDS)).toMatchObject({ kind: 'ready' });
  });

  it('counts the lines splitting adds against the limit', () => {
    // 30 exempt lines, each 3 × 19 990 with 1 234 off (no 2-decimal percentage fits), become 60
    // document lines; with one taxed line the factura would need 61.
    const lines = [...Array.from({ length: 30 }, (_, i) => ({ ...line(`S${i}`, 3, 19_990), lineDiscount: 1234, taxes: [] })), line('T', 1, 11_900)];
    const o = { ...order(lines), orderDiscount: 30 * 1234, total: 30 * (3 * 19_990 - 1234) + 11_900 };
    const boleta = plan(o, NO_FIELDS);
    expect(boleta.kind === 'ready' && boleta.lines.length).toBe(61);
    const factura = plan(o, FACTURA);
    expect(factura.kind === 'hold' && factura.reason).toContain('at most 60 lines and this order needs 61');
  });

  it('passes the choice’s holds, the line builder’s results and its notes through', () => {
    expect(plan(order([line('A', 1, 1000)]), { ...FACTURA, rut: '76.192.083-8' })).toMatchObject({ kind: 'hold' });
    expect(
      planDocument({
        order: order([line('A', 1, 1000)]),
        fields: NO_FIELDS,
        links: { productIdsBySku: {}, shippingProductId: null },
        settings: SETTINGS,
        paidAt: '2026-04-01T00:00:00Z',
      }),
    ).toEqual({
      kind: 'missing_products',
      skus: ['A'],
    });
    const fellBack = plan(order([line('A', 1, 1000)]), { ...FACTURA, giro: null }, { settings: { ...SETTINGS, invalidFiscalDataPolicy: 'boleta' } });
    expect(fellBack.kind === 'ready' && fellBack.notes.join(' ')).toContain('boleta instead of factura');
    expect(fellBack.kind === 'ready' && fellBack.document.fellBackReason).toMatch(/giro/);
  });

  it('holds when the payment time cannot be read', () => {
    const result = plan(order([line('A', 1, 1000)]), NO_FIELDS, { paidAt: 'yesterday' });
    expect(result.kind === 'hold' && result.reason).toContain('document date');
  });

  it('takes the store settings as they are stored', () => {
    const settings = storeSettingsSchema.parse({ paymentTypeIdsByMethod: { 'Webpay Plus': 3 }, unreachableFacturaTotal: 'one_peso_below' });
    const result = plan(order([line('A', 1, 1193)]), FACTURA, { settings });
    expect(result).toMatchObject({ kind: 'ready', document: { paymentTypeId: 3 }, expected: { total: 1192 }, paidTotal: 1193 });
  });
});
