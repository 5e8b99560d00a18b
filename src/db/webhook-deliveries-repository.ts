/**
 * `webhook_deliveries`: every accepted delivery, raw. The unique key (store, event, resource id,
 * body hash) is the dedupe; `status` says whether its workflow was started or signalled yet, so a
 * delivery accepted while Temporal was down is dispatched later rather than lost.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { WebhookDelivery } from './schema.js';

export interface DeliveryInput {
  storeCode: string;
  event: string;
  resourceId: string;
  bodySha256: string;
  body: string;
  headers: Record<string, string>;
}

/** Stores the delivery; returns it with `duplicate` true when the same delivery was stored before. */
export async function recordDelivery(db: Db, d: DeliveryInput): Promise<{ delivery: WebhookDelivery; duplicate: boolean }> {
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values({
      store_code: d.storeCode,
      event: d.event,
      resource_id: d.resourceId,
      body_sha256: d.bodySha256,
      body: d.body,
      headers: JSON.stringify(d.headers),
      last_error: null,
      dispatched_at: null,
    })
    .onConflict((oc) => oc.constraint('webhook_deliveries_dedupe').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { delivery: inserted, duplicate: false };
  const existing = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('store_code', '=', d.storeCode)
    .where('event', '=', d.event)
    .where('resource_id', '=', d.resourceId)
    .where('body_sha256', '=', d.bodySha256)
    .executeTakeFirstOrThrow();
  return { delivery: existing, duplicate: true };
}

export async function markDispatched(db: Db, id: string, outcome: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: outcome, dispatched_at: new Date(), attempts: sql`attempts + 1`, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markDispatchFailed(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .execute();
}

/** Deliveries accepted but not yet dispatched, oldest first. */
export async function listUndispatched(db: Db, olderThanMs: number, limit: number): Promise<WebhookDelivery[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'received')
    .where('received_at', '<', new Date(Date.now() - olderThanMs))
    .orderBy('id')
    .limit(limit)
    .execute();
}
