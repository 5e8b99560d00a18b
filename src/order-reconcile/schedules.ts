/**
 * The paid-order reconcile schedule of each store (`order-reconcile-schedule:{store}`), created or
 * brought up to date (interval and hook URL) where the stock reconcile schedules are, at start-up.
 * Overlapping runs are skipped: a slow reconcile is never doubled. `triggerOrderReconcile` runs one
 * now through the schedule, so an operator's run obeys the same overlap rule.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { triggerSchedule } from '../temporal/trigger-schedule.js';
import { ORDER_RECONCILE_WORKFLOW_TYPE, orderReconcileScheduleId, orderReconcileWorkflowId, type OrderReconcileInput } from '../workflows/order-reconcile/contracts.js';

export interface OrderReconcileScheduleOptions {
  taskQueue: string;
  storeCode: string;
  /** Where the store's hooks must point; null: the runs do not check hooks. */
  hookUrl: string | null;
  /** Between runs, in milliseconds (the store's `orderReconcileIntervalMinutes`; tests run faster). */
  everyMs: number;
}

export async function ensureOrderReconcileSchedule(client: Client, o: OrderReconcileScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = orderReconcileScheduleId(o.storeCode);
  const spec = { intervals: [{ every: o.everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: ORDER_RECONCILE_WORKFLOW_TYPE,
    workflowId: orderReconcileWorkflowId(o.storeCode),
    taskQueue: o.taskQueue,
    args: [{ storeCode: o.storeCode, hookUrl: o.hookUrl } satisfies OrderReconcileInput],
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}

/** Every active store's schedule, at its configured interval; failures are logged, not fatal. */
export async function ensureOrderReconcileSchedules(
  client: Client,
  taskQueue: string,
  hookUrl: string | null,
  stores: { codes(): Promise<string[]>; get(code: string): Promise<{ settings: { orderReconcileIntervalMinutes: number } } | undefined> },
  logger: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
): Promise<void> {
  for (const code of await stores.codes()) {
    const store = await stores.get(code);
    if (!store) continue;
    const minutes = store.settings.orderReconcileIntervalMinutes;
    try {
      const outcome = await ensureOrderReconcileSchedule(client, { taskQueue, storeCode: code, hookUrl, everyMs: minutes * 60_000 });
      logger.info({ store: code, every: `${minutes} min`, outcome }, 'paid-order reconcile schedule');
    } catch (err) {
      logger.warn({ store: code, err: err instanceof Error ? err.message : String(err) }, 'could not create the paid-order reconcile schedule');
    }
  }
}

/** Starts a run now through the store's schedule; false when the store has no schedule. */
export function triggerOrderReconcile(client: Client, storeCode: string): Promise<boolean> {
  return triggerSchedule(client, orderReconcileScheduleId(storeCode));
}
