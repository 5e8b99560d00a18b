/**
 * The `documents` table: the intent of each relBase document we issue, keyed by (store, label), and
 * the guard that lets at most one create of it be in flight at a time without holding a transaction
 * or a lock across the HTTP call:
 *
 * 1. `beginIssue` inserts the intent or gets it: `intent` (no create ever reached relBase),
 *    `create_sent` (one may have: its outcome is unknown until the document is found or the settle
 *    window has passed), `issued`.
 * 2. `prepareCreate` hands out a fresh token valid until a deadline, only while `creates_sent` is what
 *    the caller last saw (a create claimed in between sends the caller back to look for it). A new
 *    token replaces the old one: an older attempt still waiting can no longer claim.
 * 3. `claimCreate`, right before the HTTP call, takes the token (one UPDATE: the token must be the
 *    current one and its deadline far enough away for the call to finish before it), counts the
 *    create and records `in_flight_until`: the latest moment this create could still be in flight.
 * 4. A definite answer: `recordIssued`, or `recordCreateRefused` (relBase answered 4xx, so nothing was
 *    made: the state goes back to what it was before the claim). Without one, `recordCreateEnded`
 *    moves `in_flight_until` back to the moment the call ended (a worker that dies mid-call leaves the
 *    deadline in place).
 *
 * A partial unique index keeps a second document (kind 'document') for one order impossible to record.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { DocumentRecord } from './schema.js';

export type IssueState = 'intent' | 'create_sent' | 'issued';
export type DocumentKind = 'document' | 'credit_note' | 'replacement';

/** What an issuer needs to know about a document's intent. Times are ISO strings (activity results). */
export interface IssueIntent {
  label: string;
  state: IssueState;
  createsSent: number;
  /** The latest moment a create whose outcome is unknown could have been in flight; null when none. */
  inFlightUntil: string | null;
  issued: IssuedRecord | null;
}

export interface IssuedRecord {
  relbaseId: string;
  folio: string | null;
  total: number | null;
  pdfUrl: string | null;
  typeDocument: number;
}

/** A document row that says issued but whose relBase id differs from the one being recorded. */
export class DocumentConflictError extends Error {
  override name = 'DocumentConflictError';
}

/** The order's document (kind 'document'), whatever its state. */
export async function findDocument(db: Db, storeCode: string, orderId: string): Promise<DocumentRecord | undefined> {
  return db.selectFrom('documents').selectAll().where('store_code', '=', storeCode).where('order_id', '=', orderId).where('kind', '=', 'document').executeTakeFirst();
}

/** The order's document when it is issued, else undefined. */
export async function findIssuedDocument(db: Db, storeCode: string, orderId: string): Promise<IssuedRecord | undefined> {
  const row = await findDocument(db, storeCode, orderId);
  return row && row.state === 'issued' && row.relbase_id ? issuedOf(row) : undefined;
}

export function intentOf(row: DocumentRecord): IssueIntent {
  return {
    label: row.label_value,
    state: row.state as IssueState,
    createsSent: row.creates_sent,
    inFlightUntil: row.in_flight_until?.toISOString() ?? null,
    issued: row.state === 'issued' && row.relbase_id ? issuedOf(row) : null,
  };
}

function issuedOf(row: DocumentRecord): IssuedRecord {
  return { relbaseId: row.relbase_id!, folio: row.folio, total: row.total === null ? null : Number(row.total), pdfUrl: row.pdf_url, typeDocument: row.type_document };
}

async function findByLabel(db: Db, storeCode: string, label: string): Promise<DocumentRecord | undefined> {
  return db.selectFrom('documents').selectAll().where('store_code', '=', storeCode).where('label_value', '=', label).executeTakeFirst();
}

