/**
 * An operator's returns: credit notes (kind 'credit_note', reason code 3) of the order's document,
 * each under its own label `JS-{order}-NC{n}` and the operator's return id (migration 0009).
 *
 * `recordReturn` decides and records in one transaction holding the document's row lock, so two
 * returns of the same document are decided one after the other: the second sees the first's units
 * and never credits more than was sold. The intent it inserts is the one `beginIssue` then finds by
 * label, so the credit note is issued through the same exactly-once steps as documents.
 */
import type { Db } from './database.js';
import { findDocument } from './documents-repository.js';

/** A return as recorded: its credit note's label and the request planned for it. */
export interface RecordedReturn<Request> {
  label: string;
  returnedUnits: Record<string, number>;
  request: Request;
}

/** The return recorded under `returnKey` for the order, if any. */
export async function findReturn<Request>(db: Db, storeCode: string, orderId: string, returnKey: string): Promise<RecordedReturn<Request> | null> {
  const row = await db
    .selectFrom('documents')
    .select(['label_value', 'returned_units', 'credit_request'])
    .where('store_code', '=', storeCode)
    .where('order_id', '=', orderId)
    .where('return_key', '=', returnKey)
    .executeTakeFirst();
  return row ? { label: row.label_value, returnedUnits: row.returned_units ?? {}, request: row.credit_request as Request } : null;
}

/** What earlier credit notes of a document did: annulled it, and returned how many units of each product. */
export interface EarlierCredits {
  annulledBy: string | null;
  returnedUnits: Record<string, number>;
}

/**
 * Under the document row's lock: the return under `returnKey` if it was recorded meanwhile, else
 * `decide(earlier)`'s plan recorded as a new credit note intent with the next free number (2 and
 * up: 1 is the cancellation's), or its refusal.
 */
export async function recordReturn<Request, Refusal>(
  db: Db,
  r: { storeCode: string; orderId: string; returnKey: string; referenceLabel: string; labelOf: (n: number) => string },
  decide: (earlier: EarlierCredits) => { ok: true; returnedUnits: Record<string, number>; request: Request } | { ok: false; refusal: Refusal },
): Promise<{ kind: 'recorded'; existed: boolean; recorded: RecordedReturn<Request> } | { kind: 'refused'; refusal: Refusal }> {
  return db.transaction().execute(async (tx) => {
    await tx.selectFrom('documents').select('label_value').where('store_code', '=', r.storeCode).where('label_value', '=', r.referenceLabel).forUpdate().executeTakeFirst();
    const existing = await findReturn<Request>(tx, r.storeCode, r.orderId, r.returnKey);
    if (existing) return { kind: 'recorded', existed: true, recorded: existing };
    const notes = await tx
      .selectFrom('documents')
      .select(['label_value', 'reason_code', 'returned_units'])
      .where('store_code', '=', r.storeCode)
      .where('order_id', '=', r.orderId)
      .where('kind', '=', 'credit_note')
      .execute();
    const returnedUnits: Record<string, number> = {};
    for (const n of notes) {
      for (const [product, units] of Object.entries(n.returned_units ?? {})) returnedUnits[product] = (returnedUnits[product] ?? 0) + units;
    }
    const annulment = notes.find((n) => n.reason_code === 1);
    const decision = decide({ annulledBy: annulment?.label_value ?? null, returnedUnits });
    if (!decision.ok) return { kind: 'refused', refusal: decision.refusal };
    const numbers = notes.map((n) => Number(/-NC(\d+)$/.exec(n.label_value)?.[1] ?? 0));
    const label = r.labelOf(Math.max(1, ...numbers) + 1);
    await tx
      .insertInto('documents')
      .values({
        store_code: r.storeCode,
        order_id: r.orderId,
        label_value: label,
        kind: 'credit_note',
        reference_label: r.referenceLabel,
        reason_code: 3,
        return_key: r.returnKey,
        returned_units: JSON.stringify(decision.returnedUnits),
        credit_request: JSON.stringify(decision.request),
        state: 'intent',
        type_document: 61,
        relbase_id: null,
        folio: null,
        total: null,
        pdf_url: null,
        issued_at: null,
      })
      .execute();
    return { kind: 'recorded', existed: false, recorded: { label, returnedUnits: decision.returnedUnits, request: decision.request } };
  });
}

