/**
 * What the simulator demands of a nota de crédito electrónica (61), written from the references
 * (shared/reference/chile-dte.md B6, relbase-api.md A4): relBase's API for a 61 is not public, so its
 * `references[]` carries the fields relBase shows on a DTE (`tpo_doc_ref_id, code_ref, folio_ref,
 * date_ref, razon_ref`), ASSUMED to be what a POST accepts.
 *
 * - Exactly one reference, to a tax document the simulator issued (a boleta 39 or a factura 33; a nota
 *   de venta 1001 is internal and the SII knows nothing of it), by type and folio, with that
 *   document's date; `code_ref` 1 (anula documento), 2 (corrige texto) or 3 (corrige montos);
 *   `razon_ref` at most 90 characters.
 * - A 61 for a factura names the factura's customer (the receiver of both is the same).
 * - A 61 never credits more than the referenced document: its total plus the totals of earlier 61s
 *   referencing the same document stays within the document's total.
 * - Nor more units of a product than the document sold: a partial return (chile-dte.md B6, CodRef 3
 *   "with only the returned lines") credits units the document holds, and its units plus those of
 *   earlier 61s of the same document stay within what the document sold of each product.
 */
import { z } from 'zod';
import type { RelbaseSimState, SimDocument } from './state.js';

export const CREDIT_NOTE = 61;
const CREDITABLE_TYPES = [39, 33];
const REASON_CODES = [1, 2, 3];
const RAZON_MAX = 90;

export const referenceSchema = z.looseObject({
  tpo_doc_ref_id: z.number().int(),
  code_ref: z.number().int(),
  folio_ref: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  date_ref: z.string(),
  razon_ref: z.string().nullish(),
});
export type SimReference = z.infer<typeof referenceSchema>;

/** The referenced document, or why the 61's reference is not valid. */
export function referencedDocument(
  state: RelbaseSimState,
  references: SimReference[] | null | undefined,
  customerId: number | null,
): { ok: true; document: SimDocument; reference: SimReference } | { ok: false; message: string } {
  if (!references || references.length === 0) return { ok: false, message: 'a nota de crédito (61) needs references[] naming the document it corrects' };
  if (references.length > 1) return { ok: false, message: 'a nota de crédito (61) must reference exactly one document' };
  const reference = references[0]!;
  if (!CREDITABLE_TYPES.includes(reference.tpo_doc_ref_id)) {
    return { ok: false, message: `references.0.tpo_doc_ref_id ${reference.tpo_doc_ref_id}: a nota de crédito references a boleta (39) or a factura (33)` };
  }
  if (!REASON_CODES.includes(reference.code_ref)) return { ok: false, message: `references.0.code_ref ${reference.code_ref}: must be 1, 2 or 3` };
  if ((reference.razon_ref ?? '').length > RAZON_MAX) return { ok: false, message: `references.0.razon_ref: at most ${RAZON_MAX} characters` };
  const document = [...state.documents.values()].find((d) => d.type_document === reference.tpo_doc_ref_id && d.folio === reference.folio_ref);
  if (!document) return { ok: false, message: `references.0: no document of type ${reference.tpo_doc_ref_id} with folio ${reference.folio_ref}` };
  if (document.start_date !== reference.date_ref) {
    return { ok: false, message: `references.0.date_ref ${reference.date_ref}: document ${reference.tpo_doc_ref_id} folio ${reference.folio_ref} is dated ${document.start_date}` };
  }
  if (document.type_document === 33 && customerId !== document.customer_id) {
    return { ok: false, message: `a nota de crédito for factura ${document.folio} needs its customer_id ${document.customer_id}` };
  }
  return { ok: true, document, reference };
}

/** Pesos already credited on a document by earlier notas de crédito. */
export function creditedSoFar(state: RelbaseSimState, document: SimDocument): number {
  return [...state.documents.values()]
    .filter((d) => d.type_document === CREDIT_NOTE && d.references?.some((r) => r.tpo_doc_ref_id === document.type_document && Number(r.folio_ref) === document.folio))
    .reduce((sum, d) => sum + d.amount_total, 0);
}

/** Null when a 61 of `total` fits within what is left of the document; the refusal otherwise. */
export function overCredit(state: RelbaseSimState, document: SimDocument, total: number): string | null {
  const credited = creditedSoFar(state, document);
  if (credited + total <= document.amount_total) return null;
  return (
    `a nota de crédito of ${total} would credit more than document ${document.type_document} folio ${document.folio}: ` +
    `its total is ${document.amount_total} and ${credited} is already credited`
  );
}

/** Null when every product of a 61's lines was sold by the document in at least that many units, earlier 61s counted; the refusal otherwise. */
export function overUnits(state: RelbaseSimState, document: SimDocument, lines: readonly { product_id: number; quantity: number }[]): string | null {
  const units = (ls: readonly { product_id: number; quantity: number }[], productId: number) => ls.filter((l) => l.product_id === productId).reduce((n, l) => n + l.quantity, 0);
  const earlier = [...state.documents.values()].filter(
    (d) => d.type_document === CREDIT_NOTE && d.references?.some((r) => r.tpo_doc_ref_id === document.type_document && Number(r.folio_ref) === document.folio),
  );
  for (const productId of new Set(lines.map((l) => l.product_id))) {
    const sold = units(document.products, productId);
    if (sold === 0) return `product ${productId} is not on document ${document.type_document} folio ${document.folio}: a nota de crédito credits only what it sold`;
    const credited = earlier.reduce((n, d) => n + units(d.products, productId), 0);
    const now = units(lines, productId);
    if (credited + now > sold) {
      return `a nota de crédito of ${now} unit(s) of product ${productId} would credit more than document ${document.type_document} folio ${document.folio} sold: ${sold}, of which ${credited} already credited`;
    }
  }
  return null;
}
