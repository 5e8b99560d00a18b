/**
 * `webhook_deliveries`: every signed delivery, stored before it is acted on. The unique key (store,
 * event, resource id, body hash) is the dedupe; `status` says what became of it. Deliveries waiting
 * to be dispatched (`received`) are a work queue shared by every API process:
 *
 * - a process takes a row by *claiming* it (`claimed_by`, `claimed_until`) in one short statement
 *   with `FOR UPDATE SKIP LOCKED`, then calls Temporal with no transaction open; the lease is longer
 *   than the deadline of that call, so a row is never dispatched by two processes at once, and a
 *   process that dies mid-dispatch only delays its rows until the lease ends;
 * - a failed dispatch puts the row back with its own backoff (`next_attempt_at`), so one bad row
 *   never holds up the others, and after too many failures it is `dead_letter`, shown to operators.
 *
 * Times come from the database's clock (`now()`), the one clock every API process shares.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { WebhookDelivery } from './schema.js';

/** Every status a delivery can have; the comment on `WebhookDeliveriesTable.status` says what each means. */
export const DELIVERY_STATUSES = ['received', 'dispatched', 'after_issue', 'after_close', 'ignored', 'unroutable', 'dead_letter'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** Statuses an operator should look at: nothing will happen to these rows by itself. */
export const ATTENTION_STATUSES: readonly DeliveryStatus[] = ['unroutable', 'dead_letter'];

export interface DeliveryInput {
  storeCode: string;
  event: string;
  /** '' when the body carries no readable resource id (stored as `unroutable`). */
  resourceId: string;
  bodySha256: string;
  body: string;
  headers: Record<string, string>;
  /** `received` to dispatch it, or a final status (`ignored`, `unroutable`) to only keep it. */
  status: 'received' | 'ignored' | 'unroutable';
  /** Why it is `unroutable`; null otherwise. */
  note: string | null;
}

/** A lease on a waiting delivery: who holds it and for how long. */
export interface Claim {
  owner: string;
  leaseMs: number;
}

const interval = (ms: number) => sql<Date>`now() + ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;

/**
 * Stores the delivery; returns it with `duplicate` true when the same delivery was stored before.
 * A new waiting delivery comes back claimed by `claim`, so the request that stored it can dispatch
 * it at once while every redispatcher leaves it alone.
 */
export async function recordDelivery(db: Db, d: DeliveryInput, claim: Claim): Promise<{ delivery: WebhookDelivery; duplicate: boolean }> {
  const waiting = d.status === 'received';
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values({
      store_code: d.storeCode,
      event: d.event,
      resource_id: d.resourceId,
      body_sha256: d.bodySha256,
      body: d.body,
      headers: JSON.stringify(d.headers),
      status: d.status,
      last_error: d.note,
      dispatched_at: null,
      next_attempt_at: waiting ? sql<Date>`now()` : null,
      claimed_by: waiting ? claim.owner : null,
      claimed_until: waiting ? interval(claim.leaseMs) : null,
      reduced_at: null,
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

/** Claims one waiting delivery (a repeat of one stored earlier) unless another process holds it. */
export async function claimDelivery(db: Db, id: string, claim: Claim): Promise<WebhookDelivery | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({ claimed_by: claim.owner, claimed_until: interval(claim.leaseMs) })
    .where('id', '=', id)
    .where('status', '=', 'received')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .returningAll()
    .executeTakeFirst();
}

/**
 * Claims up to `limit` waiting deliveries that are due (oldest due first) and not held by anyone;
 * with `storeCodes`, only those stores' deliveries (undefined: every store's).
 * `SKIP LOCKED` lets several processes claim at once without waiting on, or taking, each other's rows.
 */
export async function claimDueDeliveries(db: Db, claim: Claim, limit: number, storeCodes?: readonly string[]): Promise<WebhookDelivery[]> {
  const ofStores = storeCodes === undefined ? sql`` : sql`and store_code = any(${[...storeCodes]}::text[])`;
  const rows = await sql<WebhookDelivery>`
    update webhook_deliveries set claimed_by = ${claim.owner}, claimed_until = ${interval(claim.leaseMs)}
    where id in (
      select id from webhook_deliveries
      where status = 'received' and next_attempt_at <= now()
        and (claimed_until is null or claimed_until < now())
        ${ofStores}
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning *`.execute(db);
  return rows.rows.sort((a, b) => (a.next_attempt_at?.getTime() ?? 0) - (b.next_attempt_at?.getTime() ?? 0) || Number(a.id) - Number(b.id));
}

/** The delivery's workflow was started or signalled (or it needed none): done, claim released. */
export async function markDispatched(db: Db, id: string, outcome: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome,
      dispatched_at: sql<Date>`now()`,
      attempts: sql<number>`attempts + 1`,
      last_error: null,
      next_attempt_at: null,
      claimed_by: null,
      claimed_until: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'received')
    .execute();
}

export interface DispatchFailure {
  error: string;
  /** Try again after this long. */
  retryInMs: number;
  /**
   * False when Temporal could not be reached at all: the row is not at fault, so the failure does not
   * bring it closer to the dead letter.
   */
  countsAsAttempt: boolean;
  /** After this many counted attempts the row is `dead_letter`. */
  maxAttempts: number;
}

/** Puts a claimed delivery back with its own backoff, or dead-letters it; returns its new status. */
export async function markDispatchFailed(db: Db, id: string, f: DispatchFailure): Promise<'received' | 'dead_letter'> {
  const attempts = f.countsAsAttempt ? sql<number>`attempts + 1` : sql<number>`attempts`;
  const row = await db
    .updateTable('webhook_deliveries')
    .set({
      attempts,
      last_error: f.error.slice(0, 500),
      status: sql<string>`case when ${attempts} >= ${f.maxAttempts} then 'dead_letter' else status end`,
      next_attempt_at: sql<Date | null>`case when ${attempts} >= ${f.maxAttempts} then null else ${interval(f.retryInMs)} end`,
      claimed_by: null,
      claimed_until: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'received')
    .returning('status')
    .executeTakeFirst();
  return row?.status === 'dead_letter' ? 'dead_letter' : 'received';
}

/** Counts for the backlog gauges; with `storeCodes`, of those stores' deliveries only (undefined: every store's). */
export async function deliveryBacklog(
  db: Db,
  storeCodes?: readonly string[],
): Promise<{ waiting: number; oldestWaitingSeconds: number; deadLettered: number; unroutable: number }> {
  let q = db.selectFrom('webhook_deliveries');
  if (storeCodes !== undefined) q = q.where('store_code', 'in', storeCodes.length ? [...storeCodes] : ['']);
  const row = await q
    .select([
      sql<number>`count(*) filter (where status = 'received')::int`.as('waiting'),
      sql<number>`coalesce(extract(epoch from now() - min(received_at) filter (where status = 'received')), 0)::float8`.as('oldest'),
      sql<number>`count(*) filter (where status = 'dead_letter')::int`.as('dead'),
      sql<number>`count(*) filter (where status = 'unroutable')::int`.as('unroutable'),
    ])
    .where('status', 'in', ['received', 'dead_letter', 'unroutable'])
    .executeTakeFirstOrThrow();
  return { waiting: row.waiting, oldestWaitingSeconds: Math.max(0, row.oldest), deadLettered: row.dead, unroutable: row.unroutable };
}

/** A store's deliveries in these statuses, newest first, without their bodies. */
export async function listDeliveries(db: Db, storeCode: string, statuses: readonly string[], limit: number) {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event', 'resource_id', 'status', 'attempts', 'last_error', 'received_at', 'dispatched_at', 'next_attempt_at', 'reduced_at'])
    .where('store_code', '=', storeCode)
    .where('status', 'in', [...statuses])
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Dead-lettered deliveries of a store (all, or those ids) go back to the queue with a fresh count. */
export async function requeueDeadLetters(db: Db, storeCode: string, ids: readonly string[] | 'all'): Promise<string[]> {
  let q = db
    .updateTable('webhook_deliveries')
    .set({ status: 'received', attempts: 0, next_attempt_at: sql<Date>`now()`, claimed_by: null, claimed_until: null })
    .where('store_code', '=', storeCode)
    .where('status', '=', 'dead_letter');
  if (ids !== 'all') q = q.where('id', 'in', ids.length ? [...ids] : ['-1']);
  const rows = await q.returning('id').execute();
  // bigint ids arrive as numbers (see database.ts): hand them out as the strings they are typed as.
  return rows.map((r) => String(r.id));
}

/** Done deliveries received before `before` whose body still holds everything, oldest first. */
export async function listUnreducedDeliveries(db: Db, before: Date, limit: number): Promise<Pick<WebhookDelivery, 'id' | 'event' | 'body'>[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event', 'body'])
    .where('reduced_at', 'is', null)
    .where('status', '<>', 'received')
    .where('received_at', '<', before)
    .orderBy('received_at')
    .limit(limit)
    .execute();
}

export async function saveReducedBody(db: Db, id: string, body: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ body, reduced_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Deletes up to `limit` done deliveries received before `before`; waiting ones are never deleted. */
export async function purgeDeliveries(db: Db, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries where status <> 'received' and received_at < ${before} order by received_at limit ${limit}
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
