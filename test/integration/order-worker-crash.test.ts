/**
 * A worker process killed with SIGKILL while it is issuing documents, then a new one started:
 * every order still ends with exactly one document.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack.js';
import { startWorkerProcess, type ServiceProcess } from '../support/processes.js';
import { deliver, inParallel, orderBody } from '../support/webhooks.js';

let stack: TestStack;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  // A create cut off by the kill has an unknown outcome, settled over the store's window: short here.
  stack = await startStack({ skipInstall: true, inProcessWorkers: false, settings: { documentSettleSeconds: 15 } });
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => undefined);
  await stack?.stop();
});

it('SIGKILL in the middle of issuing, then restart: exactly one document per order', async () => {
  const product = stack.js.sim.createProduct({ name: 'Taza', price: 4990, sku: 'CRASH-1', stock: 1000 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Taza', code: 'CRASH-1', price: 4990 }]);
  await stack.link('CRASH-1', rb!.id, product.id);
  // Slow relBase answers keep several document creations in flight when the worker dies.
  stack.rb.simulator.setFaults({ latencyMs: 700 });

  const orders = Array.from({ length: 24 }, () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    return o.id;
  });
  const labels = new Set(orders.map((id) => `JS-${id}`));
  const documents = () => stack.rb.simulator.documents().filter((d) => labels.has(d.label_value ?? ''));

  workers.push(startWorkerProcess(stack.processEnv));
  await inParallel(orders, 8, async (id) => {
    await deliver(stack, { event: 'order_paid', body: orderBody(stack, id) });
  });

  const deadline = Date.now() + 120_000;
  while (documents().length < 4) {
    if (Date.now() > deadline) throw new Error(`no documents issued before the kill; worker output:\n${workers[0]!.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await workers[0]!.kill();
  const atKill = documents().length;
  console.log(`killed the worker with SIGKILL after ${atKill} of ${orders.length} documents`);
  expect(atKill).toBeLessThan(orders.length);

  workers.push(startWorkerProcess(stack.processEnv));
  for (const id of orders) await stack.waitForOrderState(id, 'issued', 240_000);
  const docs = documents();
  console.log(`after restart: ${docs.length} documents for ${orders.length} orders`);
  expect(docs).toHaveLength(orders.length);
  expect(new Set(docs.map((d) => d.label_value)).size).toBe(orders.length);
}, 400_000);
