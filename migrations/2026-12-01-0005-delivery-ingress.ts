// Frozen in time: never import application code here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Webhook deliveries become a work queue that several API processes share and that never stalls on
 * one bad row, and they stop keeping secrets and personal data forever:
 *
 * - `next_attempt_at`: when a waiting delivery (`status = 'received'`) may be dispatched next (per-row
 *   backoff); `claimed_by` / `claimed_until`: the process dispatching it now (a lease, so no row lock
 *   is held while Temporal is called) and until when.
 * - `reduced_at`: when the body was cut down to what dedupe, audit and replay need (personal data out).
 * - The signature header is no longer kept: it is removed from the rows stored before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('reduced_at', 'timestamptz')
    .execute();
  await sql`update webhook_deliveries set next_attempt_at = received_at where status = 'received'`.execute(db);
  await sql`update webhook_deliveries set headers = headers - 'jumpseller-hmac-sha256' where headers ? 'jumpseller-hmac-sha256'`.execute(db);

  await db.schema.dropIndex('webhook_deliveries_undispatched').ifExists().execute();
  await db.schema.createIndex('webhook_deliveries_waiting').on('webhook_deliveries').column('next_attempt_at').where(sql.ref('status'), '=', 'received').execute();
  await db.schema.createIndex('webhook_deliveries_by_status').on('webhook_deliveries').columns(['store_code', 'status', 'received_at']).execute();
  await db.schema.createIndex('webhook_deliveries_by_received_at').on('webhook_deliveries').column('received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_by_received_at').ifExists().execute();
  await db.schema.dropIndex('webhook_deliveries_by_status').ifExists().execute();
  await db.schema.dropIndex('webhook_deliveries_waiting').ifExists().execute();
  await db.schema.createIndex('webhook_deliveries_undispatched').on('webhook_deliveries').columns(['status', 'received_at']).execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('reduced_at').dropColumn('claimed_until').dropColumn('claimed_by').dropColumn('next_attempt_at').execute();
}
