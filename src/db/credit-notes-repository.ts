/**
 * Reading an order's credit notes (rows of kind 'credit_note' in `documents`; migration 0008). They
 * are written by the same intent → claim → record steps as documents (documents-repository.ts).
 */
import type { Db } from './database.js';

/** One credit note of an order, as the order's state and the admin API show it. */
export interface CreditNoteRecord {
  label: string;
  /** The label of the document it corrects. */
  referenceLabel: string;
  /** CodRef: 1 anula documento, 2 corrige texto, 3 corrige montos. */
  reasonCode: number;
  state: string;
  relbaseId: string | null;
  folio: string | null;
  total: number | null;
  pdfUrl: string | null;
}

/** The order's credit notes, oldest first, in whatever state. */
export async function findCreditNotes(db: Db, storeCode: string, orderId: string): Promise<CreditNoteRecord[]> {
  const rows = await db
    .selectFrom('documents')
    .select(['label_value', 'reference_label', 'reason_code', 'state', 'relbase_id', 'folio', 'total', 'pdf_url'])
    .where('store_code', '=', storeCode)
    .where('order_id', '=', orderId)
    .where('kind', '=', 'credit_note')
    .orderBy('created_at')
    .orderBy('label_value')
    .execute();
  return rows.map((r) => ({
    label: r.label_value,
    referenceLabel: r.reference_label ?? '',
    reasonCode: r.reason_code ?? 0,
    state: r.state,
    relbaseId: r.relbase_id,
    folio: r.folio,
    total: r.total === null ? null : Number(r.total),
    pdfUrl: r.pdf_url,
  }));
}

/** True when the document under `referenceLabel` has an issued annulment (CodRef 1). */
export async function isAnnulled(db: Db, storeCode: string, referenceLabel: string): Promise<boolean> {
  const row = await db
    .selectFrom('documents')
    .select('label_value')
    .where('store_code', '=', storeCode)
    .where('reference_label', '=', referenceLabel)
    .where('reason_code', '=', 1)
    .where('state', '=', 'issued')
    .executeTakeFirst();
  return row !== undefined;
}
