/** The `sync_reports` table: one row per bulk sync run (catalog, stock reconcile), its status and final report. */
import type { Db } from './database.js';
import type { Selectable } from 'kysely';
import type { SyncReportsTable } from './schema.js';

export type SyncReportRecord = Selectable<SyncReportsTable>;

/** A sync started: the row shows it as running until `finishSyncReport`. */
export async function startSyncReport(
  db: Db,
  r: { storeCode: string; kind: string; workflowId: string; startedAt: Date | string; report?: Record<string, unknown> },
): Promise<string> {
  const row = await db
    .insertInto('sync_reports')
    .values({ store_code: r.storeCode, kind: r.kind, workflow_id: r.workflowId, status: 'running', report: JSON.stringify(r.report ?? {}), started_at: r.startedAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Progress while running (status stays), or the final report with its status ('completed', 'cancelled', 'failed'). */
export async function updateSyncReport(db: Db, id: string, u: { status?: string; report: Record<string, unknown>; finished?: boolean }): Promise<void> {
  await db
    .updateTable('sync_reports')
    .set({
      report: JSON.stringify(u.report),
      ...(u.status ? { status: u.status } : {}),
      ...(u.finished ? { finished_at: new Date() } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** The most recent report of a kind for a store (running or finished), for the admin API. */
export async function getLatestSyncReport(db: Db, storeCode: string, kind: string): Promise<SyncReportRecord | undefined> {
  return db
    .selectFrom('sync_reports')
    .selectAll()
    .where('store_code', '=', storeCode)
    .where('kind', '=', kind)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
