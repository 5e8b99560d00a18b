/**
 * An operator's partial returns through the admin API and the whole stack: the order workflow's
 * return update (sent with update-with-start), the exactly-once issuing steps, the relBase
 * simulator's 61 checks. Each unit is credited at its price less its share of the line's discount.
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOps } from '../../src/cli/ops.js';
import { orderWorkflowId } from '../../src/workflows/order/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, orderBody } from '../support/webhooks.js';
import { ADMIN_TOKEN, adminApp } from './admin-support.js';

let stack: TestStack;
let app: Hono;
let polera: number;
let gorro: number;

beforeAll(async () => {
  stack = await startStack({ skipInstall: true });
  app = adminApp(stack);
  polera = (await stack.productInBoth('RT-1', 9990, { name: 'Polera', stock: 100_000 })).jsProduct.id;
  gorro = (await stack.productInBoth('RT-2', 4990, { name: 'Gorro', stock: 100_000 })).jsProduct.id;
  stack.rb.simulator.seedProducts([{ name: 'Envío', code: 'ENVIO', price: 0 }]);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const returnOf = (orderId: number, body: unknown) =>
  app.request(`/admin/stores/${stack.storeCode}/orders/${orderId}/returns`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

interface ReturnBody {
  creditNote: { label: string; folio: string | null; total: number | null; relbaseDocumentId: string };
  alreadyExisted: boolean;
}

const documentsOf = (id: number) => stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${id}`);
const creditNotesOf = (id: number) => stack.rb.simulator.documents().filter((d) => d.type_document === 61 && d.label_value?.startsWith(`JS-${id}-`));

/** 3 Poleras at 9 990 with 1 500 off the line, a Gorro and shipping: paid and issued as a boleta. */
async function issued() {
  const o = stack.js.sim.placeOrder({
    lines: [
      { productId: polera, qty: 3, discount: 1500 },
      { productId: gorro, qty: 1 },
    ],
    shipping: 3990,
  });
  stack.js.sim.payOrder(o.id);
  expect((await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) })).status).toBe(200);
  const s = await stack.waitForOrder(o.id, (x) => x.state === 'issued' || x.state === 'needs_attention');
  expect(s.state, s.reason ?? '').toBe('issued');
  const boleta = documentsOf(o.id)[0]!;
  expect(boleta.type_document).toBe(39);
  return { id: o.id, boleta };
}

