/** `stock_pushes`: the last whole quantity pushed to Jumpseller per store and SKU (what the shop shows). */
import type { Db } from './database.js';

export async function findLastPushed(db: Db, storeCode: string, sku: string): Promise<number | null> {
  const row = await db.selectFrom('stock_pushes').select('quantity').where('store_code', '=', storeCode).where('sku', '=', sku).executeTakeFirst();
  return row?.quantity ?? null;
}

export async function recordPush(db: Db, storeCode: string, sku: string, quantity: number): Promise<void> {
  await db
    .insertInto('stock_pushes')
    .values({ store_code: storeCode, sku, quantity })
    .onConflict((oc) => oc.columns(['store_code', 'sku']).doUpdateSet({ quantity, pushed_at: new Date() }))
    .execute();
}

export interface LinkedSkuStock {
  sku: string;
  relbaseProductId: string;
  lastPushed: number | null;
}

/** Active links in SKU order after `afterSku`, with the last quantity pushed for each: a reconcile page. */
export async function listLinkedSkusForReconcile(db: Db, storeCode: string, afterSku: string | null, limit: number): Promise<LinkedSkuStock[]> {
  let q = db
    .selectFrom('product_links as l')
    .leftJoin('stock_pushes as p', (join) => join.onRef('p.store_code', '=', 'l.store_code').onRef('p.sku', '=', 'l.sku'))
    .select(['l.sku', 'l.relbase_product_id', 'p.quantity'])
    .where('l.store_code', '=', storeCode)
    .where('l.active', '=', true);
  if (afterSku !== null) q = q.where('l.sku', '>', afterSku);
  const rows = await q.orderBy('l.sku').limit(limit).execute();
  return rows.map((r) => ({ sku: r.sku, relbaseProductId: r.relbase_product_id, lastPushed: r.quantity ?? null }));
}

/** SKUs of the store's active links to the given relBase products (a stock notice may name products). */
export async function skusOfRelbaseProducts(db: Db, storeCode: string, relbaseProductIds: readonly string[]): Promise<string[]> {
  if (relbaseProductIds.length === 0) return [];
  const rows = await db
    .selectFrom('product_links')
    .select('sku')
    .where('store_code', '=', storeCode)
    .where('active', '=', true)
    .where('relbase_product_id', 'in', relbaseProductIds)
    .execute();
  return rows.map((r) => r.sku);
}
