/**
 * Stock push and stock reconcile, with time skipped: the store's debounce before a push, the idle
 * end after two quiet minutes, the hand-over to a new run after 100 rounds (carrying the notice not
 * yet pushed), and the reconcile's pages and continue-as-new. Activities are fakes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockTarget } from '../../src/activities/stock-activities.js';
import type { LinkedSkuStock } from '../../src/db/stock-pushes-repository.js';
import { stockChangedSignal, stockPushWorkflowId, stockReconcileWorkflowId, type StockChange, type StockReconcileProgress } from '../../src/workflows/stock/contracts.js';
import type { stockPushWorkflow } from '../../src/workflows/stock/push-workflow.js';
import type { stockReconcileWorkflow } from '../../src/workflows/stock/reconcile-workflow.js';
import { STOCK_PUSH_WORKFLOW_TYPE, STOCK_RECONCILE_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { Calls, newStore, openEnv, runIdsOf, skipTime, timersOf, withWorkers, type TestStore, type WorkflowTestEnv } from './support/harness.js';

const SKU = 'SKU-1';
const LINK = { relbaseProductId: 900, jsProductId: 77, jsVariantId: null };

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

function startPush(store: TestStore, change: StockChange, roundsPerRun?: number) {
  return env.client.workflow.signalWithStart<typeof stockPushWorkflow, [StockChange]>(STOCK_PUSH_WORKFLOW_TYPE, {
    workflowId: stockPushWorkflowId(store.storeCode, SKU),
    taskQueue: store.taskQueue,
    args: [{ storeCode: store.storeCode, sku: SKU, ...(roundsPerRun !== undefined ? { roundsPerRun } : {}) }],
    signal: stockChangedSignal,
    signalArgs: [change],
  });
}

function pushFakes(target: StockTarget, o: { relbaseStock?: number; shopStock?: number; onWrite?: (write: number) => Promise<void> } = {}) {
  const calls = new Calls();
  let writes = 0;
  const activities = calls.record({
    loadStockTarget: () => target,
    readRelbaseStock: () => o.relbaseStock ?? 0,
    readShopStock: () => ({ stock: o.shopStock ?? -1, unlimited: false }),
    async writeShopStock(): Promise<void> {
      writes++;
      if (o.onWrite) await o.onWrite(writes);
    },
    recordStockPush: () => undefined,
  });
  return { calls, activities };
}

describe('stock push', () => {
  it('waits out the debounce, pushes the reading it was given, and ends after two idle minutes', async () => {
    const store = newStore();
    const f = pushFakes({ enabled: true, debounceMs: 3_000, link: LINK, lastPushed: 3 });
    const handle = await startPush(store, { observed: 7.6 });
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status).toMatchObject({ state: 'waiting', pushes: 1, lastPushed: 7, lastRead: 7.6, lastOutcome: 'pushed 7' });
    expect(f.calls.names()).toEqual(['loadStockTarget', 'loadStockTarget', 'writeShopStock', 'recordStockPush']);
    expect(f.calls.inputs('writeShopStock')).toEqual([{ storeCode: store.storeCode, jsProductId: 77, jsVariantId: null, quantity: 7 }]);
    expect(await timersOf(handle)).toEqual([3, 120]);
  });

  it('a notice without a reading reads relBase; a first push the shop already shows is only recorded', async () => {
    const store = newStore();
    const f = pushFakes({ enabled: true, debounceMs: 1_000, link: LINK, lastPushed: null }, { relbaseStock: 12, shopStock: 12 });
    const handle = await startPush(store, {});
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    expect(status).toMatchObject({ pushes: 0, skipped: 1, lastPushed: 12 });
    expect(f.calls.names()).toEqual(['loadStockTarget', 'loadStockTarget', 'readRelbaseStock', 'readShopStock', 'recordStockPush']);
  });

  it('stock sync switched off during the debounce: nothing is read or pushed', async () => {
    const store = newStore();
    const calls = new Calls();
    let loads = 0;
    const activities = calls.record({
      loadStockTarget: (): StockTarget => ({ enabled: loads++ === 0, debounceMs: 5_000, link: LINK, lastPushed: 3 }),
      readRelbaseStock: () => 1,
      writeShopStock: () => undefined,
      recordStockPush: () => undefined,
    });
    const handle = await startPush(store, {});
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, activities, () => handle.result());
    expect(status.lastOutcome).toBe('stock sync off: nothing pushed');
    expect(calls.names()).toEqual(['loadStockTarget', 'loadStockTarget']);
  });

  it.each([
    ['unlinked', (n: number): StockTarget => ({ enabled: true, debounceMs: 1_000, link: n <= 2 ? null : LINK, lastPushed: null })],
    ['off', (n: number): StockTarget => ({ enabled: n > 2, debounceMs: 1_000, link: LINK, lastPushed: null })],
  ] as const)('a notice that arrives while the target is read again is kept when that read says %s: the next round pushes it', async (_case, targetAt) => {
    const store = newStore();
    const workflowId = stockPushWorkflowId(store.storeCode, SKU);
    const calls = new Calls();
    let loads = 0;
    const activities = calls.record({
      // The second read (after the debounce) is served from before the SKU was linked (or sync
      // switched on); the notice that change sends arrives while it runs. From then on it holds.
      async loadStockTarget(): Promise<StockTarget> {
        const n = ++loads;
        if (n === 2) await env.client.workflow.getHandle(workflowId).signal(stockChangedSignal, { observed: 8 });
        return targetAt(n);
      },
      readRelbaseStock: () => 8,
      readShopStock: () => ({ stock: 2, unlimited: false }),
      writeShopStock: () => undefined,
      recordStockPush: () => undefined,
    });
    const handle = await startPush(store, {});
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, activities, () => handle.result());
    // The first notice carried no reading, so the push reads relBase (8).
    expect(calls.names()).toEqual([
      'loadStockTarget',
      'loadStockTarget',
      'loadStockTarget',
      'loadStockTarget',
      'readRelbaseStock',
      'readShopStock',
      'writeShopStock',
      'recordStockPush',
    ]);
    expect(status).toMatchObject({ pushes: 1, lastPushed: 8, lastOutcome: 'pushed 8' });
  });

  it('after its rounds per run it continues as new, carrying the notice not yet pushed, and the new run pushes it', async () => {
    const store = newStore();
    const workflowId = stockPushWorkflowId(store.storeCode, SKU);
    // Each of the first run's 3 rounds gets the next notice while it pushes; the last one is left for the next run.
    const f = pushFakes(
      { enabled: true, debounceMs: 1, link: LINK, lastPushed: 4 },
      {
        onWrite: async (write) => {
          if (write <= 3) await env.client.workflow.getHandle(workflowId).signal(stockChangedSignal, { observed: write === 3 ? 9 : 5 });
        },
      },
    );
    const handle = await startPush(store, { observed: 5 }, 3);
    await skipTime(env.client, handle.workflowId);
    const status = await withWorkers(env, store, f.activities, () => handle.result());
    const runs = await runIdsOf(env.client, workflowId);
    expect(runs.length).toBe(2);
    const first = await env.client.workflow.getHandle(workflowId, runs[0]).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const secondInput = (await env.client.workflow.getHandle(workflowId, runs[1]).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input;
    expect(secondInput?.payloads?.length).toBe(1);
    // The new run pushed the carried reading: one round, one push of 9.
    expect(status).toMatchObject({ pushes: 1, skipped: 0, lastPushed: 9 });
    expect(f.calls.count('loadStockTarget')).toBe(2 * 4);
    expect(f.calls.inputs<{ quantity: number }>('writeShopStock').map((w) => w.quantity)).toEqual([5, 5, 5, 9]);
  });
});

describe('stock reconcile', () => {
  function reconcileFakes(pages: LinkedSkuStock[][], stock: (sku: string) => number) {
    const calls = new Calls();
    const activities = calls.record({
      startStockReconcileReport: () => 'report-1',
      stockSyncEnabled: () => true,
      listLinkedSkus: (input: { afterSku: string | null }) => {
        const i = input.afterSku === null ? 0 : pages.findIndex((p) => p.some((s) => s.sku === input.afterSku)) + 1;
        return pages[i] ?? [];
      },
      readRelbaseStock: (input: { relbaseProductId: number }) => {
        const sku = pages.flat().find((s) => Number(s.relbaseProductId) === input.relbaseProductId)!.sku;
        const value = stock(sku);
        if (Number.isNaN(value)) throw ApplicationFailure.nonRetryable(`relBase has no product ${input.relbaseProductId}`);
        return value;
      },
      requestStockPushes: (input: { changes: unknown[] }) => input.changes.length,
      saveStockReconcileReport: () => undefined,
    });
    return { calls, activities };
  }

  it('reads every linked SKU page by page, hands the drifted ones to their pushes, and continues as new after four pages', async () => {
    const store = newStore();
    const pages: LinkedSkuStock[][] = Array.from({ length: 5 }, (_, p) => [
      { sku: `S${p}a`, relbaseProductId: String(100 + 2 * p), lastPushed: 4 },
      { sku: `S${p}b`, relbaseProductId: String(101 + 2 * p), lastPushed: 4 },
    ]);
    // S1b drifted (relBase 10, shop 4); S3a cannot be read; the rest agree.
    const f = reconcileFakes(pages, (sku) => (sku === 'S1b' ? 10 : sku === 'S3a' ? Number.NaN : 4));
    const workflowId = stockReconcileWorkflowId(store.storeCode);
    const result = await withWorkers(env, store, f.activities, () =>
      env.client.workflow.execute<typeof stockReconcileWorkflow>(STOCK_RECONCILE_WORKFLOW_TYPE, { workflowId, taskQueue: store.taskQueue, args: [{ storeCode: store.storeCode }] }),
    );
    expect(result).toMatchObject<Partial<StockReconcileProgress>>({
      reportId: 'report-1',
      checked: 10,
      changed: 1,
      failed: 1,
      drift: [{ sku: 'S1b', relbase: 10, jumpseller: 4 }],
    });
    expect(result.failures).toEqual([{ sku: 'S3a', error: 'relBase has no product 106' }]);
    expect(f.calls.inputs('requestStockPushes')).toEqual([{ storeCode: store.storeCode, changes: [{ sku: 'S1b', observed: 10 }] }]);
    expect((await runIdsOf(env.client, workflowId)).length).toBe(2);
    expect(f.calls.count('startStockReconcileReport')).toBe(1);
    expect(f.calls.inputs<{ status: string }>('saveStockReconcileReport').map((s) => s.status)).toEqual(['running', 'running', 'running', 'running', 'running', 'completed']);
  });
});