async function returned(res: Response): Promise<ReturnBody> {
  const body = (await res.json()) as ReturnBody;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe('partial returns', () => {
  it('1 of 3 discounted units: one 61 (CodRef 3) for that unit, its price less a third of the discount, to the peso; repeating it changes nothing', async () => {
    const { id, boleta } = await issued();
    const first = await returned(await returnOf(id, { returnId: 'R-1', lines: [{ sku: 'RT-1', quantity: 1 }] }));
    // 9 990 less a third of the line's 1 500 discount.
    const unitCredit = 9990 - 1500 / 3;
    expect(first).toMatchObject({ alreadyExisted: false, creditNote: { label: `JS-${id}-NC2`, total: unitCredit } });
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ amount_total: unitCredit, label_value: `JS-${id}-NC2`, ware_house_id: boleta.ware_house_id });
    expect(notes[0]!.references).toEqual([
      { tpo_doc_ref_id: 39, code_ref: 3, folio_ref: boleta.folio, date_ref: boleta.start_date, razon_ref: expect.stringMatching(/^Devolución parcial/) as string },
    ]);
    expect(notes[0]!.products.map((l) => [l.product_id, l.quantity])).toEqual([[boleta.products[0]!.product_id, 1]]);

    const again = await returned(await returnOf(id, { returnId: 'R-1', lines: [{ sku: 'RT-1', quantity: 1 }] }));
    expect(again).toMatchObject({ alreadyExisted: true, creditNote: first.creditNote });
    expect(creditNotesOf(id)).toHaveLength(1);
    // The same id with other lines is refused rather than read as the first return.
    const other = await returnOf(id, { returnId: 'R-1', lines: [{ sku: 'RT-2', quantity: 1 }] });
    expect(other.status).toBe(409);
    expect((await errorOf(other)).message).toMatch(/already made with other lines/);

    const handle = stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id));
    const s = await stack.orderStatus(id);
    expect(s.creditNotes).toEqual([
      { label: `JS-${id}-NC2`, folio: String(notes[0]!.folio), total: unitCredit, relbaseDocumentId: String(notes[0]!.id), pdfUrl: notes[0]!.pdf_file.url },
    ]);
    const described = await handle.describe();
    expect(described.searchAttributes).toMatchObject({ CreditNoteFolios: [String(notes[0]!.folio)] });
    expect(described.memo).toMatchObject({ creditNoteFolios: [String(notes[0]!.folio)] });
    const rows = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('order_id', '=', String(id)).orderBy('created_at').execute();
    expect(rows.map((r) => [r.kind, r.label_value, r.state, r.reference_label, r.reason_code, r.return_key])).toEqual([
      ['document', `JS-${id}`, 'issued', null, null, null],
      ['credit_note', `JS-${id}-NC2`, 'issued', `JS-${id}`, 3, 'R-1'],
    ]);
  });

  it('two returns that together exceed the sale: the second is refused with the reason; the rest of the line then credits its amount to the peso', async () => {
    const { id, boleta } = await issued();
    await returned(await returnOf(id, { returnId: 'A', lines: [{ sku: 'RT-1', quantity: 2 }] }));
    const over = await returnOf(id, { returnId: 'B', lines: [{ sku: 'RT-1', quantity: 2 }] });
    expect(over.status).toBe(409);
    expect((await errorOf(over)).message).toMatch(
      /returning 2 of RT-1 would credit more than was sold: the document sold 3 and earlier credit notes already returned 2, so at most 1/,
    );
    expect(creditNotesOf(id)).toHaveLength(1);
    const notSold = await returnOf(id, { returnId: 'C', lines: [{ sku: 'RT-9', quantity: 1 }] });
    expect(notSold.status).toBe(409);

    await returned(await returnOf(id, { returnId: 'D', lines: [{ sku: 'RT-1', quantity: 1 }] }));
    const notes = creditNotesOf(id);
    expect(notes.map((n) => n.label_value)).toEqual([`JS-${id}-NC2`, `JS-${id}-NC3`]);
    // All three units, in two returns, credit exactly what the boleta charged for them (its line may be written in two parts).
    const charged = boleta.products.filter((l) => l.product_id === notes[0]!.products[0]!.product_id).reduce((n, l) => n + l.amount_total, 0);
    expect(charged).toBe(3 * 9990 - 1500);
    expect(notes[0]!.amount_total + notes[1]!.amount_total).toBe(charged);
    expect(notes.map((n) => n.amount_total)).toEqual([2 * 9990 - 1000, 9990 - 500]);
  });

  it("the 61's create answer is lost, on an order whose run had closed: a new run serves the return, still one 61", async () => {
    const { id } = await issued();
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).terminate('test: the watch window has passed');
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    let body: ReturnBody;
    try {
      body = await returned(await returnOf(id, { returnId: 'LOST', lines: [{ sku: 'RT-2', quantity: 1 }] }));
    } finally {
      stack.rb.simulator.setFaults({ commitThenFail: [] });
    }
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(body.creditNote).toMatchObject({ label: `JS-${id}-NC2`, relbaseDocumentId: String(notes[0]!.id), total: 4990 });
    const row = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('label_value', '=', `JS-${id}-NC2`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'issued', relbase_id: String(notes[0]!.id), creates_sent: 1 });
    await returned(await returnOf(id, { returnId: 'LOST', lines: [{ sku: 'RT-2', quantity: 1 }] }));
    expect(creditNotesOf(id)).toHaveLength(1);
  });

  it('npm run ops -- return: prints the credit note, the same return id again prints it as already issued, an excess is refused with the reason; the order view lists it', async () => {
    const { id } = await issued();
    const ops = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runOps([...args, '--store', stack.storeCode], {
        fetch: ((input: string | URL | Request, init?: RequestInit) => app.request(input instanceof Request ? input : String(input), init)) as typeof fetch,
        stdout: { write: (x: string) => (out += x) },
        stderr: { write: (x: string) => (err += x) },
        env: { ADMIN_TOKEN, PORT: '1' },
      });
      return { code, out, err };
    };
    const first = await ops('return', String(id), '--return-id', 'CLI-1', '--line', 'RT-1=1', '--line', 'RT-2=1');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(new RegExp(`^return CLI-1 of order ${id}: credit note JS-${id}-NC2 folio \\d+ for ${9490 + 4990}\n$`));
    const again = await ops('return', String(id), '--return-id', 'CLI-1', '--line', 'RT-2=1', '--line', 'RT-1=1');
    expect(again.out).toMatch(/already issued: nothing new was made/);
    const over = await ops('return', String(id), '--return-id', 'CLI-2', '--line', 'RT-2=1');
    expect(over.code).toBe(1);
    expect(over.err).toMatch(/returning 1 of RT-2 would credit more than was sold: the document sold 1 and earlier credit notes already returned 1, so at most 0/);
    expect((await ops('return', String(id), '--return-id', 'CLI-3', '--line', 'RT-2')).code).toBe(2);
    // Boleta → factura through ops: refused with the reason once the boleta is credited in part; a missing field is a usage error.
    const factura = await ops(
      'factura',
      String(id),
      '--rut',
      '77.459.520-1',
      '--razon-social',
      'Distribuidora Ejemplo Ltda',
      '--giro',
      'Comercio',
      '--address',
      'Av. Apoquindo 1234',
    );
    expect(factura.code).toBe(1);
    expect(factura.err).toMatch(/already credited in part by JS-\d+-NC2/);
    expect((await ops('factura', String(id), '--rut', '77.459.520-1')).code).toBe(2);
    const view = await ops('order', String(id));
    expect(view.out).toMatch(new RegExp(`JS-${id}-NC2\\s+3\\s+issued`));
    expect(creditNotesOf(id)).toHaveLength(1);
  });

  it('an order without an issued document: 409, and no workflow is started for it', async () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: polera, qty: 1 }] });
    const res = await returnOf(o.id, { returnId: 'X', lines: [{ sku: 'RT-1', quantity: 1 }] });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toMatch(/no issued document/);
    const bad = await returnOf(o.id, { returnId: 'X', lines: [{ sku: 'RT-1', quantity: 0 }] });
    expect(bad.status).toBe(400);
  });
});

