/**
 * Boleta → factura, an operator's action on an issued order: the receiver's relBase customer first
 * (found by RUT, or created with the address given), then a nota de crédito (61, CodRef 1) annulling
 * the boleta with its own lines, then a factura (33) with the same lines, each through the same
 * exactly-once steps as documents (issue-document.ts) under its own label. Both were planned and
 * recorded together by one activity (credit-note-activities.ts `planInvoice`), so a repeated or
 * interrupted action finishes the same two and never makes a third. Workflow code: deterministic,
 * activities by type only.
 */
import type { DocumentToIssue, IssuedRecord } from '../../activities/order-activities.js';
import type { CreditNoteSummary, InvoiceRequest } from './contracts.js';
import type { AnnulContext } from './credit-note.js';
import { ensureCustomer, issueExactlyOnce } from './issue-document.js';
import { permanentFailureOf } from '../failures.js';

export type InvoiceResult = { kind: 'invoiced'; creditNote: CreditNoteSummary; factura: CreditNoteSummary; alreadyExisted: boolean } | { kind: 'refused'; reason: string };

export async function turnIntoFactura(ctx: AnnulContext, request: InvoiceRequest): Promise<InvoiceResult> {
  const { storeCode, orderId } = ctx;
  let plan = await ctx.db.planInvoice({ storeCode, orderId, document: null });
  if (plan.kind === 'needs_document') {
    let document;
    try {
      document = await ctx.lookups.readDocumentToCredit({ storeCode, relbaseId: plan.relbaseId });
    } catch (err) {
      const failure = permanentFailureOf(err);
      if (!failure) throw err;
      return { kind: 'refused', reason: `the boleta cannot be read from relBase: ${failure.message}` };
    }
    plan = await ctx.db.planInvoice({ storeCode, orderId, document });
  }
  if (plan.kind === 'needs_document') return { kind: 'refused', reason: 'the boleta could not be read to plan the factura; retry' };
  if (plan.kind === 'refused') return plan;
  const { annul, factura, boletaLabel, issuing } = plan;

  // A factura already issued needs no customer; otherwise the customer comes before the boleta is
  // annulled, so that a receiver relBase cannot hold never leaves the order without a document.
  const facturaIntent = plan.existed
    ? await ctx.db.beginIssue({ storeCode, orderId, label: factura.label, kind: 'replacement', typeDocument: 33, referenceLabel: boletaLabel })
    : null;
  let customerId: number | null = null;
  if (!facturaIntent?.issued) {
    const customer = await ensureCustomer(
      { ...ctx, label: factura.label },
      request.receiver,
      request.address ?? null,
      request.commune || request.city ? { commune: request.commune ?? null, city: request.city ?? null } : null,
    );
    if (customer.kind === 'needs_attention') return { kind: 'refused', reason: customer.reason };
    customerId = customer.customerId;
  }

  const a = annul.plan;
  const annulToIssue: DocumentToIssue = {
    storeCode,
    orderId,
    label: annul.label,
    kind: 'credit_note',
    typeDocument: 61,
    typeDocumentSii: null,
    customerId: a.customerId,
    lines: a.lines,
    expectedTotal: a.total,
    creditOf: { referenceLabel: boletaLabel, reference: a.reference!, mntBruto: a.mntBruto, warehouseId: a.warehouseId },
  };
  const annulled = await issueExactlyOnce({ ...ctx, label: annul.label }, annulToIssue, issuing);
  if (annulled.kind === 'refused')
    return { kind: 'refused', reason: `relBase refused credit note ${annul.label}: ${annulled.message}; the boleta stands, nothing else was issued` };
  if (annulled.kind === 'needs_attention') return { kind: 'refused', reason: annulled.reason };

  const f = factura.plan;
  const facturaToIssue: DocumentToIssue = {
    storeCode,
    orderId,
    label: factura.label,
    kind: 'replacement',
    replaces: boletaLabel,
    typeDocument: 33,
    typeDocumentSii: null,
    customerId,
    lines: f.lines,
    expectedTotal: f.total,
    mntBruto: f.mntBruto,
  };
  const invoiced = await issueExactlyOnce({ ...ctx, label: factura.label }, facturaToIssue, issuing);
  if (invoiced.kind === 'refused') {
    return {
      kind: 'refused',
      reason: `relBase refused factura ${factura.label}: ${invoiced.message}; the boleta is annulled by ${annul.label}: fix it and send the same request again`,
    };
  }
  if (invoiced.kind === 'needs_attention') return { kind: 'refused', reason: `${invoiced.reason}; the boleta is annulled by ${annul.label}: send the same request again` };
  return {
    kind: 'invoiced',
    creditNote: summaryOf(annul.label, annulled.document),
    factura: summaryOf(factura.label, invoiced.document),
    alreadyExisted: annulled.alreadyExisted && invoiced.alreadyExisted,
  };
}

function summaryOf(label: string, d: IssuedRecord): CreditNoteSummary {
  return { label, folio: d.folio, total: d.total, relbaseDocumentId: d.relbaseId, pdfUrl: d.pdfUrl };
}
