// Frozen in time: never import application code here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Which Jumpseller product holds which SKU, as product sync last read it: the store-wide uniqueness
 * check of single-product syncs that run at the same time (a link only exists once a sync finishes).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('product_sku_claims')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('js_product_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('product_sku_claims_pkey', ['store_code', 'sku', 'js_product_id'])
    .execute();
  await db.schema.createIndex('product_sku_claims_by_product').on('product_sku_claims').columns(['store_code', 'js_product_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product_sku_claims').ifExists().execute();
}