/** Inserts the intent, or returns the one already there (in whatever state). */
export async function beginIssue(
  db: Db,
  i: { storeCode: string; orderId: string; label: string; kind: DocumentKind; typeDocument: number; referenceLabel?: string | null; reasonCode?: number | null },
): Promise<IssueIntent> {
  await db
    .insertInto('documents')
    .values({
      store_code: i.storeCode,
      order_id: i.orderId,
      label_value: i.label,
      kind: i.kind,
      reference_label: i.referenceLabel ?? null,
      reason_code: i.reasonCode ?? null,
      state: 'intent',
      type_document: i.typeDocument,
      relbase_id: null,
      folio: null,
      total: null,
      pdf_url: null,
      issued_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await findByLabel(db, i.storeCode, i.label);
  if (row) return intentOf(row);
  // The one-document-per-order index refused it: the order's document has another label.
  // Or, for a credit note, the one-annulment-per-document index: the document is annulled under another label.
  const other = i.kind === 'document' ? await findDocument(db, i.storeCode, i.orderId) : undefined;
  throw new DocumentConflictError(
    other
      ? `order ${i.orderId} already has a document recorded under label ${other.label_value}, not ${i.label}`
      : i.kind === 'credit_note'
        ? `the credit note ${i.label} could not be recorded: ${i.referenceLabel ?? 'its document'} is already annulled under another label`
        : `the intent for ${i.label} could not be recorded`,
  );
}

/**
 * A fresh token for one create, valid for `windowMs`, when `creates_sent` is still `expectedCreatesSent`
 * and the document is not issued; null otherwise (the caller reads the intent again).
 */
export async function prepareCreate(
  db: Db,
  p: { storeCode: string; label: string; expectedCreatesSent: number; windowMs: number },
): Promise<{ token: string; deadline: string } | null> {
  const token = randomUUID();
  const row = await db
    .updateTable('documents')
    .set({ send_token: token, send_deadline: sql<Date>`now() + ${`${p.windowMs} milliseconds`}::interval` })
    .where('store_code', '=', p.storeCode)
    .where('label_value', '=', p.label)
    .where('creates_sent', '=', p.expectedCreatesSent)
    .where('state', '<>', 'issued')
    .returning(['send_token', 'send_deadline'])
    .executeTakeFirst();
  return row?.send_deadline ? { token, deadline: row.send_deadline.toISOString() } : null;
}

/**
 * Takes the token right before the create is sent: true when it was still the current one and its
 * deadline is more than `callTimeoutMs` away, so the call ends before the deadline. Counts the create
 * and moves `in_flight_until` to that deadline. The token is used up.
 */
export async function claimCreate(
  db: Db,
  c: { storeCode: string; label: string; token: string; callTimeoutMs: number },
): Promise<{ claimed: true; createsSent: number } | { claimed: false }> {
  const row = await db
    .updateTable('documents')
    .set({
      creates_sent: sql<number>`creates_sent + 1`,
      last_create_sent_at: sql<Date>`now()`,
      // Right-hand sides read the row as it was: the previous in-flight bound is kept for a refusal.
      in_flight_until_before_claim: sql<Date | null>`in_flight_until`,
      in_flight_until: sql<Date>`send_deadline`,
      state: 'create_sent',
      send_token: null,
    })
    .where('store_code', '=', c.storeCode)
    .where('label_value', '=', c.label)
    .where('send_token', '=', c.token)
    .where('state', '<>', 'issued')
    .where(sql<boolean>`send_deadline > now() + ${`${c.callTimeoutMs} milliseconds`}::interval`)
    .returning('creates_sent')
    .executeTakeFirst();
  return row ? { claimed: true, createsSent: row.creates_sent } : { claimed: false };
}

/**
 * The create's call is over without a definite answer (timeout, closed connection, 5xx): from now on
 * nothing of it is in flight on our side, so the settle window may count from now rather than from
 * the token's deadline. Whatever relBase does with it later is what the settle window is for.
 */
export async function recordCreateEnded(db: Db, r: { storeCode: string; label: string; createsSent: number }): Promise<void> {
  await db
    .updateTable('documents')
    .set({ in_flight_until: sql<Date>`least(in_flight_until, now())` })
    .where('store_code', '=', r.storeCode)
    .where('label_value', '=', r.label)
    .where('creates_sent', '=', r.createsSent)
    .where('state', '=', 'create_sent')
    .execute();
}

/**
 * relBase answered the create with a refusal (4xx): nothing was made, so the intent goes back to what
 * it was before the claim, unless another create was claimed since.
 */
export async function recordCreateRefused(db: Db, r: { storeCode: string; label: string; createsSent: number }): Promise<void> {
  await db
    .updateTable('documents')
    .set({
      creates_refused: sql<number>`creates_refused + 1`,
      in_flight_until: sql<Date | null>`in_flight_until_before_claim`,
      state: sql<string>`case when in_flight_until_before_claim is null then 'intent' else 'create_sent' end`,
    })
    .where('store_code', '=', r.storeCode)
    .where('label_value', '=', r.label)
    .where('creates_sent', '=', r.createsSent)
    .where('state', '=', 'create_sent')
    .execute();
}

/**
 * Records the document relBase holds for the label. Recording the same one again is a no-op; a
 * different one for a label already issued is a DocumentConflictError (relBase holds two).
 */
export async function recordIssued(db: Db, d: { storeCode: string; label: string } & IssuedRecord): Promise<void> {
  const updated = await db
    .updateTable('documents')
    .set({
      state: 'issued',
      type_document: d.typeDocument,
      relbase_id: d.relbaseId,
      folio: d.folio,
      total: d.total,
      pdf_url: d.pdfUrl,
      issued_at: sql<Date>`coalesce(issued_at, now())`,
      send_token: null,
    })
    .where('store_code', '=', d.storeCode)
    .where('label_value', '=', d.label)
    .where((eb) => eb.or([eb('state', '<>', 'issued'), eb('relbase_id', '=', d.relbaseId)]))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return;
  const row = await findByLabel(db, d.storeCode, d.label);
  if (!row) throw new Error(`no intent for ${d.label} in store ${d.storeCode}`);
  throw new DocumentConflictError(`${d.label} is recorded as relBase document ${row.relbase_id ?? '?'}, and relBase also holds document ${d.relbaseId} with that label`);
}
