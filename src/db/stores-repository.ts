/** Reading and writing `stores` rows. Plain functions taking the db (or a transaction) first. */
import type { Db } from './database.js';
import type { Store } from './schema.js';

export async function findStore(db: Db, code: string): Promise<Store | undefined> {
  return db.selectFrom('stores').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listStoreCodes(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('stores').select('code').where('status', '=', 'active').orderBy('code').execute();
  return rows.map((r) => r.code);
}

/** Creates the single-store row if missing; an existing row keeps its settings (operators may have changed them). */
export async function ensureBasicStore(db: Db, code: string, initialSettings: Record<string, unknown>): Promise<void> {
  await db
    .insertInto('stores')
    .values({ code, auth_kind: 'basic', status: 'active', settings: JSON.stringify(initialSettings) })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export async function saveStoreSettings(db: Db, code: string, settings: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('stores')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('code', '=', code)
    .execute();
}