/** A boleta turned into a factura: the boleta's annulment and the factura, each with its planned request. */
export interface RecordedInvoice<Request> {
  annul: { label: string; request: Request };
  factura: { label: string; request: Request };
}

/**
 * Under the boleta row's lock: the boleta → factura recorded for the order if there is one, else the
 * two intents (the annulment, a credit note with reason code 1, and the factura, kind 'replacement')
 * with `plan()`'s requests, or what `plan()` answers instead (nothing is recorded then); refused when
 * the boleta is already annulled or credited in part.
 */
export async function recordInvoice<Request, NotPlanned>(
  db: Db,
  r: { storeCode: string; orderId: string; boletaLabel: string; annulLabel: string; facturaLabel: string },
  plan: () => { ok: true; annul: Request; factura: Request } | { ok: false; refusal: NotPlanned },
): Promise<{ kind: 'recorded'; existed: boolean; recorded: RecordedInvoice<Request> } | { kind: 'refused'; reason: string } | { kind: 'not_planned'; refusal: NotPlanned }> {
  return db.transaction().execute(async (tx) => {
    await tx.selectFrom('documents').select('label_value').where('store_code', '=', r.storeCode).where('label_value', '=', r.boletaLabel).forUpdate().executeTakeFirst();
    const rows = await tx
      .selectFrom('documents')
      .select(['label_value', 'kind', 'reason_code', 'credit_request'])
      .where('store_code', '=', r.storeCode)
      .where('reference_label', '=', r.boletaLabel)
      .execute();
    const replacement = rows.find((x) => x.kind === 'replacement');
    const annulment = rows.find((x) => x.kind === 'credit_note' && x.reason_code === 1);
    if (replacement && annulment) {
      return {
        kind: 'recorded',
        existed: true,
        recorded: {
          annul: { label: annulment.label_value, request: annulment.credit_request as Request },
          factura: { label: replacement.label_value, request: replacement.credit_request as Request },
        },
      };
    }
    if (annulment)
      return {
        kind: 'refused',
        reason: `the boleta is already annulled by credit note ${annulment.label_value} (the order was canceled): there is nothing to turn into a factura`,
      };
    const credited = rows.filter((x) => x.kind === 'credit_note').map((x) => x.label_value);
    if (credited.length > 0) {
      return {
        kind: 'refused',
        reason: `the boleta is already credited in part by ${credited.join(', ')}: a factura with its lines would bill returned units again; do it in relBase by hand`,
      };
    }
    const p = plan();
    if (!p.ok) return { kind: 'not_planned', refusal: p.refusal };
    const row = {
      store_code: r.storeCode,
      order_id: r.orderId,
      reference_label: r.boletaLabel,
      state: 'intent',
      relbase_id: null,
      folio: null,
      total: null,
      pdf_url: null,
      issued_at: null,
    };
    await tx
      .insertInto('documents')
      .values([
        { ...row, label_value: r.annulLabel, kind: 'credit_note', reason_code: 1, type_document: 61, credit_request: JSON.stringify(p.annul) },
        { ...row, label_value: r.facturaLabel, kind: 'replacement', reason_code: null, type_document: 33, credit_request: JSON.stringify(p.factura) },
      ])
      .execute();
    return { kind: 'recorded', existed: false, recorded: { annul: { label: r.annulLabel, request: p.annul }, factura: { label: r.facturaLabel, request: p.factura } } };
  });
}

/** The order's factura that replaced its boleta, whatever its state, or undefined. */
export async function findReplacement(db: Db, storeCode: string, orderId: string) {
  return db.selectFrom('documents').selectAll().where('store_code', '=', storeCode).where('order_id', '=', orderId).where('kind', '=', 'replacement').executeTakeFirst();
}

/** The order's document as it stands: the factura that replaced its boleta once issued, else the order's document row. */
export async function findCurrentDocument(db: Db, storeCode: string, orderId: string) {
  const replacement = await findReplacement(db, storeCode, orderId);
  if (replacement?.state === 'issued') return replacement;
  return findDocument(db, storeCode, orderId);
}