describe('boleta → factura', () => {
  const facturaOf = (orderId: number, body: unknown) =>
    app.request(`/admin/stores/${stack.storeCode}/orders/${orderId}/factura`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const receiver = { rut: '77.459.520-1', razonSocial: 'Distribuidora Ejemplo Ltda', giro: 'Comercio al por mayor' };
  interface InvoiceBody {
    creditNote: { label: string; folio: string; total: number; relbaseDocumentId: string };
    factura: { label: string; folio: string; total: number; relbaseDocumentId: string };
    alreadyExisted: boolean;
  }

  it('one action: a 61 annulling the boleta, then a 33 with the same lines, both folios in the answer; repeating it changes nothing', async () => {
    const { id, boleta } = await issued();
    expect((await facturaOf(id, { receiver: { ...receiver, rut: '77.459.520-5' }, address: 'Av. Apoquindo 1234' })).status).toBe(400);
    const res = await facturaOf(id, { receiver, address: 'Av. Apoquindo 1234' });
    const body = (await res.json()) as InvoiceBody;
    expect(res.status, JSON.stringify(body)).toBe(200);

    const notes = creditNotesOf(id);
    const facturas = stack.rb.simulator.documents().filter((d) => d.type_document === 33 && d.label_value?.startsWith(`JS-${id}-`));
    expect(notes).toHaveLength(1);
    expect(facturas).toHaveLength(1);
    const [nc, factura] = [notes[0]!, facturas[0]!];
    expect(nc).toMatchObject({ label_value: `JS-${id}-NC1`, amount_total: boleta.amount_total });
    expect(nc.references).toMatchObject([{ tpo_doc_ref_id: 39, code_ref: 1, folio_ref: boleta.folio, date_ref: boleta.start_date }]);
    expect(factura).toMatchObject({ label_value: `JS-${id}-FA1`, type_document: 33 });
    // The boleta's gross lines on a factura: IVA on their net parts may move the total by a peso or two.
    expect(Math.abs(factura.amount_total - boleta.amount_total)).toBeLessThanOrEqual(boleta.products.length);
    const customer = stack.rb.simulator.state.customers.get(factura.customer_id!);
    expect(customer?.rut.replace(/\./g, '')).toBe('77459520-1');
    const linesOf = (d: typeof boleta) => d.products.map((l) => ({ product_id: l.product_id, quantity: l.quantity, price: l.price, discount: l.discount }));
    expect(linesOf(factura)).toEqual(linesOf(boleta));
    expect(body).toMatchObject({
      alreadyExisted: false,
      creditNote: { label: `JS-${id}-NC1`, folio: String(nc.folio), relbaseDocumentId: String(nc.id) },
      factura: { label: `JS-${id}-FA1`, folio: String(factura.folio), total: factura.amount_total, relbaseDocumentId: String(factura.id) },
    });

    const again = await facturaOf(id, { receiver });
    expect(again.status).toBe(200);
    expect(((await again.json()) as InvoiceBody).alreadyExisted).toBe(true);
    expect(creditNotesOf(id)).toHaveLength(1);
    expect(stack.rb.simulator.documents().filter((d) => d.type_document === 33 && d.label_value?.startsWith(`JS-${id}-`))).toHaveLength(1);

    const s = await stack.orderStatus(id);
    expect(s).toMatchObject({ documentType: 33, folio: String(factura.folio), relbaseDocumentId: String(factura.id) });
    expect(s.creditNotes.map((c) => c.label)).toEqual([`JS-${id}-NC1`]);
    const described = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).describe();
    expect(described.searchAttributes).toMatchObject({ DocumentType: ['33'], DocumentFolio: [String(factura.folio)], CreditNoteFolios: [String(nc.folio)] });
    const view = (await (await app.request(`/admin/stores/${stack.storeCode}/orders/${id}`, { headers: auth })).json()) as { factura: unknown; creditNotes: unknown[] };
    expect(view.factura).toMatchObject({ label: `JS-${id}-FA1`, state: 'issued', folio: String(factura.folio) });
    expect(view.creditNotes).toHaveLength(1);
    // The boleta is annulled: no return is credited on it any more.
    const ret = await returnOf(id, { returnId: 'AFTER', lines: [{ sku: 'RT-2', quantity: 1 }] });
    expect(ret.status).toBe(409);

    // Canceled afterwards: the factura, now the order's document, is what the cancellation annuls.
    stack.js.sim.cancelOrder(id);
    await deliver(stack, { event: 'order_canceled', body: orderBody(stack, id) });
    await stack.waitForOrderState(id, 'credited');
    const annulments = creditNotesOf(id).filter((d) => d.label_value === `JS-${id}-FA1-NC1`);
    expect(annulments).toHaveLength(1);
    expect(annulments[0]).toMatchObject({ amount_total: factura.amount_total, customer_id: factura.customer_id });
    expect(annulments[0]!.references).toMatchObject([{ tpo_doc_ref_id: 33, code_ref: 1, folio_ref: factura.folio }]);
  });

  it("the 61's create answer is lost: it is found by its label; still one 61 and one 33", async () => {
    const { id, boleta } = await issued();
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    let res: Response;
    try {
      res = await facturaOf(id, { receiver, address: 'Av. Apoquindo 1234' });
    } finally {
      stack.rb.simulator.setFaults({ commitThenFail: [] });
    }
    const body = (await res.json()) as InvoiceBody;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const notes = creditNotesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.amount_total).toBe(boleta.amount_total);
    expect(stack.rb.simulator.documents().filter((d) => d.type_document === 33 && d.label_value === `JS-${id}-FA1`)).toHaveLength(1);
    const row = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('label_value', '=', `JS-${id}-NC1`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'issued', relbase_id: String(notes[0]!.id), creates_sent: 1 });
    expect(body.creditNote.relbaseDocumentId).toBe(String(notes[0]!.id));
  });
});
