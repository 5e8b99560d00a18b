/**
 * How an order becomes its document, step by step: one relBase call per fault-free document (the
 * lookup is skipped while the database proves no create was ever sent), the shipping product looked
 * up once per store, `alwaysLookFirst` for a database restored from an old backup, an order paid
 * after its run closed, `productsSynced` waking any waiting order, and a long-waiting order
 * continuing as new.
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderWorkflowId, productsSyncedSignal, retrySignal, type OrderStatus } from '../../src/workflows/order/contracts.js';
import type { orderWorkflow } from '../../src/workflows/order/workflow.js';
import { ORDER_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { nudgeUntilContinuedAsNew } from '../support/runs.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, orderBody } from '../support/webhooks.js';

let stack: TestStack;
let linked: number;

beforeAll(async () => {
  // No hooks: the test delivers each webhook itself, so relBase sees only what issuing asks. And no
  // look at an issued document's SII status within the file's run (by default one comes 5 minutes
  // after issuing, which a slow run could reach while a later test counts relBase's traffic).
  stack = await startStack({ skipInstall: true, settings: { siiStatusFirstCheckSeconds: 86_400 } });
  const js = stack.js.sim.createProduct({ name: 'Polera', price: 9990, sku: 'ISS-1', stock: 100_000 });
  const [rb] = stack.rb.simulator.seedProducts([
    { name: 'Polera', code: 'ISS-1', price: 9990 },
    { name: 'Envío', code: 'ENVIO', price: 0 },
  ]);
  await stack.link('ISS-1', rb!.id, js.id);
  linked = js.id;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** relBase's traffic by route, counted from now. */
function relbaseCalls() {
  const before = { ...stack.rb.simulator.requests().byRoute };
  return (): Record<string, number> => {
    const now = stack.rb.simulator.requests().byRoute;
    return Object.fromEntries(
      Object.entries(now)
        .map(([k, v]): [string, number] => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  };
}

async function paid(input: { shipping?: number } = {}) {
  const o = stack.js.sim.placeOrder({ lines: [{ productId: linked, qty: 1 }], ...input });
  stack.js.sim.payOrder(o.id);
  const res = await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) });
  expect(res.status).toBe(200);
  return o.id;
}

