/**
 * Exactly one document when relBase answers late or never: creates committed 45 s after they were
 * sent with the answer dropped, creates whose answer is lost while relBase's search lags 30 s behind,
 * creates that hang and are never committed. The store's settle window is longer than each injected
 * delay and short enough for the test (a real store keeps the default, minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, inParallel, orderBody } from '../support/webhooks.js';

let stack: TestStack;
let jsProductId: number;

beforeAll(async () => {
  stack = await startStack({ skipInstall: true });
  const product = stack.js.sim.createProduct({ name: 'Polera', price: 9990, sku: 'LATE-1', stock: 100_000 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Polera', code: 'LATE-1', price: 9990 }]);
  await stack.link('LATE-1', rb!.id, product.id);
  jsProductId = product.id;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Places and pays `n` orders and delivers their `order_paid` webhooks; returns their ids. */
async function payOrders(n: number): Promise<number[]> {
  const ids = Array.from({ length: n }, (_, i) => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId: jsProductId, qty: 1 + (i % 2) }] });
    stack.js.sim.payOrder(o.id);
    return o.id;
  });
  await inParallel(ids, 16, async (id) => {
    const res = await deliver(stack, { event: 'order_paid', body: orderBody(stack, id) });
    expect(res.status).toBe(200);
  });
  return ids;
}

/** Waits until every order is issued, then checks relBase holds exactly one document for each. */
async function expectOneDocumentEach(ids: number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) await stack.waitForOrderState(id, 'issued', Math.max(1000, deadline - Date.now()));
  const labels = new Set(ids.map((id) => `JS-${id}`));
  const docs = stack.rb.simulator.documents().filter((d) => labels.has(d.label_value ?? ''));
  const perLabel = new Map<string, number>();
  for (const d of docs) perLabel.set(d.label_value!, (perLabel.get(d.label_value!) ?? 0) + 1);
  expect([...perLabel.values()].filter((n) => n > 1)).toEqual([]);
  expect(docs).toHaveLength(ids.length);
  const rows = await stack.db
    .selectFrom('documents')
    .select(['order_id', 'relbase_id'])
    .where('store_code', '=', stack.storeCode)
    .where('state', '=', 'issued')
    .where('order_id', 'in', ids.map(String))
    .execute();
  expect(new Set(rows.map((r) => r.relbase_id))).toEqual(new Set(docs.map((d) => String(d.id))));
}

describe('exactly one document when relBase answers late or never', () => {
  it('100 orders, each first create committed 45 s late with its answer dropped', async () => {
    await stack.setSettings({ documentSettleSeconds: 60 });
    stack.rb.simulator.setFaults({ lateCommit: { holdMs: 45_000, firstPerLabel: true, remaining: null } });
    try {
      const ids = await payOrders(100);
      await expectOneDocumentEach(ids, 540_000);
      expect(stack.rb.simulator.requests().lateCommits).toBe(100);
      // Each order waited for its document rather than creating another: one create each that relBase
      // did not refuse (a create refused by throttling made nothing and is counted apart).
      expect(await stack.createsNotRefused(ids)).toEqual(ids.map(() => 1));
      const sample = await stack.orderStatus(ids[0]!);
      expect(sample.reason).toBe('the document already existed in relBase and was linked');
      expect(sample.history.some((h) => /waiting to confirm document JS-\d+, 1 of \d+ looks/.test(h.reason ?? ''))).toBe(true);
    } finally {
      stack.rb.simulator.setFaults({ lateCommit: null });
    }
  }, 600_000);

  it('100 orders while the search lags 30 s behind and half the create answers are lost', async () => {
    await stack.setSettings({ documentSettleSeconds: 45 });
    stack.rb.simulator.setFaults({ searchLagMs: 30_000, commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 50 }] });
    try {
      const ids = await payOrders(100);
      await expectOneDocumentEach(ids, 540_000);
      expect(stack.rb.simulator.requests().committedThenFailed).toBe(50);
    } finally {
      stack.rb.simulator.setFaults({ searchLagMs: 0, commitThenFail: [] });
    }
  }, 600_000);

  it('creates that hang past the client timeout and are never made: created again once the settle window has passed', async () => {
    await stack.setSettings({ documentSettleSeconds: 20 });
    stack.rb.simulator.setFaults({ hungCreate: { holdMs: 20_000, firstPerLabel: true, remaining: null } });
    try {
      const ids = await payOrders(5);
      await expectOneDocumentEach(ids, 300_000);
      expect(stack.rb.simulator.requests().hungCreates).toBe(5);
      expect(await stack.createsNotRefused(ids)).toEqual(ids.map(() => 2));
    } finally {
      stack.rb.simulator.setFaults({ hungCreate: null });
    }
  }, 400_000);
});
