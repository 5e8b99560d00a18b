/**
 * The store-wide SKU check of single-product syncs. Two products created with one SKU sync at the
 * same time, and neither has a link yet when the other looks: so each sync first records the SKUs its
 * product holds (a claim) and reads the other products' claims and links under a per-SKU lock, and
 * the second always sees the first. A SKU held by two products links neither (as in a catalog sync)
 * until one of them changes it; both are reported. A sync claims again after recording its links, so
 * a claim that came while it worked on relBase undoes the link it just made.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';

export interface SkuClaim {
  sku: string;
  /** How reports name the holder, e.g. `"Taza (Roja)" (variant 7 of product 3)`. */
  label: string;
}

export interface ClaimOutcome {
  /** SKU → how the other products holding it are named. */
  sharedElsewhere: Record<string, string[]>;
  /** Shared SKUs whose active link (this product's or another's) was marked inactive. */
  deactivated: string[];
}

/** Transaction-scoped locks on (store, SKU), always taken in the same order so two claimers cannot deadlock. */
async function lockSkus(trx: Db, storeCode: string, skus: readonly string[]): Promise<void> {
  for (const sku of [...new Set(skus)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`product_sku_claims:${storeCode}:${sku}`}, 0))`.execute(trx);
  }
}

/**
 * Records that `jsProductId` holds exactly these SKUs (its claims on others go) and returns the SKUs
 * another product also holds, by claim or by active link; their active links are marked inactive.
 */
export async function claimSkus(db: Db, storeCode: string, jsProductId: string, claims: readonly SkuClaim[]): Promise<ClaimOutcome> {
  const bySku = new Map<string, string>();
  for (const c of claims) if (!bySku.has(c.sku)) bySku.set(c.sku, c.label);
  const skus = [...bySku.keys()];
  return db.transaction().execute(async (trx) => {
    await lockSkus(trx, storeCode, skus);
    let released = trx.deleteFrom('product_sku_claims').where('store_code', '=', storeCode).where('js_product_id', '=', jsProductId);
    if (skus.length > 0) released = released.where('sku', 'not in', skus);
    await released.execute();
    if (skus.length === 0) return { sharedElsewhere: {}, deactivated: [] };

    for (const [sku, label] of bySku) {
      await trx
        .insertInto('product_sku_claims')
        .values({ store_code: storeCode, sku, js_product_id: jsProductId, label })
        .onConflict((oc) => oc.columns(['store_code', 'sku', 'js_product_id']).doUpdateSet({ label, claimed_at: new Date() }))
        .execute();
    }
    const otherClaims = await trx
      .selectFrom('product_sku_claims')
      .select(['sku', 'js_product_id', 'label'])
      .where('store_code', '=', storeCode)
      .where('sku', 'in', skus)
      .where('js_product_id', '!=', jsProductId)
      .orderBy('claimed_at')
      .execute();
    // Links made before claims existed, or by a catalog sync, count as holders too.
    const otherLinks = await trx
      .selectFrom('product_links')
      .select(['sku', 'js_product_id', 'js_variant_id'])
      .where('store_code', '=', storeCode)
      .where('sku', 'in', skus)
      .where('active', '=', true)
      .where('js_product_id', '!=', jsProductId)
      .execute();

    const sharedElsewhere: Record<string, string[]> = {};
    const holders = new Map<string, Set<string>>();
    const add = (sku: string, productId: string, label: string) => {
      const seen = holders.get(sku) ?? new Set<string>();
      holders.set(sku, seen);
      if (seen.has(productId)) return;
      seen.add(productId);
      (sharedElsewhere[sku] ??= []).push(label);
    };
    for (const c of otherClaims) add(c.sku, c.js_product_id, c.label);
    for (const l of otherLinks) add(l.sku, l.js_product_id, `product ${l.js_product_id}${l.js_variant_id ? ` variant ${l.js_variant_id}` : ''}`);

    const shared = Object.keys(sharedElsewhere);
    if (shared.length === 0) return { sharedElsewhere, deactivated: [] };
    const deactivated = await trx
      .updateTable('product_links')
      .set({ active: false, last_synced_at: new Date() })
      .where('store_code', '=', storeCode)
      .where('sku', 'in', shared)
      .where('active', '=', true)
      .returning('sku')
      .execute();
    return { sharedElsewhere, deactivated: deactivated.map((r) => r.sku).sort() };
  });
}

/**
 * The SKUs among `skus` that two or more products claim. Product sync records such a SKU's link as
 * active for a moment before its second claim turns it off, so an order must not use that link:
 * whichever product it names may not be the one the customer bought.
 */
export async function findContestedSkus(db: Db, storeCode: string, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db
    .selectFrom('product_sku_claims')
    .select('sku')
    .where('store_code', '=', storeCode)
    .where('sku', 'in', [...skus])
    .groupBy('sku')
    .having(sql`count(distinct js_product_id)`, '>', 1)
    .execute();
  return rows.map((r) => r.sku).sort();
}