const documentsOf = (id: number) => stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${id}`);

describe('relBase calls', () => {
  it('a fault-free boleta is one relBase call: the create, no lookup', async () => {
    const calls = relbaseCalls();
    const ids = [await paid(), await paid(), await paid()];
    for (const id of ids) await stack.waitForOrderState(id, 'issued');
    expect(calls()).toEqual({ 'POST /api/v1/dtes': 3 });
    for (const id of ids) expect(documentsOf(id)).toHaveLength(1);
  });

  it('shipping: the shipping product is looked up once per store, then remembered', async () => {
    const calls = relbaseCalls();
    const first = await paid({ shipping: 3990 });
    await stack.waitForOrderState(first, 'issued');
    const second = await paid({ shipping: 2990 });
    await stack.waitForOrderState(second, 'issued');
    expect(calls()).toEqual({ 'GET /api/v1/productos': 1, 'POST /api/v1/dtes': 2 });
    expect(documentsOf(second)[0]!.products.some((l) => l.code === 'ENVIO')).toBe(true);
  });

  it('alwaysLookFirst: a document relBase holds is found even when the database lost its intent (restored backup)', async () => {
    const id = await paid();
    await stack.waitForOrderState(id, 'issued');
    // The issued run listens for a cancellation for a day; the restore below lost it too.
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).terminate('restored from backup');
    // The backup predates this order: its row is gone, relBase still holds the document.
    await stack.db.deleteFrom('documents').where('store_code', '=', stack.storeCode).where('order_id', '=', String(id)).execute();
    await stack.setSettings({ alwaysLookFirst: true });
    try {
      const calls = relbaseCalls();
      const again = await deliver(stack, { event: 'order_updated', body: orderBody(stack, id) });
      expect(((await again.json()) as { outcome: string }).outcome).toBe('dispatched');
      await stack.waitForOrder(id, (s) => s.state === 'issued' && s.history.length > 0 && s.reason === 'the document already existed in relBase and was linked');
      expect(calls()).toEqual({ 'GET /api/v1/dtes': 1 });
      expect(documentsOf(id)).toHaveLength(1);
    } finally {
      await stack.setSettings({ alwaysLookFirst: false });
    }
  });
});

describe('an order paid after its run closed', () => {
  it('canceled, its run closed, then paid: exactly one document', async () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: linked, qty: 2 }] });
    await deliver(stack, { event: 'order_pending_payment', body: orderBody(stack, o.id) });
    stack.js.sim.cancelOrder(o.id);
    await deliver(stack, { event: 'order_canceled', body: orderBody(stack, o.id) });
    const handle = stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, o.id));
    expect(((await handle.result()) as OrderStatus).state).toBe('canceled');
    expect((await handle.describe()).status.name).toBe('COMPLETED');

    // The merchant takes the payment after all (Jumpseller re-opens the order as paid).
    const order = stack.js.sim.state.orders.get(o.id)!;
    Object.assign(order, { status_enum: 'paid', status: 'Paid', status_name: 'Paid' });
    const res = await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) });
    expect(((await res.json()) as { outcome: string }).outcome).toBe('dispatched');
    await stack.waitForOrderState(o.id, 'issued');
    expect(documentsOf(o.id)).toHaveLength(1);

    // Late webhooks for it start nothing more.
    const runs = async () => {
      let n = 0;
      for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) n++;
      return n;
    };
    // Visibility lists a run some time after it started: wait until it shows both (the canceled one
    // and the one that issued) before counting.
    await expect.poll(runs, { timeout: 30_000 }).toBe(2);
    const current = (await handle.describe()).runId;
    const late = await deliver(stack, { event: 'order_updated', body: orderBody(stack, o.id).replace('"Paid"', '"Paid" ') });
    expect(((await late.json()) as { outcome: string }).outcome).toBe('after_issue');
    // The latest run is still the one that issued (describe is not eventually consistent), and
    // visibility lists no third.
    expect((await handle.describe()).runId).toBe(current);
    expect(await runs()).toBe(2);
    expect(documentsOf(o.id)).toHaveLength(1);
  });

  it('a new run of an order the documents table has as issued ends as issued without calling relBase', async () => {
    const id = await paid();
    await stack.waitForOrderState(id, 'issued');
    // Its run is still listening for a cancellation: close it, as a day's wait would.
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).terminate('test: the watch window has passed');
    const calls = relbaseCalls();
    const run = await stack.temporal.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(stack.storeCode, id),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode, orderId: String(id) }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    const result: OrderStatus = await run.result();
    expect(result).toMatchObject({ state: 'issued', reason: 'the document was issued by an earlier run of this order', folio: String(documentsOf(id)[0]!.folio) });
    expect(calls()).toEqual({});
  });

  it('a run an operator terminated before payment: the paid webhook starts a new one that issues', async () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: linked, qty: 1 }] });
    await deliver(stack, { event: 'order_pending_payment', body: orderBody(stack, o.id) });
    await stack.waitForOrderState(o.id, 'awaiting_payment');
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, o.id)).terminate('operator cleanup');
    stack.js.sim.payOrder(o.id);
    await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) });
    await stack.waitForOrderState(o.id, 'issued');
    expect(documentsOf(o.id)).toHaveLength(1);
  });
});

describe('waiting orders', () => {
  it('productsSynced wakes a waiting order whatever SKUs it names', async () => {
    const js = stack.js.sim.createProduct({ name: 'Gorro', price: 5000, sku: 'ISS-WAKE', stock: 100 });
    const [rb] = stack.rb.simulator.seedProducts([{ name: 'Gorro', code: 'ISS-WAKE', price: 5000 }]);
    const o = stack.js.sim.placeOrder({ lines: [{ productId: js.id, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    // Gone from the catalog: the product sync the pending order asks for cannot link it (or wake it).
    stack.js.sim.deleteProduct(js.id);
    await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) });
    await stack.waitForOrderState(o.id, 'pending_products');
    await new Promise((r) => setTimeout(r, 3000));
    expect((await stack.orderStatus(o.id)).state).toBe('pending_products');
    // Linked by other means; a sync that names none of the order's SKUs still makes it look again.
    await stack.link('ISS-WAKE', rb!.id, js.id);
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, o.id)).signal(productsSyncedSignal, { skus: ['OTHER-SKU'] });
    await stack.waitForOrderState(o.id, 'issued', 30_000);
    expect(documentsOf(o.id)).toHaveLength(1);
  });

  /** Starts a pending order whose run continues as new after a few events, and makes it do so. */
  async function pendingOrderContinuedAsNew(sku: string) {
    const js = stack.js.sim.createProduct({ name: `Producto ${sku}`, price: 7000, sku, stock: 100 });
    const [rb] = stack.rb.simulator.seedProducts([{ name: `Producto ${sku}`, code: sku, price: 7000 }]);
    const o = stack.js.sim.placeOrder({ lines: [{ productId: js.id, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    // Out of the catalog, so the product sync the order asks for cannot link it behind the test's back.
    stack.js.sim.deleteProduct(js.id);
    const handle = await stack.temporal.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(stack.storeCode, o.id),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode, orderId: String(o.id), continueAsNewAfterEvents: 60 }],
    });
    await stack.waitForOrderState(o.id, 'pending_products');
    // Each retry is one more pass (a read, a plan, a product sync request) in the run's history.
    await nudgeUntilContinuedAsNew(handle, () => handle.signal(retrySignal));
    return { orderId: o.id, js, rb: rb!, current: stack.temporal.workflow.getHandle(handle.workflowId) };
  }

  it('a long-waiting order continues as new, keeping its history, and issues later', async () => {
    const { orderId, js, rb, current } = await pendingOrderContinuedAsNew('ISS-CAN');
    const carried = await stack.waitForOrderState(orderId, 'pending_products');
    expect(carried.history.some((h) => h.state === 'checking')).toBe(true);
    await stack.link('ISS-CAN', rb.id, js.id);
    await current.signal(retrySignal);
    // At this tiny event limit the issued run hands over again while it listens, and each new run
    // reads before it says issued again: the wait, not a second query, is the check.
    const issued = await stack.waitForOrderState(orderId, 'issued');
    expect(issued.folio).not.toBeNull();
    expect(documentsOf(orderId)).toHaveLength(1);
  });

  it('an order canceled after its run continued as new ends without a document', async () => {
    const { orderId, current } = await pendingOrderContinuedAsNew('ISS-CAN-X');
    // Canceled in Jumpseller (its product is out of the catalog, so the simulator's restock is skipped).
    Object.assign(stack.js.sim.state.orders.get(orderId)!, { status_enum: 'canceled', status: 'Canceled', status_name: 'Canceled' });
    await current.signal(retrySignal);
    expect(((await current.result()) as OrderStatus).state).toBe('canceled');
    expect(documentsOf(orderId)).toHaveLength(0);
  });
});
