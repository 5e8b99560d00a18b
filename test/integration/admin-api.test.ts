/**
 * The admin API over the whole service: bearer token, readable 400s, settings, the pending and
 * needs-attention lists, one order's full state, retry one or all pending (exactly the pending ones),
 * resolve; its answers match the OpenAPI document it serves.
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderWorkflowId } from '../../src/workflows/order/contracts.js';
import { answerChecker, type OpenApiDoc } from '../support/admin-openapi.js';
import { startStack, type TestStack } from '../support/stack.js';
import { ADMIN_TOKEN, adminApp } from './admin-support.js';

let stack: TestStack;
let app: Hono;
const orders = { pending: [] as number[], issued: 0, attention: 0, unpaid: 0 };

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const get = (path: string) => app.request(path, { headers: auth });
const send = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: { issues: { path: string }[] } } }).error;

/** How many `retry` signals a workflow has received, from its history. */
async function retrySignals(orderId: number): Promise<number> {
  const history = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, orderId)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'retry').length;
}

/** How many `retry` updates a workflow has accepted, from its history. */
async function retryUpdates(orderId: number): Promise<number> {
  const history = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, orderId)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'retry').length;
}

/**
 * Waits until the workflow's history shows `n` retry signals: a signal that arrives while a workflow
 * task is running is buffered by the server and reaches the history when that task completes.
 */
async function untilRetrySignals(orderId: number, n: number): Promise<number> {
  // A deadline, not a timed assertion: that task may wait for a busy worker.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const count = await retrySignals(orderId);
    if (count >= n || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The second product with the pending orders' SKU (deleting it is the operator's fix). */
let twinId: number;

beforeAll(async () => {
  stack = await startStack();
  app = adminApp(stack);
  await stack.setSettings({ invalidFiscalDataPolicy: 'hold' });

  const linked = stack.js.sim.createProduct({ name: 'Linked', price: 1000, sku: 'ADM-L', stock: 100 });
  const [rbLinked] = stack.rb.simulator.seedProducts([{ name: 'Linked', code: 'ADM-L', price: 1000 }]);
  await stack.link('ADM-L', rbLinked!.id, linked.id);
  const unlinked = stack.js.sim.createProduct({ name: 'Unlinked', price: 2000, sku: 'ADM-U', stock: 100 });
  // A second product with the same SKU: product sync refuses duplicated SKUs, so these orders stay pending.
  twinId = stack.js.sim.createProduct({ name: 'Unlinked twin', price: 2000, sku: 'ADM-U', stock: 100 }).id;
  // Both syncs end before the orders are paid: the first may link ADM-U before the second claims it
  // (then undoes the link), and an order planned in between would issue.
  await Promise.all([stack.waitForProductState(unlinked.id, 'synced'), stack.waitForProductState(twinId, 'synced')]);

  const pay = (productId: number, additionalFields?: { label: string; value: string }[]) => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId, qty: 1 }], ...(additionalFields ? { additionalFields } : {}) });
    stack.js.sim.payOrder(o.id);
    return o.id;
  };
  orders.pending = [pay(unlinked.id), pay(unlinked.id)];
  orders.issued = pay(linked.id);
  orders.attention = pay(linked.id, [
    { label: 'Tipo de documento', value: 'Factura electrónica' },
    { label: 'RUT', value: '76.192.083-1' },
    { label: 'Razón social', value: 'Comercial Ejemplo SpA' },
    { label: 'Giro', value: 'Venta al por menor' },
  ]);
  orders.unpaid = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }] }).id;
  await Promise.all([
    ...orders.pending.map((id) => stack.waitForOrderState(id, 'pending_products')),
    stack.waitForOrderState(orders.issued, 'issued'),
    stack.waitForOrderState(orders.attention, 'needs_attention'),
    stack.waitForOrderState(orders.unpaid, 'awaiting_payment'),
  ]);
  // The lists, the order view and "retry all pending" read the `orders` read model, which an activity
  // writes after the state the query shows: wait for it too.
  const readModel = [...orders.pending.map((id) => [id, 'pending_products'] as const), [orders.issued, 'issued'] as const, [orders.attention, 'needs_attention'] as const];
  for (const [id, state] of readModel) expect(await stack.readModelState(id, state)).toBe(state);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('admin authentication', () => {
  it.each([
    ['GET', '/admin/stores'],
    ['POST', '/admin/stores/x/orders/retry-pending'],
    ['PATCH', '/admin/stores/x/settings'],
  ])('%s %s answers 401 without a token and with a wrong one', async (method, path) => {
    const none = await app.request(path, { method });
    expect(none.status).toBe(401);
    expect((await errorOf(none)).code).toBe('unauthorized');
    const wrong = await app.request(path, { method, headers: { authorization: 'Bearer not-the-admin-token' } });
    expect(wrong.status).toBe(401);
  });

  it('signals nothing when the token is wrong', async () => {
    const before = await retrySignals(orders.pending[0]!);
    await app.request(`/admin/stores/${stack.storeCode}/orders/retry-pending`, { method: 'POST', headers: { authorization: 'Bearer wrong' } });
    expect(await retrySignals(orders.pending[0]!)).toBe(before);
  });
});

