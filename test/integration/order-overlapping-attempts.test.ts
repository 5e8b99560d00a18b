/**
 * Attempts kept alive past their time: the store's relBase limiter is held for 100 s while orders are
 * being issued, so every relBase call waits in it, well past any activity's heartbeat or timeout, and
 * Temporal starts further attempts meanwhile. When the limiter lets go, the old attempts and the new
 * ones all reach relBase at once: still exactly one document per order, because a create is sent only
 * by the attempt that holds the order's current token.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/http/rate-limiter.js';
import { RELBASE_RATE_LIMITS } from '../../src/relbase/client.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, inParallel, orderBody } from '../support/webhooks.js';

const HOLD_MS = 100_000;
let stack: TestStack;
const limiter = createRateLimiter([...RELBASE_RATE_LIMITS]);

beforeAll(async () => {
  stack = await startStack({ skipInstall: true, relbaseLimiter: limiter });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

it('relBase calls held in the limiter past every timeout, then released together: one document per order', async () => {
  const product = stack.js.sim.createProduct({ name: 'Taza', price: 4990, sku: 'HELD-1', stock: 1000 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Taza', code: 'HELD-1', price: 4990 }]);
  await stack.link('HELD-1', rb!.id, product.id);
  const ids = Array.from({ length: 10 }, () => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    return o.id;
  });

  const heldFrom = Date.now();
  limiter.pauseUntil(heldFrom + HOLD_MS);
  await inParallel(ids, 10, async (id) => {
    await deliver(stack, { event: 'order_paid', body: orderBody(stack, id) });
  });
  for (const id of ids) await stack.waitForOrderState(id, 'issued', HOLD_MS + 240_000);
  // Nothing reached relBase while it was held.
  const firstArrival = stack.rb.simulator
    .documents()
    .map((d) => Date.parse(d.created_at))
    .sort()[0]!;
  expect(firstArrival).toBeGreaterThanOrEqual(heldFrom + HOLD_MS - 1000);

  const labels = new Set(ids.map((id) => `JS-${id}`));
  const docs = stack.rb.simulator.documents().filter((d) => labels.has(d.label_value ?? ''));
  expect(docs).toHaveLength(ids.length);
  expect(new Set(docs.map((d) => d.label_value)).size).toBe(ids.length);
  // One create sent per order that relBase did not refuse: the held attempts sent nothing.
  expect(await stack.createsNotRefused(ids)).toEqual(ids.map(() => 1));
}, 500_000);
