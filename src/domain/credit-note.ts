/**
 * A nota de crédito (61) that annuls an issued document (chile-dte.md B6): CodRef 1 "anula documento",
 * a reference to the document's SII type, folio and date, and the document's own lines (quantities,
 * prices, per-line discounts, exempt flags, the shipping line) so that it undoes the document's total
 * to the peso. Pure: the workflow decides with it, the activity only reads relBase.
 */
import { netDocumentAmounts, netOfGross } from './document-amounts.js';
import { relbaseLineAmount } from './relbase-line.js';

/** CodRef (chile-dte.md B6). */
export const CREDIT_REASON = { annul: 1, correctText: 2, correctAmounts: 3 } as const;
export type CreditReasonCode = (typeof CREDIT_REASON)[keyof typeof CREDIT_REASON];

/** The SII allows at most 90 characters in RazonRef. */
export const RAZON_REF_MAX_CHARS = 90;

/** The label of an order's n-th credit note: `JS-{order}-NC{n}`, beside the document's `JS-{order}`. */
export function creditNoteLabel(documentLabel: string, n: number): string {
  return `${documentLabel}-NC${n}`;
}

/** An issued document as relBase holds it, with the lines it was issued with. */
export interface CreditableDocument<Line> {
  typeDocument: number;
  folio: number | null;
  /** yyyy-mm-dd */
  date: string | null;
  customerId: number | null;
  /** The warehouse the document took its units from; null when relBase does not say. */
  warehouseId: number | null;
  mntBruto: boolean | null;
  total: number;
  lines: Line[];
  /** For a nota de venta: the tax documents relBase made from it (`dte_children`). */
  children: { relbaseId: string; typeDocument: number }[];
}

export interface Annulment<Line> {
  reference: { tpo_doc_ref_id: 39 | 33; code_ref: 1; folio_ref: number; date_ref: string; razon_ref: string };
  customerId: number | null;
  /** The units go back where they came from, whatever the store's warehouse setting says now. */
  warehouseId: number | null;
  mntBruto: boolean;
  lines: Line[];
  /** The credit note's total: the document's. */
  total: number;
}

/** The annulling credit note of a document, or why there can be none (in words an operator can act on). */
export function annulmentOf<Line>(
  doc: CreditableDocument<Line>,
  orderId: string,
): { kind: 'annul'; annulment: Annulment<Line> } | { kind: 'annul_child'; relbaseId: string } | { kind: 'cannot'; reason: string } {
  if (doc.typeDocument === 1001) {
    // A nota de venta turned into a boleta or factura: that tax document is what a 61 annuls.
    const child = doc.children.find((c) => c.typeDocument === 39 || c.typeDocument === 33);
    if (child) return { kind: 'annul_child', relbaseId: child.relbaseId };
    // relBase voids a nota de venta in its own UI; the API as the reference knows it has no such call.
    return {
      kind: 'cannot',
      reason:
        'the order was canceled after its nota de venta (1001) was issued, and relBase has made no boleta or factura from it; a nota de venta is not a ' +
        "tax document and is not annulled with a 61, and relBase's API as documented has no call to void it: void it in relBase",
    };
  }
  if (doc.typeDocument !== 39 && doc.typeDocument !== 33) {
    return { kind: 'cannot', reason: `document type ${doc.typeDocument} is not one this service annuls (39 boleta, 33 factura): credit it in relBase by hand` };
  }
  if (doc.folio === null || doc.date === null) {
    return { kind: 'cannot', reason: `relBase does not give the ${doc.typeDocument === 39 ? 'boleta' : 'factura'}'s ${doc.folio === null ? 'folio' : 'date'} yet; retry later` };
  }
  if (doc.lines.length === 0) return { kind: 'cannot', reason: 'relBase shows the document without lines; credit it in relBase by hand' };
  if (doc.typeDocument === 33 && doc.customerId === null) return { kind: 'cannot', reason: 'relBase shows the factura without its customer; credit it in relBase by hand' };
  return {
    kind: 'annul',
    annulment: {
      reference: {
        tpo_doc_ref_id: doc.typeDocument,
        code_ref: CREDIT_REASON.annul,
        folio_ref: doc.folio,
        date_ref: doc.date,
        razon_ref: `Anula documento: pedido Jumpseller ${orderId} cancelado`.slice(0, RAZON_REF_MAX_CHARS),
      },
      customerId: doc.customerId,
      warehouseId: doc.warehouseId,
      // Sent as the document was: boletas (and this service's documents) gross unless relBase says otherwise.
      mntBruto: doc.mntBruto ?? true,
      lines: doc.lines,
      total: doc.total,
    },
  };
}

/** The label of the factura that replaces an order's boleta: `JS-{order}-FA1`. */
export function replacementLabel(documentLabel: string): string {
  return `${documentLabel}-FA1`;
}

/**
 * The total of a factura (33) issued with `lines` as they stand: with gross prices (`mntBruto`, the
 * boleta's own lines) each taxed line's net part is round(amount / 1.19) and IVA is rounded on their
 * sum (chile-dte.md B4, as relBase is assumed to compute a factura); with net prices the lines are
 * the neto. Exempt lines add as they are. It may differ from the boleta's total by rounding.
 */
export function facturaTotalOf(lines: readonly { quantity: number; price: number; discount?: number; tax_affected?: boolean }[], mntBruto: boolean): number {
  let neto = 0;
  let exempt = 0;
  for (const l of lines) {
    const amount = relbaseLineAmount(l.quantity, l.price, l.discount ?? 0);
    if (l.tax_affected === false) exempt += amount;
    else neto += mntBruto ? netOfGross(amount) : amount;
  }
  return netDocumentAmounts(neto, exempt).total;
}
