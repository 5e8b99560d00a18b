// Frozen in time: never import application code here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Sync state that used to live in workflow memory (and in every continue-as-new input):
 *
 * - `product_create_intents`: who may create a SKU's relBase product right now (owner + expiry,
 *   claimed by one short statement, never a lock held across the HTTP call), and how many creates
 *   were sent whose product is not linked yet, so the next sync looks it up before creating again.
 * - `catalog_scan_items`, `catalog_index`, `catalog_problems`: a catalog sync's scanned SKUs, its
 *   relBase index by code and its SKU problems, keyed by the sync's report id. The workflow carries
 *   only cursors and counters; these tables hold the rest, whatever the catalog's size.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('product_create_intents')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('creates_unconfirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_create_sent_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('product_create_intents_pkey', ['store_code', 'sku'])
    .execute();

  await db.schema
    .createTable('catalog_scan_items')
    .addColumn('report_id', 'bigint', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigserial')
    .addPrimaryKeyConstraint('catalog_scan_items_pkey', ['report_id', 'sku', 'item_key'])
    .execute();

  await db.schema
    .createTable('catalog_index')
    .addColumn('report_id', 'bigint', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('relbase_product_id', 'bigint', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('has_image', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_index_pkey', ['report_id', 'code', 'relbase_product_id'])
    .execute();

  await db.schema
    .createTable('catalog_problems')
    .addColumn('report_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sku', 'text')
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigserial')
    .addPrimaryKeyConstraint('catalog_problems_pkey', ['report_id', 'kind', 'subject'])
    .execute();
  await db.schema.createIndex('catalog_problems_in_order').on('catalog_problems').columns(['report_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['catalog_problems', 'catalog_index', 'catalog_scan_items', 'product_create_intents']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
