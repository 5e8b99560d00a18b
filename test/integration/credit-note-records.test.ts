/**
 * Credit notes in the `documents` table (migration 0008): beside the order's one document, each
 * pointing at a document with a reason code, and a document annulled at most once whatever label a
 * second annulment would take.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCreditNotes } from '../../src/db/credit-notes-repository.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { beginIssue, recordIssued } from '../../src/db/documents-repository.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database.js';

let fresh: FreshDatabase;
let db: Db;

beforeAll(async () => {
  fresh = await freshDatabase('jr_cn');
  db = createDatabase(fresh.url, { maxConnections: 2 });
  await migrateToLatest(db);
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  await fresh?.drop();
});

const base = { storeCode: 's', orderId: '10' };

describe('credit note rows', () => {
  it('sit beside the order document under their own label, and are listed with their reference', async () => {
    await beginIssue(db, { ...base, label: 'JS-10', kind: 'document', typeDocument: 39 });
    await recordIssued(db, { storeCode: 's', label: 'JS-10', relbaseId: '1', folio: '7', total: 9990, pdfUrl: null, typeDocument: 39 });
    const intent = await beginIssue(db, { ...base, label: 'JS-10-NC1', kind: 'credit_note', typeDocument: 61, referenceLabel: 'JS-10', reasonCode: 1 });
    expect(intent).toMatchObject({ state: 'intent', createsSent: 0, issued: null });
    await recordIssued(db, { storeCode: 's', label: 'JS-10-NC1', relbaseId: '2', folio: '3', total: 9990, pdfUrl: 'http://x/pdf', typeDocument: 61 });
    expect(await findCreditNotes(db, 's', '10')).toEqual([
      { label: 'JS-10-NC1', referenceLabel: 'JS-10', reasonCode: 1, state: 'issued', relbaseId: '2', folio: '3', total: 9990, pdfUrl: 'http://x/pdf' },
    ]);
  });

  it('refuse a second annulment of the same document under another label', async () => {
    await expect(beginIssue(db, { ...base, label: 'JS-10-NC9', kind: 'credit_note', typeDocument: 61, referenceLabel: 'JS-10', reasonCode: 1 })).rejects.toThrow(
      /JS-10-NC9 could not be recorded: JS-10 is already annulled under another label/,
    );
    // A correction of amounts (a return) is not an annulment.
    await expect(beginIssue(db, { ...base, label: 'JS-10-NC2', kind: 'credit_note', typeDocument: 61, referenceLabel: 'JS-10', reasonCode: 3 })).resolves.toMatchObject({
      state: 'intent',
    });
  });

  it('refuse a credit note without a reference or a reason code, and a document with one', async () => {
    await expect(beginIssue(db, { storeCode: 's', orderId: '11', label: 'JS-11-NC1', kind: 'credit_note', typeDocument: 61 })).rejects.toThrow(/documents_credit_note_reference/);
    await expect(
      beginIssue(db, { storeCode: 's', orderId: '11', label: 'JS-11-NC1', kind: 'credit_note', typeDocument: 61, referenceLabel: 'JS-11', reasonCode: 7 }),
    ).rejects.toThrow(/documents_credit_note_reference/);
    await expect(beginIssue(db, { storeCode: 's', orderId: '11', label: 'JS-11', kind: 'document', typeDocument: 39, referenceLabel: 'JS-1', reasonCode: 1 })).rejects.toThrow(
      /documents_credit_note_reference/,
    );
  });
});
