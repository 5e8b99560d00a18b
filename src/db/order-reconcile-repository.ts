/**
 * What the paid-order reconcile reads from our own records: which orders already have their document,
 * which wait in a workflow that is known to be alive, when the last complete run started, and the
 * runs' reports (rows of `sync_reports` of kind `order-reconcile`).
 */
import { sql } from 'kysely';
import type { Db } from './database.js';

export const ORDER_RECONCILE_REPORT_KIND = 'order-reconcile';

/** Of these orders, those whose relBase document is issued (the `documents` table says so). */
export async function ordersWithIssuedDocument(db: Db, storeCode: string, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents')
    .select('order_id')
    .where('store_code', '=', storeCode)
    .where('order_id', 'in', [...orderIds])
    .where('state', '=', 'issued')
    .execute();
  return new Set(rows.map((r) => r.order_id));
}

/** The read-model state of each of these orders that has one. */
export async function orderReadModelStates(db: Db, storeCode: string, orderIds: readonly string[]): Promise<Map<string, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select(['order_id', 'state'])
    .where('store_code', '=', storeCode)
    .where('order_id', 'in', [...orderIds])
    .execute();
  return new Map(rows.map((r) => [r.order_id, r.state]));
}

/** When the store's last reconcile that went through every page started; undefined before the first. */
export async function lastCompleteReconcileStart(db: Db, storeCode: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('sync_reports')
    .select('started_at')
    .where('store_code', '=', storeCode)
    .where('kind', '=', ORDER_RECONCILE_REPORT_KIND)
    .where('status', '=', 'completed')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.started_at;
}

/** Each store's last finished reconcile (completed or failed) with its report, for the metrics. */
export async function lastFinishedReconciles(db: Db): Promise<{ store_code: string; finished_at: Date; status: string; report: Record<string, unknown> }[]> {
  const rows = await db
    .selectFrom('sync_reports')
    .select(['store_code', 'finished_at', 'status', 'report'])
    .distinctOn('store_code')
    .where('kind', '=', ORDER_RECONCILE_REPORT_KIND)
    .where('finished_at', 'is not', null)
    .orderBy('store_code')
    .orderBy(sql`finished_at desc`)
    .execute();
  return rows.map((r) => ({ ...r, finished_at: r.finished_at! }));
}
