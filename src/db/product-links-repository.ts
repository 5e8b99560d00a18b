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

/** Links of the given SKUs, active or not, by SKU (product sync compares them with what it finds). */
export async function findLinksBySku(db: Db, storeCode: string, skus: readonly string[]): Promise<Map<string, ProductLink>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('product_links')
    .selectAll()
    .where('store_code', '=', storeCode)
    .where('sku', 'in', [...skus])
    .execute();
  return new Map(rows.map((r) => [r.sku, r]));
}

/** Rows per statement: a catalog page links hundreds of SKUs at once. */
const UPSERT_CHUNK = 500;

/**
 * Records many links with the same upsert as `upsertLink`, a chunk of rows per statement. The last
 * record of a SKU wins; `imageSynced` is written only where a record gives it.
 */
export async function upsertLinks(db: Db, links: readonly LinkInput[]): Promise<void> {
  const bySku = new Map<string, LinkInput>();
  for (const l of links) bySku.set(`${l.storeCode}\n${l.sku}`, l);
  const all = [...bySku.values()];
  for (const withImage of [true, false]) {
    const rows = all.filter((l) => (l.imageSynced !== undefined) === withImage);
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      const now = new Date();
      await db
        .insertInto('product_links')
        .values(
          chunk.map((l) => ({
            store_code: l.storeCode,
            sku: l.sku,
            js_product_id: l.jsProductId,
            js_variant_id: l.jsVariantId,
            relbase_product_id: l.relbaseProductId,
            active: true,
            last_synced_at: now,
            ...(withImage ? { image_synced: l.imageSynced! } : {}),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['store_code', 'sku']).doUpdateSet((eb) => ({
            js_product_id: eb.ref('excluded.js_product_id'),
            js_variant_id: eb.ref('excluded.js_variant_id'),
            relbase_product_id: eb.ref('excluded.relbase_product_id'),
            active: true,
            last_synced_at: now,
            ...(withImage ? { image_synced: eb.ref('excluded.image_synced') } : {}),
          })),
        )
        .execute();
    }
  }
}

/**
 * Marks inactive the active links of a Jumpseller product whose SKU is not in `keepSkus` (the
 * product was deleted, or a variant was removed or changed its SKU); returns their SKUs. relBase
 * products are never deleted: issued documents refer to them.
 */
export async function deactivateLinksOfProduct(db: Db, storeCode: string, jsProductId: string, keepSkus: readonly string[] = []): Promise<string[]> {
  let q = db
    .updateTable('product_links')
    .set({ active: false, last_synced_at: new Date() })
    .where('store_code', '=', storeCode)
    .where('js_product_id', '=', jsProductId)
    .where('active', '=', true);
  if (keepSkus.length > 0) q = q.where('sku', 'not in', [...keepSkus]);
  const rows = await q.returning('sku').execute();
  return rows.map((r) => r.sku).sort();
}

export async function markImageSynced(db: Db, storeCode: string, sku: string): Promise<void> {
  await db.updateTable('product_links').set({ image_synced: true }).where('store_code', '=', storeCode).where('sku', '=', sku).execute();
}
