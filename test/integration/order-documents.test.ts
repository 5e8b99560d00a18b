/**
 * Which document an order gets and what is on it: boleta, factura (customer found or created, invalid
 * RUT under each policy), nota de venta; and discounts carried per line so the document total is what
 * the customer paid, through the whole service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaceOrder } from '../../src/sandbox/jumpseller/order-operations.js';
import { orderWorkflowId, resolveSignal } from '../../src/workflows/order/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const products: Record<string, { js: number; price: number }> = {};

beforeAll(async () => {
  stack = await startStack();
  for (const [sku, price] of [
    ['DOC-A', 9990],
    ['DOC-B', 4990],
    ['DOC-C', 1],
    ['DOC-D', 15990],
  ] as const) {
    const { jsProduct } = await stack.productInBoth(sku, price, { stock: 1000 });
    products[sku] = { js: jsProduct.id, price };
  }
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

function fiscalFields(doc: string, rut: string | null, razon = 'Comercial Ejemplo SpA', giro = 'Venta al por menor') {
  return [
    { label: 'Tipo de documento', value: doc },
    ...(rut === null ? [] : [{ label: 'RUT', value: rut }]),
    { label: 'Razón social', value: razon },
    { label: 'Giro', value: giro },
  ];
}

/** Places and pays an order (the simulator delivers the webhooks) and returns it with its document once settled. */
function paidOrder(input: Omit<PlaceOrder, 'lines'> & { lines: { sku: string; qty: number; discount?: number }[] }) {
  const order = stack.js.sim.placeOrder({
    ...input,
    lines: input.lines.map((l) => ({ productId: products[l.sku]!.js, qty: l.qty, discount: l.discount ?? 0 })),
  });
  stack.js.sim.payOrder(order.id);
  return stack.js.sim.state.orders.get(order.id)!;
}

