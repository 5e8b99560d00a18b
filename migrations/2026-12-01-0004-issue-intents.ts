// Frozen in time: never import application code here. Migrations see the database as it was, so untyped.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * `documents` becomes the intent of each relBase document we issue, keyed by its label (`JS-{order}`,
 * later `JS-{order}-NC1` for credit notes with `kind` 'credit_note' and `reference_label`), with the
 * per-document guard of its creates: a token the workflow gets before each create, valid until
 * `send_deadline`, which the create claims (counting `creates_sent`) right before it is sent, and
 * `in_flight_until`, the latest moment a create whose outcome is unknown could have been in flight.
 * The partial unique index keeps a second *document* for one order impossible to record.
 *
 * Also `relbase_product_codes`: relBase product ids found by code (the shipping product), so an order
 * with shipping does not search relBase for it every time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('documents')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('document'))
    .addColumn('reference_label', 'text')
    .addColumn('creates_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('creates_refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_create_sent_at', 'timestamptz')
    .addColumn('send_token', 'text')
    .addColumn('send_deadline', 'timestamptz')
    .addColumn('in_flight_until', 'timestamptz')
    .addColumn('in_flight_until_before_claim', 'timestamptz')
    .execute();
  // The issuer before this migration recorded 'intent' and then looked up and created in one step:
  // such a row may stand for a create relBase received. It is settled like one sent just now.
  await sql`update documents set state = 'create_sent', creates_sent = 1, in_flight_until = now() where state = 'intent'`.execute(db);

  await db.schema.alterTable('documents').dropConstraint('documents_pk').execute();
  await db.schema.alterTable('documents').addPrimaryKeyConstraint('documents_pk', ['store_code', 'label_value']).execute();
  await db.schema.createIndex('documents_one_document_per_order').on('documents').columns(['store_code', 'order_id']).unique().where(sql.ref('kind'), '=', 'document').execute();

  await db.schema
    .createTable('relbase_product_codes')
    .addColumn('store_code', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('relbase_product_id', 'text', (c) => c.notNull())
    .addColumn('found_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('relbase_product_codes_pk', ['store_code', 'code'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('relbase_product_codes').ifExists().execute();
  await db.schema.dropIndex('documents_one_document_per_order').ifExists().execute();
  await db.schema.alterTable('documents').dropConstraint('documents_pk').execute();
  await sql`delete from documents where kind <> 'document'`.execute(db);
  await sql`update documents set state = 'intent' where state = 'create_sent'`.execute(db);
  await db.schema.alterTable('documents').addPrimaryKeyConstraint('documents_pk', ['store_code', 'order_id']).execute();
  for (const column of [
    'kind',
    'reference_label',
    'creates_sent',
    'creates_refused',
    'last_create_sent_at',
    'send_token',
    'send_deadline',
    'in_flight_until',
    'in_flight_until_before_claim',
  ]) {
    await db.schema.alterTable('documents').dropColumn(column).execute();
  }
}
