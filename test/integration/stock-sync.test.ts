/**
 * Stock from relBase to Jumpseller through the whole service: notices coalesced per SKU, whole units,
 * negatives as 0, variants and simple products, unlimited variants, the switch, one way only, and
 * the reconcile that reads each SKU once and pushes only what changed.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productWorkflowId } from '../../src/workflows/product/contracts.js';
import {
  STOCK_RECONCILE_WORKFLOW_TYPE,
  stockPushWorkflowId,
  stockPushStatusQuery,
  stockReconcileWorkflowId,
  type StockReconcileProgress,
} from '../../src/workflows/stock/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

const TOKEN = 'stock-test-notice-token-0123';
let stack: TestStack;
let warehouseId: number;

/** A SKU in both systems, linked: a simple product, or a variant of a product (no images: product sync has nothing to upload). */
async function linkedSku(sku: string, options: { variant?: boolean; unlimited?: boolean; relbaseStock?: number } = {}) {
  const js = options.variant
    ? stack.js.sim.createProduct({
        name: `Producto ${sku}`,
        price: 1000,
        images: 0,
        variants: [{ sku, stock: 5, stockUnlimited: options.unlimited ?? false, options: [{ name: 'Talla', value: 'M' }] }],
      })
    : stack.js.sim.createProduct({ name: `Producto ${sku}`, price: 1000, images: 0, sku, stock: 5, stockUnlimited: options.unlimited ?? false });
  const [rb] = stack.rb.simulator.seedProducts([{ name: `Producto ${sku}`, code: sku, price: 1000 }]);
  stack.rb.simulator.setStock({ productId: rb!.id, warehouseId, set: options.relbaseStock ?? 0 });
  const variantId = options.variant ? js.variants[0]!.id : null;
  await stack.db
    .insertInto('product_links')
    .values({ store_code: stack.storeCode, sku, js_product_id: String(js.id), js_variant_id: variantId === null ? null : String(variantId), relbase_product_id: String(rb!.id) })
    .execute();
  return {
    rbId: rb!.id,
    shop: () => {
      const p = stack.js.sim.state.products.get(js.id)!;
      const v = variantId === null ? null : p.variants.find((x) => x.id === variantId)!;
      return v ? { stock: v.stock, unlimited: v.stock_unlimited } : { stock: p.stock, unlimited: p.stock_unlimited };
    },
  };
}

