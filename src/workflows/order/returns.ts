/**
 * An operator's partial return of an issued order: a nota de crédito (61, CodRef 3 "corrige montos")
 * for exactly the returned units, planned and recorded by one activity (credit-note-activities.ts
 * `planReturn`, which refuses more than was sold) and issued through the same exactly-once steps as
 * documents (issue-document.ts) under its own label `JS-{order}-NC{n}`. Workflow code:
 * deterministic, activities by type only.
 */
import type { CreditNoteRecord, DocumentToIssue, ReturnInput } from '../../activities/order-activities.js';
import type { CreditNoteSummary } from './contracts.js';
import { issueExactlyOnce } from './issue-document.js';
import type { AnnulContext } from './credit-note.js';
import { permanentFailureOf } from '../failures.js';

export type ReturnResult =
  | { kind: 'credited'; creditNote: CreditNoteSummary; alreadyExisted: boolean; earlier: CreditNoteSummary[] }
  /** Refused before anything was recorded (more than was sold, no issued document, an unknown SKU...). */
  | { kind: 'refused'; reason: string }
  /** Recorded, but relBase refused it or it needs a person; a repeated request tries it again. */
  | { kind: 'needs_attention'; label: string; reason: string };

export async function issueReturn(ctx: AnnulContext, input: ReturnInput): Promise<ReturnResult> {
  let plan = await ctx.db.planReturn({ ...input, document: null });
  if (plan.kind === 'needs_document') {
    let document;
    try {
      document = await ctx.lookups.readDocumentToCredit({ storeCode: input.storeCode, relbaseId: plan.relbaseId });
    } catch (err) {
      const failure = permanentFailureOf(err);
      if (!failure) throw err;
      return { kind: 'refused', reason: `the order's document cannot be read from relBase: ${failure.message}` };
    }
    plan = await ctx.db.planReturn({ ...input, document });
  }
  if (plan.kind === 'needs_document') return { kind: 'refused', reason: "the order's document could not be read to plan the return; retry" };
  if (plan.kind === 'refused') return plan;
  const { label, plan: p } = plan;
  const toIssue: DocumentToIssue = {
    storeCode: input.storeCode,
    orderId: input.orderId,
    label,
    kind: 'credit_note',
    typeDocument: 61,
    typeDocumentSii: null,
    customerId: p.customerId,
    lines: p.lines,
    expectedTotal: p.total,
    creditOf: { referenceLabel: p.referenceLabel, reference: p.reference, mntBruto: p.mntBruto, warehouseId: p.warehouseId },
  };
  const result = await issueExactlyOnce({ ...ctx, label }, toIssue, plan.issuing);
  const earlier = plan.creditNotes.filter((c: CreditNoteRecord) => c.state === 'issued' && c.relbaseId !== null && c.label !== label).map(summaryOf);
  switch (result.kind) {
    case 'issued': {
      const d = result.document;
      return {
        kind: 'credited',
        creditNote: { label, folio: d.folio, total: d.total, relbaseDocumentId: d.relbaseId, pdfUrl: d.pdfUrl },
        alreadyExisted: result.alreadyExisted || plan.existed,
        earlier,
      };
    }
    case 'refused':
      return { kind: 'needs_attention', label, reason: `relBase refused credit note ${label}: ${result.message}` };
    case 'needs_attention':
      return { kind: 'needs_attention', label, reason: result.reason };
  }
}

function summaryOf(c: CreditNoteRecord): CreditNoteSummary {
  return { label: c.label, folio: c.folio, total: c.total, relbaseDocumentId: c.relbaseId!, pdfUrl: c.pdfUrl };
}
