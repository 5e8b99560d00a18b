/**
 * `relbase_product_codes`: relBase product ids found by product code, so a lookup relBase answered
 * once (the shipping product) is not repeated for every order. An entry is forgotten when relBase
 * refuses a document that used it, so a product recreated in relBase is looked up again.
 */
import type { Db } from './database.js';

export async function findRelbaseProductIdByCode(db: Db, storeCode: string, code: string): Promise<number | null> {
  const row = await db.selectFrom('relbase_product_codes').select('relbase_product_id').where('store_code', '=', storeCode).where('code', '=', code).executeTakeFirst();
  return row ? Number(row.relbase_product_id) : null;
}

export async function rememberRelbaseProductId(db: Db, storeCode: string, code: string, relbaseProductId: number): Promise<void> {
  await db
    .insertInto('relbase_product_codes')
    .values({ store_code: storeCode, code, relbase_product_id: String(relbaseProductId), found_at: new Date() })
    .onConflict((oc) => oc.columns(['store_code', 'code']).doUpdateSet({ relbase_product_id: String(relbaseProductId), found_at: new Date() }))
    .execute();
}

export async function forgetRelbaseProductId(db: Db, storeCode: string, code: string): Promise<void> {
  await db.deleteFrom('relbase_product_codes').where('store_code', '=', storeCode).where('code', '=', code).execute();
}
