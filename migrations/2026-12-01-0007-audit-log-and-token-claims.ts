// Frozen in time: never import application code here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * - `admin_audit_log`: who did what to which store, when, and how it ended (every admin write and
 *   stock notice). No request bodies: they can hold relBase tokens or a customer's RUT.
 * - `stores` gains the OAuth refresh claim (owner and expiry, instead of a row lock held across the
 *   token call) and when a token was last refreshed because Jumpseller rejected it (bounds those).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('admin_audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('store_code', 'text')
    .addColumn('subject', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('admin_audit_log_by_time').on('admin_audit_log').column('at').execute();
  await db.schema.createIndex('admin_audit_log_by_store').on('admin_audit_log').columns(['store_code', 'at']).execute();

  await db.schema
    .alterTable('stores')
    .addColumn('refresh_claim_owner', 'text')
    .addColumn('refresh_claim_expires_at', 'timestamptz')
    .addColumn('rejected_token_refreshed_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('stores').dropColumn('refresh_claim_owner').dropColumn('refresh_claim_expires_at').dropColumn('rejected_token_refreshed_at').execute();
  await db.schema.dropTable('admin_audit_log').ifExists().execute();
}
