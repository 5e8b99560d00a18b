// Frozen in time: never import application code here. Migrations see the database as it was, so untyped.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stores')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('auth_kind', 'text', (c) => c.notNull())
    .addColumn('credentials_sealed', 'text')
    .addColumn('hooks_token_sealed', 'text')
    .addColumn('access_token_expires_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('status_reason', 'text')
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('dispatched_at', 'timestamptz')
    .addUniqueConstraint('webhook_deliveries_dedupe', ['store_code', 'event', 'resource_id', 'body_sha256'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_undispatched').on('webhook_deliveries').columns(['status', 'received_at']).execute();

  await db.schema
    .createTable('product_links')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('js_product_id', 'text', (c) => c.notNull())
    .addColumn('js_variant_id', 'text')
    .addColumn('relbase_product_id', 'text', (c) => c.notNull())
    .addColumn('image_synced', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('last_synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('product_links_pk', ['store_code', 'sku'])
    .execute();
  await db.schema.createIndex('product_links_by_js_product').on('product_links').columns(['store_code', 'js_product_id']).execute();

  await db.schema
    .createTable('documents')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('type_document', 'integer', (c) => c.notNull())
    .addColumn('label_value', 'text', (c) => c.notNull())
    .addColumn('relbase_id', 'text')
    .addColumn('folio', 'text')
    .addColumn('total', 'bigint')
    .addColumn('pdf_url', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('issued_at', 'timestamptz')
    .addPrimaryKeyConstraint('documents_pk', ['store_code', 'order_id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('missing_skus', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('document_type', 'integer')
    .addColumn('folio', 'text')
    .addColumn('total', 'bigint')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('orders_pk', ['store_code', 'order_id'])
    .execute();
  await db.schema.createIndex('orders_by_state').on('orders').columns(['store_code', 'state']).execute();

  await db.schema
    .createTable('stock_pushes')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('pushed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('stock_pushes_pk', ['store_code', 'sku'])
    .execute();

  await db.schema
    .createTable('sync_reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sync_reports_by_store').on('sync_reports').columns(['store_code', 'kind', 'started_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sync_reports', 'stock_pushes', 'orders', 'documents', 'product_links', 'webhook_deliveries', 'stores']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