function documentOf(orderId: number) {
  const docs = stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${orderId}`);
  expect(docs).toHaveLength(1);
  return docs[0]!;
}

describe('document type', () => {
  it('boleta when the checkout fields are absent', async () => {
    const order = paidOrder({ lines: [{ sku: 'DOC-A', qty: 1 }] });
    const s = await stack.waitForOrderState(order.id, 'issued');
    expect(s.documentType).toBe(39);
    expect(documentOf(order.id).type_document).toBe(39);
  });

  it('factura with a valid RUT whose customer relBase already has', async () => {
    const existing = stack.rb.simulator.addCustomer({ rut: '76192083-9', name: 'Comercial Ejemplo SpA', business_activity: 'Venta al por menor' });
    const order = paidOrder({ lines: [{ sku: 'DOC-A', qty: 2 }], additionalFields: fiscalFields('Factura electrónica', '76.192.083-9') });
    await stack.waitForOrderState(order.id, 'issued');
    const doc = documentOf(order.id);
    expect(doc.type_document).toBe(33);
    expect(doc.customer_id).toBe(existing.id);
    expect(stack.rb.simulator.state.customers.size).toBe(1);
  });

  it('factura with a valid RUT that relBase does not know: the customer is created', async () => {
    const order = paidOrder({
      lines: [{ sku: 'DOC-B', qty: 1 }],
      additionalFields: fiscalFields('Factura electrónica', '60.803.000-k', 'Servicio de Impuestos Internos', 'Administración pública'),
      billingAddress: { address: 'Teatinos', municipality: 'Santiago', city: 'Santiago' },
    });
    await stack.waitForOrderState(order.id, 'issued');
    const doc = documentOf(order.id);
    expect(doc.type_document).toBe(33);
    const customer = [...stack.rb.simulator.state.customers.values()].find((c) => c.id === doc.customer_id);
    expect(customer).toMatchObject({ rut: '60803000-K', name: 'Servicio de Impuestos Internos', address: 'Teatinos 1234, Santiago, Santiago' });
  });

  it('invalid RUT under the "hold" policy waits for an operator, then issues the corrected factura', async () => {
    await stack.setSettings({ invalidFiscalDataPolicy: 'hold' });
    const order = paidOrder({ lines: [{ sku: 'DOC-A', qty: 1 }], additionalFields: fiscalFields('Factura electrónica', '76.192.083-1') });
    const held = await stack.waitForOrderState(order.id, 'needs_attention');
    expect(held.reason).toMatch(/RUT/);
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(0);

    await stack.temporal.workflow
      .getHandle(orderWorkflowId(stack.storeCode, order.id))
      .signal(resolveSignal, { receiver: { rut: '76192083-9', razonSocial: 'Comercial Ejemplo SpA', giro: 'Venta al por menor' } });
    await stack.waitForOrderState(order.id, 'issued');
    expect(documentOf(order.id).type_document).toBe(33);
  });

  it('invalid RUT under the "boleta" policy issues a boleta and says why', async () => {
    await stack.setSettings({ invalidFiscalDataPolicy: 'boleta' });
    const order = paidOrder({ lines: [{ sku: 'DOC-A', qty: 1 }], additionalFields: fiscalFields('Factura electrónica', '12.345.678-0') });
    const s = await stack.waitForOrderState(order.id, 'issued');
    expect(documentOf(order.id).type_document).toBe(39);
    expect(s.reason).toMatch(/boleta instead of factura/);
    await stack.setSettings({ invalidFiscalDataPolicy: 'hold' });
  });

  it('nota de venta carries the tax document it will become', async () => {
    const order = paidOrder({ lines: [{ sku: 'DOC-B', qty: 2 }], additionalFields: [{ label: 'Tipo de documento', value: 'Nota de venta' }] });
    await stack.waitForOrderState(order.id, 'issued');
    const doc = documentOf(order.id);
    expect(doc.type_document).toBe(1001);
    expect(doc.type_document_sii).toBe(39);
  });

  it('a non-CLP order is held with the reason', async () => {
    const order = paidOrder({ lines: [{ sku: 'DOC-A', qty: 1 }], currency: 'USD' });
    const s = await stack.waitForOrderState(order.id, 'needs_attention');
    expect(s.reason).toMatch(/USD|CLP/);
  });
});

describe('discounts on each line, total equal to what the customer paid', () => {
  const cases: { name: string; order: Parameters<typeof paidOrder>[0] }[] = [
    {
      name: 'percentage coupon',
      order: {
        lines: [
          { sku: 'DOC-A', qty: 1 },
          { sku: 'DOC-B', qty: 2 },
          { sku: 'DOC-D', qty: 1 },
        ],
        coupon: { percent: 10 },
      },
    },
    {
      name: 'fixed-amount coupon over awkward prices',
      order: {
        lines: [
          { sku: 'DOC-A', qty: 3 },
          { sku: 'DOC-B', qty: 1 },
          { sku: 'DOC-C', qty: 7 },
        ],
        coupon: { amount: 1000 },
      },
    },
    {
      name: 'per-product promotion plus a coupon',
      order: {
        lines: [
          { sku: 'DOC-A', qty: 2, discount: 2000 },
          { sku: 'DOC-D', qty: 1 },
        ],
        coupon: { amount: 777 },
      },
    },
    { name: 'free shipping', order: { lines: [{ sku: 'DOC-B', qty: 1 }], shipping: 3990, shippingDiscount: 3990 } },
    { name: 'paid shipping', order: { lines: [{ sku: 'DOC-D', qty: 1 }], shipping: 3990, coupon: { percent: 15 } } },
  ];

  it.each(cases)('$name', async ({ order: input }) => {
    const order = paidOrder(input);
    await stack.waitForOrderState(order.id, 'issued');
    const doc = documentOf(order.id);
    expect(doc.amount_total).toBe(order.total);
    expect(doc.products.reduce((sum, l) => sum + l.amount_total, 0)).toBe(order.total);
    // Whatever was taken off the products sits on the lines, to the peso: as a percentage of at
    // most 2 decimals (the SII's DescuentoPct), or, where none fits, in the price of a split-off
    // unit (issue 15). Every unit of every product is on the document.
    const shippingCharged = order.shipping - order.shipping_discount;
    const productLines = doc.products.filter((l) => l.code !== 'ENVIO');
    const listGross = input.lines.reduce((sum, l) => sum + l.qty * products[l.sku]!.price, 0);
    expect(listGross - productLines.reduce((sum, l) => sum + l.amount_total, 0)).toBe(order.discount);
    for (const l of productLines) expect(String(l.discount)).toMatch(/^\d+(\.\d{1,2})?$/);
    for (const l of input.lines) expect(productLines.filter((p) => p.code === l.sku).reduce((sum, p) => sum + p.quantity, 0)).toBe(l.qty);
    expect(doc.products.some((l) => l.code === 'ENVIO')).toBe(shippingCharged > 0);
    expect(doc.products.every((l) => (l.code === 'ENVIO' ? l.discount === 0 : true))).toBe(true);
  });
});
