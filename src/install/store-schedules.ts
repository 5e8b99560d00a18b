/**
 * A store's schedules (stock reconcile, paid-order reconcile), created or brought up to date with its
 * settings: by the install workflow, and by the admin API when an interval setting changes.
 */
import type { Client } from '@temporalio/client';
import { ensureOrderReconcileSchedule } from '../order-reconcile/schedules.js';
import type { StoreSettings } from '../stores/settings.js';
import { ensureStockReconcileSchedule } from '../stock/schedules.js';

export interface StoreSchedulesOutcome {
  stockReconcile: 'created' | 'updated';
  orderReconcile: 'created' | 'updated';
}

/** The settings that shape the schedules; a change to one of them brings the schedules up to date. */
export const SCHEDULE_SETTINGS = ['reconcileIntervalMinutes', 'orderReconcileIntervalMinutes'] as const satisfies readonly (keyof StoreSettings)[];

export async function ensureStoreSchedules(
  client: Client,
  o: { storeCode: string; taskQueue: string; hookUrl: string | null; settings: Pick<StoreSettings, (typeof SCHEDULE_SETTINGS)[number]> },
): Promise<StoreSchedulesOutcome> {
  const stockReconcile = await ensureStockReconcileSchedule(client, o.taskQueue, o.storeCode, o.settings.reconcileIntervalMinutes);
  const orderReconcile = await ensureOrderReconcileSchedule(client, {
    taskQueue: o.taskQueue,
    storeCode: o.storeCode,
    hookUrl: o.hookUrl,
    everyMs: o.settings.orderReconcileIntervalMinutes * 60_000,
  });
  return { stockReconcile, orderReconcile };
}
