/**
 * The steps of a credit note besides the issuing steps it shares with documents
 * (issuing-activities.ts): what the store wants and what the database holds (database only), and
 * the issued document as relBase holds it, with its lines (one relBase call). The workflow decides
 * with the domain's `annulmentOf`.
 */
import { findCreditNotes, type CreditNoteRecord } from '../db/credit-notes-repository.js';
import { findDocument } from '../db/documents-repository.js';
import { findActiveLinks } from '../db/product-links-repository.js';
import { findCurrentDocument, findReturn, recordInvoice, recordReturn } from '../db/returns-repository.js';
import { annulmentOf, CREDIT_REASON, creditNoteLabel, facturaTotalOf, RAZON_REF_MAX_CHARS, replacementLabel, type CreditableDocument } from '../domain/credit-note.js';
import { netDocumentAmounts } from '../domain/document-amounts.js';
import { returnLines } from '../domain/returns.js';
import type { DocumentLineRequest, DocumentReference } from '../relbase/document-request.js';
import { requireStore, type ActivityDeps } from './deps.js';
import type { StoreSettings } from '../stores/settings.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure, RELBASE_403_ATTEMPTS_SINGLE_CALL } from './failures.js';
import type { IssuingSettings } from './order-planning.js';

export type { CreditNoteRecord } from '../db/credit-notes-repository.js';

/** What a canceled order's workflow needs before it credits the document. */
export interface CancellationCreditPlan {
  /** The store's `creditNoteOnCancel`. */
  enabled: boolean;
  /** The order's issued document (kind 'document'), or null when none is issued. */
  document: { label: string; relbaseId: string; typeDocument: number; folio: string | null } | null;
  /** The order's credit notes so far, in any state. */
  creditNotes: CreditNoteRecord[];
  issuing: IssuingSettings;
}

/** An operator's return: the return id (idempotency key) and the units returned by SKU. */
export interface ReturnInput {
  storeCode: string;
  orderId: string;
  returnId: string;
  lines: { sku: string; quantity: number }[];
}

/** A return's credit note as planned and recorded: every attempt sends exactly this. */
export interface PlannedReturn {
  referenceLabel: string;
  reference: DocumentReference;
  customerId: number | null;
  warehouseId: number | null;
  mntBruto: boolean;
  lines: DocumentLineRequest[];
  total: number;
  /** The units asked for, as asked (a repeated request with other units is refused). */
  asked: { sku: string; quantity: number }[];
}

export type ReturnPlan =
  | { kind: 'planned'; label: string; plan: PlannedReturn; existed: boolean; issuing: IssuingSettings; creditNotes: CreditNoteRecord[] }
  /** Nothing recorded under this return id yet: the workflow reads the document from relBase and asks again with it. */
  | { kind: 'needs_document'; relbaseId: string }
  | { kind: 'refused'; reason: string };

/** One document of a boleta → factura as planned and recorded: every attempt sends exactly this. */
export interface PlannedInvoiceDocument {
  lines: DocumentLineRequest[];
  total: number;
  mntBruto: boolean;
  /** The 61's reference to the boleta and its warehouse (the units go back where they came from); null on the factura. */
  reference: DocumentReference | null;
  warehouseId: number | null;
  customerId: number | null;
}

export type InvoicePlan =
  | {
      kind: 'planned';
      boletaLabel: string;
      annul: { label: string; plan: PlannedInvoiceDocument };
      factura: { label: string; plan: PlannedInvoiceDocument };
      existed: boolean;
      issuing: IssuingSettings;
    }
  | { kind: 'needs_document'; relbaseId: string }
  | { kind: 'refused'; reason: string };