describe('stores and settings', () => {
  it('lists the store with its status', async () => {
    const res = await get('/admin/stores');
    expect(res.status).toBe(200);
    const { stores } = (await res.json()) as { stores: { code: string; status: string; authKind: string }[] };
    expect(stores.find((s) => s.code === stack.storeCode)).toMatchObject({ status: 'active', authKind: 'basic' });
  });

  it('reads and changes settings, validated', async () => {
    const res = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { stockSyncEnabled: false, reconcileIntervalMinutes: 30, defaultDocument: 1001 });
    expect(res.status).toBe(200);
    const read = (await (await get(`/admin/stores/${stack.storeCode}/settings`)).json()) as { settings: Record<string, unknown> };
    expect(read.settings).toMatchObject({ stockSyncEnabled: false, reconcileIntervalMinutes: 30, defaultDocument: 1001, invalidFiscalDataPolicy: 'hold' });
    await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { defaultDocument: 39 });
  });

  it('answers 400 naming each bad field, and changes nothing', async () => {
    const res = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { defaultDocument: 40, stockDebounceMs: -5, invalidFiscalDataPolicy: 'ignore' });
    expect(res.status).toBe(400);
    const e = await errorOf(res);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/defaultDocument/);
    expect(e.message).toMatch(/stockDebounceMs/);
    expect(e.details!.issues.map((i) => i.path).sort()).toEqual(['defaultDocument', 'invalidFiscalDataPolicy', 'stockDebounceMs']);
    const unknown = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toMatch(/colour/);
    const notJson = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, '{not json');
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).message).toBe('the body is not valid JSON');
    const read = (await (await get(`/admin/stores/${stack.storeCode}/settings`)).json()) as { settings: Record<string, unknown> };
    expect(read.settings['defaultDocument']).toBe(39);
  });

  it('answers 404 for an unknown store, before looking at the rest of the request', async () => {
    const res = await get('/admin/stores/no-such-store/settings');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toMatch(/no-such-store/);
    expect((await get('/admin/stores/no-such-store/orders/abc')).status).toBe(404);
    expect((await send('PATCH', '/admin/stores/no-such-store/settings', '{not json')).status).toBe(404);
  });

  it('reads a JSON body whatever its Content-Type says, and an empty body as {}', async () => {
    const path = `/admin/stores/${stack.storeCode}/settings`;
    const plain = await app.request(path, { method: 'PATCH', headers: { ...auth, 'content-type': 'text/plain' }, body: JSON.stringify({ stockDebounceMs: 2500 }) });
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { settings: { stockDebounceMs: number } }).settings.stockDebounceMs).toBe(2500);
    // Bytes: a string body would get text/plain from Request itself.
    const unlabelled = new Request(`http://localhost${path}`, { method: 'PATCH', headers: auth, body: new TextEncoder().encode(JSON.stringify({ stockDebounceMs: 2000 })) });
    expect(unlabelled.headers.get('content-type')).toBeNull();
    const none = await app.request(unlabelled);
    expect(none.status).toBe(200);
    expect(((await none.json()) as { settings: { stockDebounceMs: number } }).settings.stockDebounceMs).toBe(2000);
    const empty = await send('PATCH', path, '');
    expect(empty.status).toBe(200);
  });
});

