/**
 * An order through the whole service: Jumpseller simulator → signed webhook → API → order workflow on
 * the real Temporal server → relBase simulator, with the records in the real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productsSyncedSignal, orderWorkflowId, retrySignal } from '../../src/workflows/order/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a paid order', () => {
  it('becomes exactly one boleta whose total is what the customer paid', async () => {
    const { jsProduct } = await stack.productInBoth('FLOW-1', 11990);
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProduct.id, qty: 2 }], shipping: 0 });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();

    const status = await stack.waitForOrderState(order.id, 'issued');
    const docs = stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.type_document).toBe(39);
    expect(docs[0]!.amount_total).toBe(23980);
    expect(status.folio).toBe(String(docs[0]!.folio));

    const row = await stack.db.selectFrom('documents').selectAll().where('store_code', '=', stack.storeCode).where('order_id', '=', String(order.id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'issued', relbase_id: String(docs[0]!.id), total: 23980 });
    expect(await stack.readModelState(order.id, 'issued')).toBe('issued');
    const deliveries = await stack.db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', stack.storeCode).where('resource_id', '=', String(order.id)).execute();
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
  });

  it('waits as pending with the unlinked SKU named, and issues by itself once it is linked', async () => {
    const { jsProduct, rbProduct } = await stack.productInBoth('FLOW-2', 5990, { linked: false });
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProduct.id, qty: 1 }] });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();

    const pending = await stack.waitForOrderState(order.id, 'pending_products');
    expect(pending.missingSkus).toEqual(['FLOW-2']);
    expect(pending.reason).toContain('FLOW-2');
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(0);

    await stack.link('FLOW-2', rbProduct.id, jsProduct.id);
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, order.id)).signal(productsSyncedSignal, { skus: ['FLOW-2'] });
    await stack.waitForOrderState(order.id, 'issued');
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(1);
  });

  it('a retry signal also wakes a pending order', async () => {
    const { jsProduct, rbProduct } = await stack.productInBoth('FLOW-3', 1000, { linked: false });
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProduct.id, qty: 3 }] });
    stack.js.sim.payOrder(order.id);
    await stack.waitForOrderState(order.id, 'pending_products');
    await stack.link('FLOW-3', rbProduct.id, jsProduct.id);
    await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, order.id)).signal(retrySignal);
    const issued = await stack.waitForOrderState(order.id, 'issued');
    expect(issued.total).toBe(3000);
  });

  it('cancelled before payment ends without a document', async () => {
    const { jsProduct } = await stack.productInBoth('FLOW-4', 2000);
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProduct.id, qty: 1 }] });
    await stack.waitForOrderState(order.id, 'awaiting_payment');
    stack.js.sim.cancelOrder(order.id);
    await stack.waitForOrderState(order.id, 'canceled');
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(0);
  });
});
