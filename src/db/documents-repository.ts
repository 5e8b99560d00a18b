/**
 * The `documents` table: one row per (store, order), written before relBase is called (intent) and
 * after it answers (issued). The primary key makes a second document for one order impossible to record.
 */
import type { Db } from './database.js';
import type { DocumentRecord } from './schema.js';

export async function findDocument(db: Db, storeCode: string, orderId: string): Promise<DocumentRecord | undefined> {
  return db.selectFrom('documents').selectAll().where('store_code', '=', storeCode).where('order_id', '=', orderId).executeTakeFirst();
}

/** Records the intent to issue; an existing row (intent or issued) is kept as it is and returned. */
export async function recordDocumentIntent(
  db: Db,
  intent: { storeCode: string; orderId: string; typeDocument: number; labelValue: string },
): Promise<DocumentRecord> {
  await db
    .insertInto('documents')
    .values({
      store_code: intent.storeCode,
      order_id: intent.orderId,
      state: 'intent',
      type_document: intent.typeDocument,
      label_value: intent.labelValue,
      relbase_id: null,
      folio: null,
      total: null,
      pdf_url: null,
      issued_at: null,
    })
    .onConflict((oc) => oc.columns(['store_code', 'order_id']).doNothing())
    .execute();
  const row = await findDocument(db, intent.storeCode, intent.orderId);
  if (!row) throw new Error(`document intent for order ${intent.orderId} was not recorded`);
  return row;
}

export async function recordDocumentIssued(
  db: Db,
  issued: { storeCode: string; orderId: string; typeDocument: number; relbaseId: string; folio: string | null; total: number | null; pdfUrl: string | null },
): Promise<void> {
  await db
    .updateTable('documents')
    .set({
      state: 'issued',
      type_document: issued.typeDocument,
      relbase_id: issued.relbaseId,
      folio: issued.folio,
      total: issued.total,
      pdf_url: issued.pdfUrl,
      issued_at: new Date(),
    })
    .where('store_code', '=', issued.storeCode)
    .where('order_id', '=', issued.orderId)
    .execute();
}
