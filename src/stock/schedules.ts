/**
 * The stock reconcile schedule of each store (`stock-reconcile-schedule:{store}`), created or brought
 * up to date with the store's `reconcileIntervalMinutes` at start-up, at install and when the setting
 * changes. Overlapping runs are skipped: a slow reconcile is never doubled, also when an operator
 * asks for one (`triggerStockReconcile`).
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { triggerSchedule } from '../temporal/trigger-schedule.js';
import { stockReconcileScheduleId, stockReconcileWorkflowId, STOCK_RECONCILE_WORKFLOW_TYPE, type StockReconcileInput } from '../workflows/stock/contracts.js';

export async function ensureStockReconcileSchedule(client: Client, taskQueue: string, storeCode: string, intervalMinutes: number): Promise<'created' | 'updated'> {
  const scheduleId = stockReconcileScheduleId(storeCode);
  const spec = { intervals: [{ every: `${intervalMinutes} minutes` }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: STOCK_RECONCILE_WORKFLOW_TYPE,
        workflowId: stockReconcileWorkflowId(storeCode),
        taskQueue,
        args: [{ storeCode } satisfies StockReconcileInput],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec }));
    return 'updated';
  }
}

export type StockReconcileTrigger = { kind: 'triggered' } | { kind: 'running'; workflowId: string } | { kind: 'no schedule' };

/**
 * Starts a reconcile now through the store's schedule, unless one of its runs goes on (then it says
 * which: the schedule's overlap rule would skip the trigger anyway).
 */
export async function triggerStockReconcile(client: Client, storeCode: string): Promise<StockReconcileTrigger> {
  const scheduleId = stockReconcileScheduleId(storeCode);
  try {
    const running = (await client.schedule.getHandle(scheduleId).describe()).info.runningActions[0];
    if (running) return { kind: 'running', workflowId: running.workflow.workflowId };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { kind: 'no schedule' };
    throw err;
  }
  return (await triggerSchedule(client, scheduleId)) ? { kind: 'triggered' } : { kind: 'no schedule' };
}

/** Every active store's reconcile schedule, at its configured interval; failures are logged, not fatal. */
export async function ensureStockReconcileSchedules(
  client: Client,
  taskQueue: string,
  stores: { codes(): Promise<string[]>; get(code: string): Promise<{ settings: { reconcileIntervalMinutes: number } } | undefined> },
  logger: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
): Promise<void> {
  for (const code of await stores.codes()) {
    const store = await stores.get(code);
    if (!store) continue;
    try {
      const outcome = await ensureStockReconcileSchedule(client, taskQueue, code, store.settings.reconcileIntervalMinutes);
      logger.info({ store: code, every: `${store.settings.reconcileIntervalMinutes} min`, outcome }, 'stock reconcile schedule');
    } catch (err) {
      logger.warn({ store: code, err: err instanceof Error ? err.message : String(err) }, 'could not create the stock reconcile schedule');
    }
  }
}
