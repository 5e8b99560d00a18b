/**
 * "Retry all pending" from a terminal, exactly as docs/operations.md shows it: the Temporal CLI's batch
 * signal by query reaches every pending order of the store, and only those.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { findTemporalCli } from '../../src/temporal/cli-binary.js';
import { orderWorkflowId } from '../../src/workflows/order/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

const run = promisify(execFile);
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

it('batch signal by query retries every pending order of the store and no other', async () => {
  const js = stack.js.sim;
  const pendingProduct = js.createProduct({ name: 'Pendiente', price: 1500, sku: 'BATCH-P', stock: 100 });
  const orders = [1, 2, 3].map(() => {
    const o = js.placeOrder({ lines: [{ productId: pendingProduct.id, qty: 1 }] });
    js.payOrder(o.id);
    return o.id;
  });
  for (const id of orders) await stack.waitForOrderState(id, 'pending_products');
  // An order of the store waiting for payment must not be touched by the batch.
  const unpaid = js.placeOrder({ lines: [{ productId: pendingProduct.id, qty: 1 }] });
  await stack.waitForOrderState(unpaid.id, 'awaiting_payment');

  // The product gets linked by hand (no productsSynced signal): only a retry can wake the orders.
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Pendiente', code: 'BATCH-P', price: 1500 }]);
  await stack.link('BATCH-P', rb!.id, pendingProduct.id);

  const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH)!.path;
  const query = `OrderState="pending_products" AND StoreCode="${stack.storeCode}"`;
  // Visibility is eventually consistent: wait until the query sees all three (a batch sent before
  // would miss an order, which would then never issue).
  const count = async () => (await run(cli, ['workflow', 'count', '--address', inject('temporalAddress'), '--query', query])).stdout;
  await expect.poll(count, { timeout: 60_000, interval: 200 }).toMatch(/Total:\s*3\b/);
  // The command of docs/operations.md, with the address of the test server.
  await run(cli, ['workflow', 'signal', '--address', inject('temporalAddress'), '--name', 'retry', '--query', query, '--reason', 'products synced by hand', '--yes']);

  for (const id of orders) await stack.waitForOrderState(id, 'issued', 60_000);
  expect(stack.rb.simulator.documents().filter((d) => orders.some((id) => d.label_value === `JS-${id}`))).toHaveLength(3);
  // The batch named only pending orders: the unpaid one's history holds no retry signal.
  const unpaidHistory = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, unpaid.id)).fetchHistory();
  const retries = (unpaidHistory.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'retry');
  expect(retries).toEqual([]);
  // …while each pending order's does (the batch, not something else, woke them).
  for (const id of orders) {
    const history = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).fetchHistory();
    expect((history.events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'retry')).toBe(true);
  }
  expect((await stack.orderStatus(unpaid.id)).state).toBe('awaiting_payment');
}, 180_000);