describe('orders', () => {
  it('lists pending and needs-attention orders with their reasons, not the issued one', async () => {
    const res = await get(`/admin/stores/${stack.storeCode}/orders`);
    const body = (await res.json()) as { orders: { orderId: string; state: string; reason: string; missingSkus: string[] }[] };
    const ids = body.orders.map((o) => o.orderId).sort();
    expect(ids).toEqual([...orders.pending, orders.attention].map(String).sort());
    const pending = body.orders.find((o) => o.orderId === String(orders.pending[0]))!;
    expect(pending).toMatchObject({ state: 'pending_products', missingSkus: ['ADM-U'] });
    expect(pending.reason).toContain('ADM-U');
    expect(body.orders.find((o) => o.orderId === String(orders.attention))!.reason).toMatch(/RUT/);

    const onlyAttention = (await (await get(`/admin/stores/${stack.storeCode}/orders?state=needs_attention`)).json()) as { orders: { orderId: string }[] };
    expect(onlyAttention.orders.map((o) => o.orderId)).toEqual([String(orders.attention)]);
    const bad = await get(`/admin/stores/${stack.storeCode}/orders?state=waiting`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^invalid state: 0: must be one or more of checking, /);
    // A state given twice counts once, by its first value.
    const twice = (await (await get(`/admin/stores/${stack.storeCode}/orders?state=needs_attention&state=waiting`)).json()) as { states: string[] };
    expect(twice.states).toEqual(['needs_attention']);
  });

  it('shows one order from its workflow query, the read model and the document', async () => {
    const res = await get(`/admin/stores/${stack.storeCode}/orders/${orders.issued}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      state: { state: string; history: unknown[]; folio: string };
      readModel: { state: string; folio: string };
      document: { folio: string; typeDocument: number };
      workflow: { workflowId: string; memo: { summary: string } };
    };
    expect(body.state.state).toBe('issued');
    expect(body.state.history.length).toBeGreaterThan(1);
    expect(body.readModel.state).toBe('issued');
    expect(body.document).toMatchObject({ typeDocument: 39, folio: body.state.folio });
    expect(body.workflow.workflowId).toBe(`order:${stack.storeCode}:${orders.issued}`);
    expect(body.workflow.memo.summary).toMatch(/^issued/);

    expect((await get(`/admin/stores/${stack.storeCode}/orders/999999999`)).status).toBe(404);
    const notAnId = await get(`/admin/stores/${stack.storeCode}/orders/abc`);
    expect(notAnId.status).toBe(400);
    expect(await errorOf(notAnId)).toMatchObject({
      message: 'invalid order id: (body): must be a Jumpseller order id (digits)',
      details: { issues: [{ path: '(body)', message: 'must be a Jumpseller order id (digits)' }] },
    });
  });

  it('"retry all pending" signals exactly the pending orders and no others', async () => {
    const before = {
      pending: await Promise.all(orders.pending.map(retrySignals)),
      issued: await retrySignals(orders.issued),
      attention: await retrySignals(orders.attention),
    };
    const res = await send('POST', `/admin/stores/${stack.storeCode}/orders/retry-pending`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { signalled: string[]; skipped: unknown[] };
    expect(body.signalled.sort()).toEqual(orders.pending.map(String).sort());
    expect(body.skipped).toEqual([]);
    expect(await Promise.all(orders.pending.map((id, i) => untilRetrySignals(id, before.pending[i]! + 1)))).toEqual(before.pending.map((n) => n + 1));
    expect(await retrySignals(orders.issued)).toBe(before.issued);
    expect(await retrySignals(orders.attention)).toBe(before.attention);
  });

  it('retries one order and answers with its state after planning again; refuses an order that is done or not waiting', async () => {
    const id = orders.attention;
    const before = await retryUpdates(id);
    const res = await send('POST', `/admin/stores/${stack.storeCode}/orders/${id}/retry`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { retried: boolean; state: { state: string; reason: string } };
    expect(body.retried).toBe(true);
    expect(body.state.state).toBe('needs_attention');
    expect(body.state.reason).toMatch(/RUT/);
    expect(await retryUpdates(id)).toBe(before + 1);

    const done = await send('POST', `/admin/stores/${stack.storeCode}/orders/${orders.issued}/retry`);
    expect(done.status).toBe(409);
    expect((await errorOf(done)).message).toMatch(/issued/);
    // Running but not waiting for a person or products: the workflow's validator refuses it.
    const unpaid = await send('POST', `/admin/stores/${stack.storeCode}/orders/${orders.unpaid}/retry`);
    expect(unpaid.status).toBe(409);
    expect((await errorOf(unpaid)).message).toMatch(/awaiting_payment.*nothing to retry/);
    expect(await retryUpdates(orders.unpaid)).toBe(0);
    const resolveUnpaid = await send('POST', `/admin/stores/${stack.storeCode}/orders/${orders.unpaid}/resolve`, { documentType: 'boleta' });
    expect(resolveUnpaid.status).toBe(409);
    expect((await errorOf(resolveUnpaid)).message).toMatch(/nothing to resolve/);
  });

  it('resolve refuses bad fiscal data with a readable 400, and corrected data issues the factura', async () => {
    const path = `/admin/stores/${stack.storeCode}/orders/${orders.attention}/resolve`;
    const badRut = await send('POST', path, { receiver: { rut: '76.192.083-1', razonSocial: 'Comercial Ejemplo SpA', giro: 'Venta' } });
    expect(badRut.status).toBe(400);
    const e = await errorOf(badRut);
    expect(e.details!.issues.map((i) => i.path)).toEqual(['receiver.rut']);
    expect(e.message).toMatch(/^invalid body: receiver\.rut: /);
    const empty = await send('POST', path, {});
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toBe('invalid body: (body): give receiver (rut, razonSocial, giro) or documentType, or both');
    expect((await send('POST', path, { documentType: 'invoice' })).status).toBe(400);

    const ok = await send('POST', path, { receiver: { rut: '76.192.083-9', razonSocial: 'Comercial Ejemplo SpA', giro: 'Venta al por menor' } });
    expect(ok.status).toBe(200);
    // The answer is the state after planning again: the corrected factura is being issued (or is already).
    expect(((await ok.json()) as { state: { state: string; documentType: number } }).state).toMatchObject({
      state: expect.stringMatching(/^issu(ing|ed)$/) as unknown,
      documentType: 33,
    });
    await stack.waitForOrderState(orders.attention, 'issued');
    expect(
      stack.rb.simulator
        .documents()
        .filter((d) => d.label_value === `JS-${orders.attention}`)
        .map((d) => d.type_document),
    ).toEqual([33]);
  });

  it('the pending orders issue once the shared SKU is fixed in Jumpseller and they are retried', async () => {
    // The operator deletes the twin; its product sync (product_deleted) frees the SKU.
    stack.js.sim.deleteProduct(twinId);
    await stack.waitForProductState(twinId, 'deleted');
    // One action: retry asks product sync for the orders' product, which now links its SKU alone.
    await send('POST', `/admin/stores/${stack.storeCode}/orders/retry-pending`);
    await Promise.all(orders.pending.map((id) => stack.waitForOrderState(id, 'issued')));
    const list = (await (await get(`/admin/stores/${stack.storeCode}/orders`)).json()) as { orders: unknown[] };
    expect(list.orders).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('describes the answers the app gives', async () => {
    const res = await get('/admin/openapi.json');
    expect(res.status).toBe(200);
    const check = answerChecker((await res.json()) as OpenApiDoc);
    const answers: [string, string, string][] = [
      ['/admin/stores', '/admin/stores', 'GET'],
      [`/admin/stores/${stack.storeCode}/settings`, '/admin/stores/{code}/settings', 'GET'],
      [`/admin/stores/${stack.storeCode}/orders?state=issued,pending_products`, '/admin/stores/{code}/orders', 'GET'],
      [`/admin/stores/${stack.storeCode}/orders/${orders.issued}`, '/admin/stores/{code}/orders/{id}', 'GET'],
      [`/admin/stores/${stack.storeCode}/orders/${orders.unpaid}`, '/admin/stores/{code}/orders/{id}', 'GET'],
      [`/admin/stores/${stack.storeCode}/orders?state=waiting`, '/admin/stores/{code}/orders', 'GET'],
      ['/admin/stores/no-such-store/orders/1', '/admin/stores/{code}/orders/{id}', 'GET'],
    ];
    for (const [url, path, method] of answers) {
      const answer = await get(url);
      const body: unknown = await answer.json();
      expect(check(method, path, answer.status, body), `${method} ${url} (${answer.status})`).toEqual([]);
    }
    // An answer the document does not allow is caught: the issued order without its state query's fields.
    const order = (await (await get(`/admin/stores/${stack.storeCode}/orders/${orders.issued}`)).json()) as { state: Record<string, unknown> };
    expect(check('GET', '/admin/stores/{code}/orders/{id}', 200, { ...order, state: { ...order.state, history: undefined, state: 'paid' } })).not.toEqual([]);
  });
});
