/**
 * Exactly one document per paid order whatever the deliveries and the APIs do: duplicated and
 * reordered webhooks, relBase creating a document and losing the answer, relBase failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, inParallel, orderBody, type Delivery } from '../support/webhooks.js';

let stack: TestStack;
let jsProductId: number;

beforeAll(async () => {
  // No hooks registered: the test delivers every webhook itself, in the order it chooses.
  // Injected relBase failures hit every fifth request while an error rate is set: deterministic, so
  // the failure test always fails some calls, and never the same order's calls many times in a row.
  let draws = 0;
  // A create answered 5xx may have been made: it is settled, over a window kept short here.
  stack = await startStack({ skipInstall: true, settings: { documentSettleSeconds: 20 }, relbase: { random: () => (++draws % 5 === 0 ? 0 : 0.999) } });
  const product = stack.js.sim.createProduct({ name: 'Polera', price: 9990, sku: 'IDEM-1', stock: 100_000 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Polera', code: 'IDEM-1', price: 9990 }]);
  await stack.link('IDEM-1', rb!.id, product.id);
  jsProductId = product.id;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

function documentsFor(orderIds: number[]) {
  const labels = new Set(orderIds.map((id) => `JS-${id}`));
  return stack.rb.simulator.documents().filter((d) => labels.has(d.label_value ?? ''));
}

/** Places and pays `n` orders, keeping each one's pending and paid webhook bodies. */
function placePaidOrders(n: number) {
  const orders: { id: number; pending: string; paid: string }[] = [];
  for (let i = 0; i < n; i++) {
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProductId, qty: 1 + (i % 3) }] });
    const pending = orderBody(stack, order.id);
    stack.js.sim.payOrder(order.id);
    orders.push({ id: order.id, pending, paid: orderBody(stack, order.id) });
  }
  return orders;
}

describe('exactly one document per paid order', () => {
  it('200 orders, every webhook three times, half with order_paid before order_pending_payment', async () => {
    const orders = placePaidOrders(200);
    const deliveries: Delivery[] = [];
    orders.forEach((o, i) => {
      const pending = { event: 'order_pending_payment', body: o.pending };
      const paid = { event: 'order_paid', body: o.paid };
      const once = i % 2 === 0 ? [paid, pending] : [pending, paid];
      for (let copy = 0; copy < 3; copy++) deliveries.push(...once);
    });
    const statuses: number[] = [];
    await inParallel(deliveries, 16, async (d) => {
      statuses.push((await deliver(stack, d)).status);
    });
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    for (const o of orders) await stack.waitForOrderState(o.id, 'issued', 240_000);
    const docs = documentsFor(orders.map((o) => o.id));
    expect(docs).toHaveLength(200);
    expect(new Set(docs.map((d) => d.label_value)).size).toBe(200);

    // Each distinct delivery is stored once; the copies were answered as duplicates.
    const stored = await stack.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('store_code', '=', stack.storeCode)
      .where(
        'resource_id',
        'in',
        orders.map((o) => String(o.id)),
      )
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(400);
    const issuedRows = await stack.db
      .selectFrom('documents')
      .select('order_id')
      .where('store_code', '=', stack.storeCode)
      .where('state', '=', 'issued')
      .where(
        'order_id',
        'in',
        orders.map((o) => String(o.id)),
      )
      .execute();
    expect(issuedRows).toHaveLength(200);
  }, 600_000);

  it('relBase creates the document and loses the answer: the retry finds it instead of making another', async () => {
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 5 }] });
    const orders = placePaidOrders(5);
    await inParallel(orders, 5, async (o) => {
      await deliver(stack, { event: 'order_paid', body: o.paid });
    });
    for (const o of orders) {
      const s = await stack.waitForOrderState(o.id, 'issued', 120_000);
      expect(s.reason).toContain('already existed');
    }
    expect(stack.rb.simulator.requests().committedThenFailed).toBe(5);
    expect(documentsFor(orders.map((o) => o.id))).toHaveLength(5);
    stack.rb.simulator.setFaults({ commitThenFail: [] });
  }, 300_000);

  it('relBase failing every fifth call: every order still gets exactly one document', async () => {
    stack.rb.simulator.setFaults({ errorRate: 0.2 });
    const orders = placePaidOrders(6);
    await inParallel(orders, 6, async (o) => {
      await deliver(stack, { event: 'order_paid', body: o.paid });
    });
    try {
      for (const o of orders) await stack.waitForOrderState(o.id, 'issued', 300_000);
    } finally {
      stack.rb.simulator.setFaults({ errorRate: 0 });
    }
    expect(stack.rb.simulator.requests().injectedErrors).toBeGreaterThan(0);
    expect(documentsFor(orders.map((o) => o.id))).toHaveLength(6);
  }, 400_000);

  it('a late webhook for an issued order is stored and re-issues nothing', async () => {
    const [o] = placePaidOrders(1);
    await deliver(stack, { event: 'order_paid', body: o!.paid });
    await stack.waitForOrderState(o!.id, 'issued');
    const late = await deliver(stack, { event: 'order_shipped', body: o!.paid.replace('"Paid"', '"Paid" ') });
    expect(late.status).toBe(200);
    expect(((await late.json()) as { outcome: string }).outcome).toBe('after_issue');
    expect(documentsFor([o!.id])).toHaveLength(1);
  }, 120_000);
});