/** The SKUs and quantities of a return, in one canonical order, for comparing a repeated request. */
function askedKey(lines: { sku: string; quantity: number }[]): string {
  return JSON.stringify([...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((l) => [l.sku, l.quantity]));
}

/** How a credit note's create is settled: the store's issuing settings. */
function issuingOf(settings: StoreSettings): IssuingSettings {
  return { settleSeconds: settings.documentSettleSeconds, alwaysLookFirst: settings.alwaysLookFirst };
}

export function createCreditNoteActivities(deps: ActivityDeps) {
  return {
    /**
     * An operator's return: the one recorded under its return id, or a new one decided against the
     * document as relBase holds it (`document`, read by the workflow when asked) and the units of
     * earlier credit notes, recorded as the credit note's intent (returns-repository.ts).
     */
    async planReturn(input: ReturnInput & { document: CreditableDocument<DocumentLineRequest> | null }): Promise<ReturnPlan> {
      const store = await requireStore(deps, input.storeCode);
      const issuing = issuingOf(store.settings);
      const creditNotes = () => findCreditNotes(deps.db, input.storeCode, input.orderId);
      const sameAsk = (label: string, plan: PlannedReturn): ReturnPlan =>
        askedKey(plan.asked) === askedKey(input.lines)
          ? { kind: 'planned', label, plan, existed: true, issuing, creditNotes: [] }
          : {
              kind: 'refused',
              reason: `return ${input.returnId} of order ${input.orderId} was already made with other lines (credit note ${label}); use a new return id for another return`,
            };
      const existing = await findReturn<PlannedReturn>(deps.db, input.storeCode, input.orderId, input.returnId);
      if (existing) {
        const answer = sameAsk(existing.label, existing.request);
        return answer.kind === 'planned' ? { ...answer, creditNotes: await creditNotes() } : answer;
      }
      const row = await findDocument(deps.db, input.storeCode, input.orderId);
      if (!row || row.state !== 'issued' || !row.relbase_id) return { kind: 'refused', reason: `order ${input.orderId} has no issued document: there is nothing to return` };
      if (!input.document) return { kind: 'needs_document', relbaseId: row.relbase_id };
      const doc = input.document;
      if (doc.typeDocument !== 39 && doc.typeDocument !== 33) {
        return {
          kind: 'refused',
          reason: `the order's document is of type ${doc.typeDocument}, not a boleta (39) or factura (33): a return is credited on a tax document; credit it in relBase by hand`,
        };
      }
      if (doc.folio === null || doc.date === null) return { kind: 'refused', reason: "relBase does not give the document's folio or date yet; retry later" };
      if (doc.typeDocument === 33 && doc.customerId === null) return { kind: 'refused', reason: 'relBase shows the factura without its customer; credit it in relBase by hand' };
      const links = await findActiveLinks(
        deps.db,
        input.storeCode,
        input.lines.map((l) => l.sku),
      );
      const unknown = input.lines.filter((l) => links[l.sku] === undefined).map((l) => l.sku);
      if (unknown.length > 0) return { kind: 'refused', reason: `no relBase product is linked to SKU ${unknown.join(', ')}: nothing of it can be returned` };
      const mntBruto = doc.mntBruto ?? true;
      const reference: DocumentReference = {
        tpo_doc_ref_id: doc.typeDocument,
        code_ref: CREDIT_REASON.correctAmounts,
        folio_ref: doc.folio,
        date_ref: doc.date,
        razon_ref: `Devolución parcial: pedido Jumpseller ${input.orderId}`.slice(0, RAZON_REF_MAX_CHARS),
      };
      const recorded = await recordReturn<PlannedReturn, string>(
        deps.db,
        { storeCode: input.storeCode, orderId: input.orderId, returnKey: input.returnId, referenceLabel: row.label_value, labelOf: (n) => creditNoteLabel(row.label_value, n) },
        (earlier) => {
          if (earlier.annulledBy) return { ok: false, refusal: `the document is already annulled by credit note ${earlier.annulledBy}: nothing is left to return` };
          const returned = input.lines.map((l) => ({ sku: l.sku, productId: Number(links[l.sku]), quantity: l.quantity }));
          const r = returnLines(doc.lines, returned, earlier.returnedUnits);
          if (!r.ok) return { ok: false, refusal: r.reason };
          const total = mntBruto ? r.taxed + r.exempt : netDocumentAmounts(r.taxed, r.exempt).total;
          const returnedUnits = Object.fromEntries(returned.map((l) => [String(l.productId), l.quantity]));
          const plan: PlannedReturn = {
            referenceLabel: row.label_value,
            reference,
            customerId: doc.customerId,
            warehouseId: doc.warehouseId,
            mntBruto,
            lines: r.lines,
            total,
            asked: input.lines,
          };
          return { ok: true, returnedUnits, request: plan };
        },
      );
      if (recorded.kind === 'refused') return { kind: 'refused', reason: recorded.refusal };
      if (recorded.existed) {
        const answer = sameAsk(recorded.recorded.label, recorded.recorded.request);
        return answer.kind === 'planned' ? { ...answer, creditNotes: await creditNotes() } : answer;
      }
      return { kind: 'planned', label: recorded.recorded.label, plan: recorded.recorded.request, existed: false, issuing, creditNotes: await creditNotes() };
    },

    async planCancellationCredit(input: { storeCode: string; orderId: string }): Promise<CancellationCreditPlan> {
      const store = await requireStore(deps, input.storeCode);
      // A boleta turned into a factura: the factura is what a cancellation annuls (`JS-{order}-FA1-NC1`).
      const row = await findCurrentDocument(deps.db, input.storeCode, input.orderId);
      const document =
        row && row.state === 'issued' && row.relbase_id ? { label: row.label_value, relbaseId: row.relbase_id, typeDocument: row.type_document, folio: row.folio } : null;
      return {
        enabled: store.settings.creditNoteOnCancel,
        document,
        creditNotes: await findCreditNotes(deps.db, input.storeCode, input.orderId),
        issuing: issuingOf(store.settings),
      };
    },

    /**
     * Boleta → factura: the one recorded for the order, or a new one planned from the boleta as relBase
     * holds it (`document`, read by the workflow when asked): its annulment (61, CodRef 1, its lines)
     * and a factura with the same lines, both recorded as intents (returns-repository.ts).
     */
    async planInvoice(input: { storeCode: string; orderId: string; document: CreditableDocument<DocumentLineRequest> | null }): Promise<InvoicePlan> {
      const store = await requireStore(deps, input.storeCode);
      const issuing = issuingOf(store.settings);
      const row = await findDocument(deps.db, input.storeCode, input.orderId);
      if (!row || row.state !== 'issued' || !row.relbase_id)
        return { kind: 'refused', reason: `order ${input.orderId} has no issued document: there is no boleta to turn into a factura` };
      if (row.type_document !== 39)
        return { kind: 'refused', reason: `order ${input.orderId}'s document is of type ${row.type_document}, not a boleta (39): only a boleta is turned into a factura` };
      const labels = {
        storeCode: input.storeCode,
        orderId: input.orderId,
        boletaLabel: row.label_value,
        annulLabel: creditNoteLabel(row.label_value, 1),
        facturaLabel: replacementLabel(row.label_value),
      };
      const doc = input.document;
      const relbaseId = row.relbase_id;
      const recorded = await recordInvoice<PlannedInvoiceDocument, InvoicePlan & { kind: 'needs_document' | 'refused' }>(deps.db, labels, () => {
        if (!doc) return { ok: false, refusal: { kind: 'needs_document', relbaseId } };
        const annul = annulmentOf(doc, input.orderId);
        if (annul.kind !== 'annul')
          return { ok: false, refusal: { kind: 'refused', reason: annul.kind === 'cannot' ? annul.reason : 'relBase shows the boleta as a nota de venta' } };
        const a = annul.annulment;
        return {
          ok: true,
          annul: {
            lines: a.lines,
            total: a.total,
            mntBruto: a.mntBruto,
            reference: { ...a.reference, razon_ref: `Anula boleta: se emite factura por pedido Jumpseller ${input.orderId}`.slice(0, RAZON_REF_MAX_CHARS) },
            warehouseId: a.warehouseId,
            customerId: a.customerId,
          },
          // The same lines, prices and discounts as the boleta (gross, as it was sent); IVA on the net may move its total by rounding.
          factura: { lines: a.lines, total: facturaTotalOf(a.lines, a.mntBruto), mntBruto: a.mntBruto, reference: null, warehouseId: null, customerId: null },
        };
      });
      if (recorded.kind === 'not_planned') return recorded.refusal;
      if (recorded.kind === 'refused') return recorded;
      return {
        kind: 'planned',
        boletaLabel: row.label_value,
        annul: { label: recorded.recorded.annul.label, plan: recorded.recorded.annul.request },
        factura: { label: recorded.recorded.factura.label, plan: recorded.recorded.factura.request },
        existed: recorded.existed,
        issuing,
      };
    },

    /** The issued document as relBase holds it (`GET /dtes/{id}`): what a credit note must undo. */
    async readDocumentToCredit(input: { storeCode: string; relbaseId: string }): Promise<CreditableDocument<DocumentLineRequest>> {
      const store = await requireStore(deps, input.storeCode);
      const d = await classifyFailures(() => store.relbase.getDocument(Number(input.relbaseId)), { relbase403Attempts: RELBASE_403_ATTEMPTS_SINGLE_CALL });
      const lines = d.products.map((l, i): DocumentLineRequest => {
        if (l.product_id === null || l.quantity === null || l.price === null) {
          throw permanentFailure(
            `relBase document ${input.relbaseId} shows line ${i + 1} without its product, quantity or price; credit it in relBase by hand`,
            FAILURE_TYPES.documentRefused,
          );
        }
        return {
          product_id: l.product_id,
          quantity: l.quantity,
          price: l.price,
          ...(l.discount ? { discount: l.discount } : {}),
          ...(l.tax_affected === null ? {} : { tax_affected: l.tax_affected }),
        };
      });
      return {
        typeDocument: d.type_document,
        folio: d.folio,
        date: d.start_date,
        customerId: d.customer_id,
        warehouseId: d.ware_house_id,
        mntBruto: d.mnt_bruto,
        total: d.amount_total,
        lines,
        children: d.dte_children.map((c) => ({ relbaseId: String(c.id), typeDocument: c.type_document })),
      };
    },
  };
}
