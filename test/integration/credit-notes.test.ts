/**
 * An order canceled after its document was issued gets exactly one nota de crédito (61) annulling
 * it, through the whole stack: signed webhooks (duplicated and reordered), the order workflow, the
 * relBase simulator's 61 checks (reference, never crediting more than the document).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/stores/settings.js';
import { orderEventSignal, orderWorkflowId } from '../../src/workflows/order/contracts.js';
import type { orderWorkflow } from '../../src/workflows/order/workflow.js';
import { ORDER_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { nudgeUntilContinuedAsNew } from '../support/runs.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, orderBody } from '../support/webhooks.js';

let stack: TestStack;
let polera: number;
let gorro: number;

beforeAll(async () => {
  // No hooks: the test delivers each webhook itself, in the order it chooses.
  stack = await startStack({ skipInstall: true });
  polera = (await stack.productInBoth('NC-1', 9990, { name: 'Polera', stock: 100_000 })).jsProduct.id;
  gorro = (await stack.productInBoth('NC-2', 4990, { name: 'Gorro', stock: 100_000 })).jsProduct.id;
  stack.rb.simulator.seedProducts([{ name: 'Envío', code: 'ENVIO', price: 0 }]);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const documentsOf = (id: number) => stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${id}`);
const creditNotesOf = (id: number) => stack.rb.simulator.documents().filter((d) => d.type_document === 61 && d.label_value?.startsWith(`JS-${id}-`));

/** Places and pays an order with discounts and shipping, delivers `order_paid`, waits for its document. */
async function issued(extra: { additionalFields?: { label: string; value: string }[] } = {}) {
  const o = stack.js.sim.placeOrder({
    lines: [
      { productId: polera, qty: 3, discount: 1500 },
      { productId: gorro, qty: 1 },
    ],
    shipping: 3990,
    ...extra,
  });
  stack.js.sim.payOrder(o.id);
  const paidBody = orderBody(stack, o.id);
  expect((await deliver(stack, { event: 'order_paid', body: paidBody })).status).toBe(200);
  const s = await stack.waitForOrder(o.id, (x) => x.state === 'issued' || x.state === 'needs_attention');
  expect(s.state, s.reason ?? '').toBe('issued');
  expect(documentsOf(o.id)).toHaveLength(1);
  return { id: o.id, paidBody, document: documentsOf(o.id)[0]! };
}

async function outcome(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { outcome: string }).outcome;
}

