/**
 * The scheduled workflows: the paid-order reconcile (hooks, pages of paid orders, dispatch, the
 * report's status and continue-as-new past 40 pages) and the retention of webhook deliveries
 * (batches, cut-offs from the workflow's clock, continue-as-new past 100 batches). Activities are fakes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanceledOrdersDispatch, OrderIdsPage, PaidOrdersDispatch } from '../../src/activities/order-reconcile-activities.js';
import type { deliveryRetentionWorkflow } from '../../src/workflows/delivery-retention/workflow.js';
import { orderReconcileWorkflowId, type OrderReconcileWindow } from '../../src/workflows/order-reconcile/contracts.js';
import type { orderReconcileWorkflow } from '../../src/workflows/order-reconcile/workflow.js';
import { DELIVERY_RETENTION_WORKFLOW_TYPE, ORDER_RECONCILE_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { Calls, newStore, openEnv, runIdsOf, withWorkers, type WorkflowTestEnv } from './support/harness.js';

const DAY_MS = 86_400_000;
const WINDOW: OrderReconcileWindow = { from: '2026-12-01T00:00:00Z', to: '2026-12-07T00:00:00Z', initialDate: '2026-11-30', finalDate: '2026-12-08' };

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

const CANCELLATION_WINDOW: OrderReconcileWindow = { from: '2026-11-06T00:00:00Z', to: '2026-12-07T00:00:00Z', initialDate: '2026-11-05', finalDate: '2026-12-08' };

function reconcileFakes(pageCount: number, canceledPages = 0) {
  const calls = new Calls();
  const activities = calls.record({
    startOrderReconcile: () => ({ reportId: 'report-1', window: WINDOW, cancellationWindow: canceledPages > 0 ? CANCELLATION_WINDOW : null }),
    listCanceledOrdersPage: (input: { page: number; window: OrderReconcileWindow }): OrderIdsPage => {
      if (input.page === 2) throw ApplicationFailure.nonRetryable('Jumpseller said 500');
      return { orderIds: [`c${input.page}a`, `c${input.page}b`, `c${input.page}c`], received: 3, unreadable: 0, last: input.page >= canceledPages };
    },
    dispatchCanceledOrders: (input: { orderIds: string[] }): CanceledOrdersDispatch => ({
      alreadyCredited: 1,
      leftToOperator: 1,
      dispatched: input.orderIds.slice(2).map((orderId) => ({ orderId, outcome: 'dispatched' })),
      failures: [],
    }),
    findMissingHooks: () => ['order_paid', 'order_updated'],
    recreateHook: (input: { event: string }) => {
      if (input.event === 'order_updated') throw ApplicationFailure.nonRetryable('Jumpseller refused the hook');
    },
    listPaidOrdersPage: (input: { page: number }): OrderIdsPage => ({
      orderIds: input.page === 2 ? [] : [`o${input.page}a`, `o${input.page}b`],
      received: 2,
      unreadable: input.page === 2 ? 2 : 0,
      last: input.page >= pageCount,
    }),
    dispatchPaidOrders: (input: { orderIds: string[] }): PaidOrdersDispatch => ({
      alreadyDocumented: 1,
      waiting: 0,
      dispatched: input.orderIds.slice(1).map((orderId) => ({ orderId, outcome: 'dispatched' })),
      failures: [],
    }),
    saveOrderReconcileReport: () => undefined,
  });
  return { calls, activities };
}

describe('order reconcile', () => {
  it('recreates missing hooks, dispatches each page of paid orders and completes its report', async () => {
    const store = newStore();
    const f = reconcileFakes(3);
    const workflowId = orderReconcileWorkflowId(store.storeCode);
    const p = await withWorkers(env, store, f.activities, () =>
      env.client.workflow.execute<typeof orderReconcileWorkflow>(ORDER_RECONCILE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: store.taskQueue,
        args: [{ storeCode: store.storeCode, hookUrl: 'https://svc.example/webhooks/jumpseller' }],
      }),
    );
    expect(p).toMatchObject({ pages: 3, ordersSeen: 4, unreadable: 2, alreadyDocumented: 2, dispatched: 2, dispatchedOrderIds: ['o1b', 'o3b'] });
    expect(p.hooks).toEqual({ url: 'https://svc.example/webhooks/jumpseller', missing: ['order_paid', 'order_updated'], recreated: ['order_paid'] });
    expect(p.failures).toEqual([{ what: 'hook order_updated', error: 'Jumpseller refused the hook' }]);
    // An empty page dispatches nothing.
    expect(f.calls.inputs<{ orderIds: string[] }>('dispatchPaidOrders').map((d) => d.orderIds)).toEqual([
      ['o1a', 'o1b'],
      ['o3a', 'o3b'],
    ]);
    expect(f.calls.inputs<{ status: string }>('saveOrderReconcileReport').map((s) => s.status)).toEqual(['running', 'running', 'completed']);
  });

  it('continues as new after 40 pages, checking the hooks only once', async () => {
    const store = newStore();
    const f = reconcileFakes(41);
    const workflowId = orderReconcileWorkflowId(store.storeCode);
    const p = await withWorkers(env, store, f.activities, () =>
      env.client.workflow.execute<typeof orderReconcileWorkflow>(ORDER_RECONCILE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: store.taskQueue,
        args: [{ storeCode: store.storeCode, hookUrl: null }],
      }),
    );
    expect((await runIdsOf(env.client, workflowId)).length).toBe(2);
    expect(p.pages).toBe(41);
    expect(f.calls.count('startOrderReconcile')).toBe(1);
    expect(f.calls.count('findMissingHooks')).toBe(0);
    expect(f.calls.inputs<{ page: number }>('listPaidOrdersPage').map((x) => x.page)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });
});

describe('order reconcile: cancellations whose webhook was lost', () => {
  async function run(f: ReturnType<typeof reconcileFakes>) {
    const store = newStore();
    return withWorkers(env, store, f.activities, () =>
      env.client.workflow.execute<typeof orderReconcileWorkflow>(ORDER_RECONCILE_WORKFLOW_TYPE, {
        workflowId: orderReconcileWorkflowId(store.storeCode),
        taskQueue: store.taskQueue,
        args: [{ storeCode: store.storeCode, hookUrl: null }],
      }),
    );
  }

  it('after the last page of paid orders, lists the canceled ones over their own window and dispatches each page', async () => {
    const f = reconcileFakes(1, 1);
    const p = await run(f);
    expect(f.calls.names(['listPaidOrdersPage', 'dispatchPaidOrders', 'listCanceledOrdersPage', 'dispatchCanceledOrders'])).toEqual([
      'listPaidOrdersPage',
      'dispatchPaidOrders',
      'listCanceledOrdersPage',
      'dispatchCanceledOrders',
    ]);
    expect(f.calls.inputs<{ window: OrderReconcileWindow }>('listCanceledOrdersPage')[0]!.window).toEqual(CANCELLATION_WINDOW);
    expect(p.cancellations).toEqual({
      window: CANCELLATION_WINDOW,
      nextPage: 2,
      pages: 1,
      ordersSeen: 3,
      alreadyCredited: 1,
      leftToOperator: 1,
      dispatched: 1,
      dispatchedOrderIds: ['c1c'],
    });
    expect(f.calls.inputs<{ status: string }>('saveOrderReconcileReport').map((s) => s.status)).toEqual(['running', 'completed']);
  });

  it('a page of canceled orders Jumpseller refuses ends the run partial, with the paid orders all looked at', async () => {
    const f = reconcileFakes(1, 3);
    const p = await run(f);
    expect(f.calls.inputs<{ page: number }>('listCanceledOrdersPage').map((x) => x.page)).toEqual([1, 2]);
    expect(p.failures).toEqual([{ what: 'page 2 of canceled orders', error: 'Jumpseller said 500' }]);
    expect(f.calls.inputs<{ status: string }>('saveOrderReconcileReport').map((s) => s.status)).toEqual(['running', 'running', 'partial']);
  });

  it('without a cancellation window (turned off, or credit notes off) ends after the paid orders', async () => {
    const f = reconcileFakes(1, 0);
    const p = await run(f);
    expect(p.cancellations).toBeNull();
    expect(f.calls.count('listCanceledOrdersPage')).toBe(0);
    expect(f.calls.inputs<{ status: string }>('saveOrderReconcileReport').map((s) => s.status)).toEqual(['completed']);
  });
});

describe('delivery retention', () => {
  it('purges in batches, reduces bodies past their cut-off, and continues as new after 100 batches with its totals', async () => {
    const store = newStore();
    const calls = new Calls();
    let purges = 0;
    const activities = calls.record({
      // 101 full batches to purge, then none: the first run hands over, the second finishes.
      purgeDeliveriesBefore: (input: { limit: number }) => (purges++ < 101 ? input.limit : 0),
      reduceDeliveryBodiesBefore: () => 12,
    });
    const startedAt = Date.now();
    const result = await withWorkers(env, store, activities, () =>
      env.client.workflow.execute<typeof deliveryRetentionWorkflow>(DELIVERY_RETENTION_WORKFLOW_TYPE, {
        workflowId: `retention-${store.storeCode}`,
        taskQueue: store.taskQueue,
        args: [{ bodyRetentionDays: 7, retentionDays: 90 }],
      }),
    );
    expect(result).toEqual({ purged: 101 * 500, reduced: 12 });
    expect((await runIdsOf(env.client, `retention-${store.storeCode}`)).length).toBe(2);
    expect(calls.count('purgeDeliveriesBefore')).toBe(102);
    // The cut-offs come from the workflow's clock: 90 and 7 days before the run, never in the future.
    const purgeBefore = Date.parse(calls.inputs<{ before: string }>('purgeDeliveriesBefore')[0]!.before);
    const reduceBefore = Date.parse(calls.inputs<{ before: string }>('reduceDeliveryBodiesBefore')[0]!.before);
    expect(reduceBefore - purgeBefore).toBeGreaterThanOrEqual(83 * DAY_MS - 60_000);
    expect(purgeBefore).toBeLessThanOrEqual(Date.now() - 90 * DAY_MS);
    expect(purgeBefore).toBeGreaterThan(startedAt - 90 * DAY_MS - 60_000);
  });
});
