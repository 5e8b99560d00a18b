/**
 * Product sync's waits, with time skipped: the debounce that coalesces a burst of webhooks, a change
 * during a pass (a second pass after its own quiet time), the pause before looking again after a
 * create whose outcome is unknown, the bounded wait for another sync's create intent, and the paging
 * through waiting orders. Activities are fakes of one product with one SKU.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRead } from '../../src/activities/product-activities.js';
import type { IntentClaim } from '../../src/db/create-intents-repository.js';
import { productChangedSignal, productWorkflowId, type CreateOutcome, type RelbaseEntry, type SyncItem } from '../../src/workflows/product/contracts.js';
import type { productSyncWorkflow } from '../../src/workflows/product/workflow.js';
import { PRODUCT_SYNC_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { Calls, newStore, openEnv, skipTime, timersOf, withWorkers, type TestStore, type WorkflowTestEnv } from './support/harness.js';

const PRODUCT_ID = '77';
const ITEM: SyncItem = {
  key: '77',
  sku: 'SKU-1',
  label: 'Polera [product 77]',
  name: 'Polera',
  price: 11900,
  jsProductId: PRODUCT_ID,
  jsVariantId: null,
  imageUrl: null,
  fingerprint: 'fp-polera-11900',
};
const CREATED: RelbaseEntry = { id: 900, fingerprint: ITEM.fingerprint, hasImage: false };

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

interface ProductScript {
  /** What each create does (the last repeats). */
  creates?: CreateOutcome['kind'][];
  /** Claims answer "held by another sync" this many times first (Infinity: always). */
  heldClaims?: number;
  /** Pages of waiting orders: how many each page signalled. */
  wakePages?: number[];
  /** Called inside the first read of the product (to send a change during the pass). */
  duringFirstRead?: () => Promise<void>;
}

function productFakes(script: ProductScript = {}) {
  const calls = new Calls();
  let creates = 0;
  let claims = 0;
  let reads = 0;
  const pages = script.wakePages ?? [0];
  const activities = calls.record({
    async readProductForSync(): Promise<ProductRead> {
      if (reads++ === 0 && script.duringFirstRead) await script.duringFirstRead();
      return { found: true, name: ITEM.name, items: [ITEM] };
    },
    loadProductLinks: () => ({ links: {}, sharedElsewhere: {} }),
    claimProductSkus: () => ({ sharedElsewhere: {}, deactivated: [] }),
    deactivateProductLinks: (): string[] => [],
    findRelbaseProductsPage: () => ({ matches: [], nextPage: null }),
    claimCreateIntents: (input: { skus: string[]; owner: string }): IntentClaim[] =>
      input.skus.map((sku) =>
        claims++ < (script.heldClaims ?? 0)
          ? { sku, state: 'held', owner: 'product:other/run', expiresAt: new Date(Date.now() + 60_000).toISOString() }
          : { sku, state: 'claimed', createsUnconfirmed: 0, linkedTo: null },
      ),
    createRelbaseProductOnce: (): CreateOutcome => {
      const kind = (script.creates ?? ['created'])[Math.min(creates++, (script.creates ?? ['created']).length - 1)]!;
      if (kind === 'created') return { kind, entry: CREATED };
      if (kind === 'unknown') return { kind, reason: 'timeout after 15 s' };
      if (kind === 'refused') return { kind, reason: '403' };
      return { kind };
    },
    finishSkuSync: () => undefined,
    wakePendingOrdersPage: (input: { afterOrderId: string | null }) => {
      const i = input.afterOrderId === null ? 0 : Number(input.afterOrderId.slice(1));
      return { signalled: pages[i] ?? 0, next: i + 1 < pages.length ? `p${i + 1}` : null };
    },
  });
  return { calls, activities };
}