describe('an order canceled after its document was issued', () => {
  it('boleta, cancellation delivered three times and reordered with a stale paid webhook: exactly one 61 annulling it to the peso', async () => {
    const { id, paidBody, document: boleta } = await issued();
    expect(boleta.type_document).toBe(39);
    stack.js.sim.cancelOrder(id);
    const canceledBody = orderBody(stack, id);
    // Jumpseller sends order_updated and order_canceled; a retry of the old paid webhook comes last.
    await deliver(stack, { event: 'order_updated', body: canceledBody });
    await deliver(stack, { event: 'order_canceled', body: canceledBody });
    await deliver(stack, { event: 'order_paid', body: paidBody.replace('"Paid"', '"Paid" ') });
    const s = await stack.waitForOrderState(id, 'credited');

    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    const nc = notes[0]!;
    expect(nc).toMatchObject({ label_value: `JS-${id}-NC1`, amount_total: boleta.amount_total, customer_id: boleta.customer_id });
    expect(nc.references).toEqual([
      { tpo_doc_ref_id: 39, code_ref: 1, folio_ref: boleta.folio, date_ref: boleta.start_date, razon_ref: expect.stringMatching(/^Anula documento/) as string },
    ]);
    // The same lines, discounts and shipping as the boleta.
    const linesOf = (d: typeof boleta) =>
      d.products.map((l) => ({ product_id: l.product_id, quantity: l.quantity, price: l.price, discount: l.discount, amount_total: l.amount_total }));
    expect(linesOf(nc)).toEqual(linesOf(boleta));
    expect(nc.products.some((l) => l.code === 'ENVIO')).toBe(true);
    expect(boleta.products.some((l) => l.discount > 0)).toBe(true);

    expect(s.creditNotes).toEqual([{ label: `JS-${id}-NC1`, folio: String(nc.folio), total: nc.amount_total, relbaseDocumentId: String(nc.id), pdfUrl: nc.pdf_file.url }]);
    expect(s.folio).toBe(String(boleta.folio));
    const handle = stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id));
    const described = await handle.describe();
    expect(described.searchAttributes).toMatchObject({ OrderState: ['credited'], CreditNoteFolios: [String(nc.folio)], DocumentFolio: [String(boleta.folio)] });
    expect(described.memo).toMatchObject({ creditNoteFolios: [String(nc.folio)] });
    const rows = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('order_id', '=', String(id)).orderBy('created_at').execute();
    expect(rows.map((r) => [r.kind, r.label_value, r.state, r.reference_label, r.reason_code, r.folio])).toEqual([
      ['document', `JS-${id}`, 'issued', null, null, String(boleta.folio)],
      ['credit_note', `JS-${id}-NC1`, 'issued', `JS-${id}`, 1, String(nc.folio)],
    ]);

    // Once annulled, more cancellation webhooks start nothing.
    expect(await outcome(await deliver(stack, { event: 'order_canceled', body: canceledBody.replace('"Canceled"', '"Canceled" ') }))).toBe('after_issue');
    expect(creditNotesOf(id)).toHaveLength(1);
  });

  it('factura: one 61 for the factura, with its receiver', async () => {
    const customer = stack.rb.simulator.addCustomer({ rut: '76192083-9', name: 'Comercial Ejemplo SpA', business_activity: 'Venta al por menor' });
    const { id, document: factura } = await issued({
      additionalFields: [
        { label: 'Tipo de documento', value: 'Factura electrónica' },
        { label: 'RUT', value: '76.192.083-9' },
        { label: 'Razón social', value: 'Comercial Ejemplo SpA' },
        { label: 'Giro', value: 'Venta al por menor' },
      ],
    });
    expect(factura).toMatchObject({ type_document: 33, customer_id: customer.id });
    stack.js.sim.cancelOrder(id);
    expect(await outcome(await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) }))).toBe('dispatched');
    await stack.waitForOrderState(id, 'credited');
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ customer_id: customer.id, amount_total: factura.amount_total, mnt_bruto: factura.mnt_bruto });
    expect(notes[0]!.references).toMatchObject([{ tpo_doc_ref_id: 33, code_ref: 1, folio_ref: factura.folio, date_ref: factura.start_date }]);
  });

  it("the 61's create answer is lost: it is found by its label, still one 61", async () => {
    const { id, document: boleta } = await issued();
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    try {
      stack.js.sim.cancelOrder(id);
      await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) });
      const s = await stack.waitForOrderState(id, 'credited');
      expect(s.history.some((h) => /got no answer/.test(h.reason ?? ''))).toBe(true);
    } finally {
      stack.rb.simulator.setFaults({ commitThenFail: [] });
    }
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.amount_total).toBe(boleta.amount_total);
    const row = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('label_value', '=', `JS-${id}-NC1`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'issued', relbase_id: String(notes[0]!.id), creates_sent: 1 });
  });

  it('canceled after its run stopped listening (and the store moved warehouse): a new run credits it, units back where they came from', async () => {
    const { id, document: boleta } = await issued();
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).terminate('test: the watch window has passed');
    const [first, second] = stack.rb.simulator.warehouses();
    expect(boleta.ware_house_id).toBe(first!.id);
    const row = await stack.db.selectFrom('stores').select('settings').where('code', '=', stack.storeCode).executeTakeFirstOrThrow();
    await stack.setSettings({ warehouseId: second!.id });
    try {
      const rbPolera = boleta.products[0]!.product_id;
      const stockBefore = stack.rb.simulator.stockOf(rbPolera, first!.id);
      stack.js.sim.cancelOrder(id);
      expect(await outcome(await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) }))).toBe('dispatched');
      await stack.waitForOrderState(id, 'credited');
      expect(creditNotesOf(id)).toHaveLength(1);
      expect(creditNotesOf(id)[0]).toMatchObject({ amount_total: boleta.amount_total, ware_house_id: first!.id });
      expect(stack.rb.simulator.stockOf(rbPolera, first!.id)).toBe(stockBefore + 3);
    } finally {
      await stack.setSettings({ warehouseId: readSettings(row.settings).warehouseId });
    }
  });

  it('an issued run that continued as new while listening still credits the cancellation once', async () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: polera, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    const handle = await stack.temporal.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(stack.storeCode, o.id),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode, orderId: String(o.id), continueAsNewAfterEvents: 60 }],
    });
    await stack.waitForOrderState(o.id, 'issued');
    // Webhooks that are not a cancellation (hints the run reads the order for) grow its history.
    let hints = 0;
    const runId = await nudgeUntilContinuedAsNew(handle, () => handle.signal(orderEventSignal, { event: 'order_updated', statusEnum: 'paid', deliveryId: `test-${hints++}` }));
    const carried = await stack.waitForOrderState(o.id, 'issued');
    expect(carried.folio).toBe(String(documentsOf(o.id)[0]!.folio));
    expect(creditNotesOf(o.id)).toHaveLength(0);

    stack.js.sim.cancelOrder(o.id);
    expect(await outcome(await deliver(stack, { event: 'order_canceled', body: orderBody(stack, o.id) }))).toBe('dispatched');
    await stack.waitForOrderState(o.id, 'credited');
    expect((await stack.temporal.workflow.getHandle(handle.workflowId).describe()).runId).toBe(runId);
    expect(creditNotesOf(o.id)).toHaveLength(1);
    expect(creditNotesOf(o.id)[0]!.amount_total).toBe(documentsOf(o.id)[0]!.amount_total);
  });

  it('creditNoteOnCancel off: no 61, the order says why', async () => {
    await stack.setSettings({ creditNoteOnCancel: false });
    try {
      const { id } = await issued();
      stack.js.sim.cancelOrder(id);
      await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) });
      const s = await stack.waitForOrder(id, (x) => /creditNoteOnCancel is off/.test(x.reason ?? ''));
      expect(s.state).toBe('issued');
      expect(creditNotesOf(id)).toHaveLength(0);
    } finally {
      await stack.setSettings({ creditNoteOnCancel: true });
    }
  });

  it('a nota de venta relBase made into a boleta: the 61 annuls that boleta', async () => {
    const { id, document: nota } = await issued({ additionalFields: [{ label: 'Tipo de documento', value: 'Nota de venta' }] });
    expect(nota.type_document).toBe(1001);
    const boleta = stack.rb.simulator.emitFromNotaDeVenta(nota.id);
    stack.js.sim.cancelOrder(id);
    await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) });
    await stack.waitForOrderState(id, 'credited');
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.amount_total).toBe(boleta.amount_total);
    expect(notes[0]!.references).toMatchObject([{ tpo_doc_ref_id: 39, code_ref: 1, folio_ref: boleta.folio, date_ref: boleta.start_date }]);
  });

  it('a nota de venta never made into a tax document is not annulled with a 61: the order needs attention and says what to do', async () => {
    const { id, document } = await issued({ additionalFields: [{ label: 'Tipo de documento', value: 'Nota de venta' }] });
    expect(document.type_document).toBe(1001);
    stack.js.sim.cancelOrder(id);
    await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) });
    const s = await stack.waitForOrderState(id, 'needs_attention');
    expect(s.reason).toMatch(/nota de venta \(1001\).*void it in relBase/);
    expect(creditNotesOf(id)).toHaveLength(0);
  });
});