function notice(body: unknown) {
  return fetch(`${stack.apiUrl}/stock/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Delivers the webhooks Jumpseller has queued, then waits until no product sync of the store runs:
 * whatever those deliveries make product sync write to relBase is written by then (a sync closes
 * only after a pass that saw every change it was told of).
 */
async function productSyncsDone() {
  await stack.js.sim.flushDeliveries();
  const statusOf = (id: number) =>
    stack.temporal.workflow
      .getHandle(productWorkflowId(stack.storeCode, id))
      .describe()
      .then(
        (d) => d.status.name,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return 'NONE';
          throw err;
        },
      );
  await until(
    () => Promise.all([...stack.js.sim.state.products.keys()].map(statusOf)),
    (statuses) => !statuses.includes('RUNNING'),
    60_000,
  );
}

const pushStatus = (sku: string) => stack.temporal.workflow.getHandle(stockPushWorkflowId(stack.storeCode, sku)).query(stockPushStatusQuery);

beforeAll(async () => {
  stack = await startStack({ stockNoticesToken: TOKEN, settings: { stockDebounceMs: 2000 } });
  warehouseId = stack.rb.simulator.warehouses()[0]!.id;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('stock push', () => {
  it('100 notices inside the debounce window make one Jumpseller update with the final value', async () => {
    const item = await linkedSku('STK-BURST', { relbaseStock: 1 });
    const writesBefore = stack.js.sim.requestStats().writes;
    const answers: Promise<Response>[] = [];
    for (let i = 2; i <= 101; i++) {
      stack.rb.simulator.setStock({ productId: item.rbId, warehouseId, set: i });
      answers.push(notice({ store: stack.storeCode, skus: ['STK-BURST'] }));
    }
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual(Array(100).fill(202));
    await until(
      () => pushStatus('STK-BURST'),
      (s) => s.pushes === 1,
    );
    expect(item.shop()).toEqual({ stock: 101, unlimited: false });
    // Let the window pass once more: nothing else is pushed.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await pushStatus('STK-BURST')).pushes).toBe(1);
    expect(stack.js.sim.requestStats().writes - writesBefore).toBe(1);
  });

  it('fractional stock is pushed as its whole part, negative stock as 0, by relBase product id too', async () => {
    const fractional = await linkedSku('STK-FRAC', { relbaseStock: 3.7 });
    const negative = await linkedSku('STK-NEG', { variant: true, relbaseStock: -4 });
    const res = await notice({ store: stack.storeCode, relbaseProductIds: [fractional.rbId, String(negative.rbId)] });
    expect(((await res.json()) as { signalled: string[] }).signalled.sort()).toEqual(['STK-FRAC', 'STK-NEG']);
    await until(
      () => fractional.shop().stock,
      (s) => s === 3,
    );
    await until(
      () => negative.shop().stock,
      (s) => s === 0,
    );
  });

  it('an unlimited variant gets a number and stops being unlimited; a product without variants is updated itself', async () => {
    const unlimited = await linkedSku('STK-UNL', { variant: true, unlimited: true, relbaseStock: 12 });
    const simple = await linkedSku('STK-SIMPLE', { relbaseStock: 8 });
    await notice({ store: stack.storeCode, skus: ['STK-UNL', 'STK-SIMPLE'] });
    await until(
      () => unlimited.shop(),
      (s) => s.stock === 12 && !s.unlimited,
    );
    await until(
      () => simple.shop(),
      (s) => s.stock === 8 && !s.unlimited,
    );
  });

  it('with stock sync switched off nothing is pushed', async () => {
    await stack.setSettings({ stockSyncEnabled: false });
    try {
      const item = await linkedSku('STK-OFF', { relbaseStock: 40 });
      await notice({ store: stack.storeCode, skus: ['STK-OFF'] });
      await until(
        () => pushStatus('STK-OFF'),
        (s) => s.lastOutcome === 'stock sync off: nothing pushed',
      );
      expect(item.shop().stock).toBe(5);
    } finally {
      await stack.setSettings({ stockSyncEnabled: true });
    }
  });

  it('flows one way: a push and the webhooks it causes write nothing to relBase', async () => {
    const item = await linkedSku('STK-ONEWAY', { relbaseStock: 9 });
    // Earlier tests' product webhooks may still be syncing (a variant's relBase name gets its options):
    // start from a quiet relBase.
    await productSyncsDone();
    const relbaseWrites = stack.rb.simulator.requests().writes;
    await notice({ store: stack.storeCode, skus: ['STK-ONEWAY'] });
    await until(
      () => item.shop().stock,
      (s) => s === 9,
    );
    // product_updated for our own PUT reaches the service, and the product sync it starts runs to its end.
    await productSyncsDone();
    expect(stack.rb.simulator.requests().writes).toBe(relbaseWrites);
    // Stock typed by hand in Jumpseller stays in Jumpseller.
    const rbStockBefore = stack.rb.simulator.stockOf(item.rbId, warehouseId);
    stack.js.sim.updateProduct([...stack.js.sim.state.products.values()].find((p) => p.sku === 'STK-ONEWAY')!.id, { stock: 77 });
    await productSyncsDone();
    expect(stack.rb.simulator.stockOf(item.rbId, warehouseId)).toBe(rbStockBefore);
  });

  it('answers 400 for a notice naming nothing, 404 for an unknown store, 401 without the token', async () => {
    expect((await notice({ store: stack.storeCode })).status).toBe(400);
    expect((await notice({ store: 'nobody', skus: ['X'] })).status).toBe(404);
    const res = await fetch(`${stack.apiUrl}/stock/notices`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });
});

describe('stock reconcile', () => {
  it('reads each linked SKU once and pushes only the ones whose shop value changed, with a drift report', async () => {
    const items = await Promise.all(['REC-1', 'REC-2', 'REC-3', 'REC-4'].map((sku, i) => linkedSku(sku, { relbaseStock: 10 + i })));
    // Bring REC-* in line first, then change two of them in relBase.
    await notice({ store: stack.storeCode, skus: ['REC-1', 'REC-2', 'REC-3', 'REC-4'] });
    await until(
      () => items.map((i) => i.shop().stock),
      (s) => s.join() === '10,11,12,13',
    );
    stack.rb.simulator.setStock({ productId: items[1]!.rbId, warehouseId, set: 50 });
    stack.rb.simulator.setStock({ productId: items[3]!.rbId, warehouseId, set: -2 });

    const routeReads = () =>
      Object.entries(stack.rb.simulator.requests().byRoute)
        .filter(([r]) => r.includes('stock_por_bodegas'))
        .reduce((n, [, c]) => n + c, 0);
    const linkedCount = Number(
      (
        await stack.db
          .selectFrom('product_links')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('store_code', '=', stack.storeCode)
          .where('active', '=', true)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const readsBefore = routeReads();
    const writesBefore = stack.js.sim.requestStats().writes;
    const report = (await stack.temporal.workflow.execute(STOCK_RECONCILE_WORKFLOW_TYPE, {
      workflowId: stockReconcileWorkflowId(stack.storeCode),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode }],
    })) as StockReconcileProgress;
    await until(
      () => items.map((i) => i.shop().stock),
      (s) => s.join() === '10,50,12,0',
    );

    expect(routeReads() - readsBefore).toBe(linkedCount); // one read per linked SKU, none again by the pushes
    expect(report.checked).toBe(linkedCount);
    expect(report.drift).toEqual(
      expect.arrayContaining([
        { sku: 'REC-2', relbase: 50, jumpseller: 11 },
        { sku: 'REC-4', relbase: -2, jumpseller: 13 },
      ]),
    );
    expect(report.drift.map((d) => d.sku)).not.toContain('REC-1');
    await until(
      () => stack.js.sim.requestStats().writes - writesBefore,
      (n) => n >= 2,
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect(stack.js.sim.requestStats().writes - writesBefore).toBeLessThanOrEqual(report.changed);
    const stored = await stack.db
      .selectFrom('sync_reports')
      .selectAll()
      .where('store_code', '=', stack.storeCode)
      .where('kind', '=', 'stock-reconcile')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('completed');
    expect(stored.report).toMatchObject({ checked: linkedCount });
  });
});
