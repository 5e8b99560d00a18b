/**
 * Annulling an issued document when its order is canceled: a nota de crédito (61), CodRef 1, with the
 * document's own lines as relBase holds them, issued through the same exactly-once steps as the
 * document (issue-document.ts) under its own label `JS-{order}-NC1`. Workflow code: deterministic,
 * activities by type only.
 */
import type { CreditNoteRecord, DocumentToIssue, IssuedRecord } from '../../activities/order-activities.js';
import { annulmentOf, creditNoteLabel } from '../../domain/credit-note.js';
import { permanentFailureOf } from '../failures.js';
import { issueExactlyOnce, type IssueContext } from './issue-document.js';

/** The cancellation's credit note is always the order's first: an operator's returns come after it. */
export const ANNULMENT_NUMBER = 1;

export type AnnulResult =
  | { kind: 'credited'; creditNote: IssuedRecord; label: string; alreadyExisted: boolean }
  /** The store does not credit cancellations automatically. */
  | { kind: 'off' }
  /** Nothing is issued for the order (its document row is gone or never issued). */
  | { kind: 'no_document' }
  | { kind: 'needs_attention'; reason: string };

/** The issuing context without a label: the credit note's label comes from the document's. */
export type AnnulContext = Omit<IssueContext, 'label'>;

export async function annulDocument(ctx: AnnulContext): Promise<AnnulResult> {
  const { storeCode, orderId } = ctx;
  const plan = await ctx.db.planCancellationCredit({ storeCode, orderId });
  if (!plan.document) return { kind: 'no_document' };
  const label = creditNoteLabel(plan.document.label, ANNULMENT_NUMBER);
  const existing = plan.creditNotes.find((c: CreditNoteRecord) => c.label === label);
  // Once the credit note's intent exists it is finished whatever the setting says now.
  if (!plan.enabled && !existing) return { kind: 'off' };
  if (existing?.state === 'issued' && existing.relbaseId !== null) {
    const creditNote = { relbaseId: existing.relbaseId, folio: existing.folio, total: existing.total, pdfUrl: existing.pdfUrl, typeDocument: 61 };
    return { kind: 'credited', creditNote, label, alreadyExisted: true };
  }

  let doc;
  try {
    doc = await ctx.lookups.readDocumentToCredit({ storeCode, relbaseId: plan.document.relbaseId });
  } catch (err) {
    const failure = permanentFailureOf(err);
    if (!failure) throw err;
    return { kind: 'needs_attention', reason: `the canceled order's document cannot be read from relBase: ${failure.message}` };
  }
  let annul = annulmentOf(doc, orderId);
  if (annul.kind === 'annul_child') {
    // The nota de venta's boleta or factura, read as the document to annul (one more relBase call).
    try {
      annul = annulmentOf(await ctx.lookups.readDocumentToCredit({ storeCode, relbaseId: annul.relbaseId }), orderId);
    } catch (err) {
      const failure = permanentFailureOf(err);
      if (!failure) throw err;
      return { kind: 'needs_attention', reason: `the tax document made from the canceled order's nota de venta cannot be read from relBase: ${failure.message}` };
    }
    if (annul.kind === 'annul_child') return { kind: 'needs_attention', reason: 'relBase shows a nota de venta made from a nota de venta; credit it in relBase by hand' };
  }
  if (annul.kind === 'cannot') return { kind: 'needs_attention', reason: annul.reason };
  const { annulment } = annul;
  const toIssue: DocumentToIssue = {
    storeCode,
    orderId,
    label,
    kind: 'credit_note',
    typeDocument: 61,
    typeDocumentSii: null,
    customerId: annulment.customerId,
    lines: annulment.lines,
    expectedTotal: annulment.total,
    creditOf: { referenceLabel: plan.document.label, reference: annulment.reference, mntBruto: annulment.mntBruto, warehouseId: annulment.warehouseId },
  };
  const result = await issueExactlyOnce({ ...ctx, label }, toIssue, plan.issuing);
  switch (result.kind) {
    case 'issued':
      return { kind: 'credited', creditNote: result.document, label, alreadyExisted: result.alreadyExisted };
    case 'refused':
      return { kind: 'needs_attention', reason: `relBase refused credit note ${label}: ${result.message}; fix it and retry` };
    case 'needs_attention':
      return result;
  }
}
