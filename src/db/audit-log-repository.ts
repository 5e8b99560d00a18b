/** The admin audit log: one row per admin write or stock notice, read newest first. */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.js';
import type { AdminAuditLogTable } from './schema.js';

export type AuditEntry = Selectable<AdminAuditLogTable>;
export type NewAuditEntry = Omit<Insertable<AdminAuditLogTable>, 'id' | 'details'> & { details?: Record<string, unknown> };

export async function recordAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit_log')
    .values({ ...entry, details: JSON.stringify(entry.details ?? {}) })
    .execute();
}

export async function listAudit(db: Db, o: { limit: number; storeCode?: string | undefined; actor?: string | undefined }): Promise<AuditEntry[]> {
  let q = db.selectFrom('admin_audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(o.limit);
  if (o.storeCode !== undefined) q = q.where('store_code', '=', o.storeCode);
  if (o.actor !== undefined) q = q.where('actor', '=', o.actor);
  return q.execute();
}

/** Deletes entries older than `before`; returns how many. */
export async function pruneAudit(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('admin_audit_log').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
