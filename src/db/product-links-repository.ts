/** The `product_links` table: which relBase product each of a store's SKUs is. */
import type { Db } from './database.js';
import type { ProductLink } from './schema.js';

/** Active links for the given SKUs, as sku → relBase product id. */
export async function findActiveLinks(db: Db, storeCode: string, skus: string[]): Promise<Record<string, string>> {
  if (skus.length === 0) return {};
  const rows = await db
    .selectFrom('product_links')
    .select(['sku', 'relbase_product_id'])
    .where('store_code', '=', storeCode)
    .where('sku', 'in', skus)
    .where('active', '=', true)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.sku, r.relbase_product_id]));
}

export interface LinkInput {
  storeCode: string;
  sku: string;
  jsProductId: string;
  jsVariantId: string | null;
  relbaseProductId: string;
  imageSynced?: boolean;
}

export async function upsertLink(db: Db, l: LinkInput): Promise<void> {
  const values = {
    js_product_id: l.jsProductId,
    js_variant_id: l.jsVariantId,
    relbase_product_id: l.relbaseProductId,
    active: true,
    last_synced_at: new Date(),
    ...(l.imageSynced === undefined ? {} : { image_synced: l.imageSynced }),
  };
  await db
    .insertInto('product_links')
    .values({ store_code: l.storeCode, sku: l.sku, ...values })
    .onConflict((oc) => oc.columns(['store_code', 'sku']).doUpdateSet(values))
    .execute();
}

export async function listLinks(db: Db, storeCode: string): Promise<ProductLink[]> {
  return db.selectFrom('product_links').selectAll().where('store_code', '=', storeCode).orderBy('sku').execute();
}