function startWithSignals(store: TestStore, signals: number) {
  return (async () => {
    const handle = await env.client.workflow.signalWithStart<typeof productSyncWorkflow, [{ event: string; deliveryId: string | null }]>(PRODUCT_SYNC_WORKFLOW_TYPE, {
      workflowId: productWorkflowId(store.storeCode, PRODUCT_ID),
      taskQueue: store.taskQueue,
      args: [{ storeCode: store.storeCode, productId: PRODUCT_ID }],
      signal: productChangedSignal,
      signalArgs: [{ event: 'product_updated', deliveryId: 'd-0' }],
    });
    for (let i = 1; i < signals; i++) await handle.signal(productChangedSignal, { event: 'product_updated', deliveryId: `d-${i}` });
    return handle;
  })();
}

describe('product sync', () => {
  it('a burst of webhooks waits out one 2 s quiet time and makes one pass', async () => {
    const store = newStore();
    const f = productFakes();
    // Sent before any worker runs: the whole burst is there when the run starts.
    const handle = await startWithSignals(store, 3);
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status.state).toBe('synced');
    expect(status.signals).toBe(3);
    expect(status.passes).toBe(1);
    expect(f.calls.count('readProductForSync')).toBe(1);
    expect(status.skus).toEqual([{ sku: 'SKU-1', relbaseProductId: CREATED.id, outcome: 'created', image: 'none' }]);
    expect(await timersOf(handle)).toEqual([2]);
  });

  it('a change during a pass makes a second pass, after its own quiet time', async () => {
    const store = newStore();
    const workflowId = productWorkflowId(store.storeCode, PRODUCT_ID);
    const f = productFakes({
      duringFirstRead: async () => {
        await env.client.workflow.getHandle(workflowId).signal(productChangedSignal, { event: 'product_updated', deliveryId: 'during' });
      },
    });
    const handle = await startWithSignals(store, 1);
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status.passes).toBe(2);
    expect(status.signals).toBe(2);
    expect(f.calls.count('readProductForSync')).toBe(2);
    expect(await timersOf(handle)).toEqual([2, 2]);
  });

  it('after a create with an unknown outcome it pauses 5 s and looks the code up before creating again', async () => {
    const store = newStore();
    const f = productFakes({ creates: ['unknown', 'created'] });
    const handle = await startWithSignals(store, 1);
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status.state).toBe('synced');
    expect(f.calls.names(['findRelbaseProductsPage', 'claimCreateIntents', 'createRelbaseProductOnce', 'finishSkuSync'])).toEqual([
      'findRelbaseProductsPage',
      'claimCreateIntents',
      'createRelbaseProductOnce',
      'findRelbaseProductsPage',
      'createRelbaseProductOnce',
      'finishSkuSync',
    ]);
    expect(await timersOf(handle)).toEqual([2, 5]);
  });

  it('waits about six minutes for a create intent another sync holds, then reports the SKU failed without creating', async () => {
    const store = newStore();
    const f = productFakes({ heldClaims: Infinity });
    const handle = await startWithSignals(store, 1);
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status.state).toBe('failed');
    expect(status.problems).toEqual([expect.objectContaining({ kind: 'failed', sku: 'SKU-1', reason: expect.stringContaining('kept creating SKU-1') as unknown })]);
    expect(f.calls.count('createRelbaseProductOnce')).toBe(0);
    expect(f.calls.count('claimCreateIntents')).toBe(12);
    expect(await timersOf(handle)).toEqual([2, 1, 2, 4, 8, 15, 30, 60, 60, 60, 60, 60]);
  });

  it('wakes the orders waiting for the SKUs page by page', async () => {
    const store = newStore();
    const f = productFakes({ wakePages: [100, 100, 7] });
    const handle = await startWithSignals(store, 1);
    await skipTime(env.client, handle.workflowId);
    await withWorkers(env, store, f.activities, () => handle.result());
    expect(f.calls.inputs('wakePendingOrdersPage')).toEqual([
      { storeCode: store.storeCode, skus: ['SKU-1'], afterOrderId: null },
      { storeCode: store.storeCode, skus: ['SKU-1'], afterOrderId: 'p1' },
      { storeCode: store.storeCode, skus: ['SKU-1'], afterOrderId: 'p2' },
    ]);
  });
});
