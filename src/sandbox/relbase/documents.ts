/**
 * Issuing a document the way the project's relBase contract says relBase does: validate, compute
 * the lines and header amounts the SII's way (line-arithmetic.ts: percentages kept to 2 decimals,
 * facturas from net lines), take the next folio of the type, and move stock out of the document's
 * warehouse (relBase moves stock on every sale, notas de venta included). A nota de crédito (61) must
 * reference a document it may credit (credit-notes.ts) and is computed as that document is.
 */
import { z } from 'zod';
import { CREDIT_NOTE, overCredit, overUnits, referencedDocument, referenceSchema } from './credit-notes.js';
import { documentAmounts, lineAmount, roundPercent } from './line-arithmetic.js';
import type { RelbaseSimState, SimDocument, SimDocumentLine } from './state.js';
import { adjustStock, defaultWarehouseId, hasWarehouse, nextFolio } from './state.js';
import { SII_STATUS_NAMES } from './sii-status.js';

const lineSchema = z.looseObject({
  product_id: z.number().int(),
  quantity: z.number(),
  /** When absent relBase uses the product's list price. */
  price: z.number().optional(),
  discount: z.number().optional(),
  tax_affected: z.boolean().optional(),
});

const documentBodySchema = z.looseObject({
  type_document: z.number().int(),
  type_document_sii: z.number().int().nullish(),
  customer_id: z.number().int().nullish(),
  ware_house_id: z.number().int().nullish(),
  channel_id: z.number().int().nullish(),
  type_payment_id: z.number().int().nullish(),
  start_date: z.string().nullish(),
  end_date: z.string().nullish(),
  mnt_bruto: z.boolean().optional(),
  label_value: z.string().nullish(),
  comment: z.string().nullish(),
  products: z.array(lineSchema).min(1, 'a document needs at least one product'),
  /** Only on a nota de crédito (61): the document it corrects. */
  references: z.array(referenceSchema).nullish(),
});

const SUPPORTED_TYPES = [39, 33, 1001, CREDIT_NOTE];
const TAX_TYPES_FOR_NOTA = [39, 33];

export type IssueResult = { ok: true; document: SimDocument } | { ok: false; message: string };

/**
 * @param pdfBaseUrl  where the simulator serves documents' PDFs (its own origin)
 * @param today  yyyy-mm-dd, the default issue date
 */
export function issueDocument(state: RelbaseSimState, body: unknown, pdfBaseUrl: string, today: string, driftPesos = 0): IssueResult {
  const parsed = documentBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const req = parsed.data;
  const typeDocument = req.type_document;
  if (!SUPPORTED_TYPES.includes(typeDocument)) {
    return { ok: false, message: `type_document ${typeDocument} is not supported (39, 33, 1001 or 61)` };
  }
  const typeDocumentSii = req.type_document_sii ?? null;
  if (typeDocument === 1001 && (typeDocumentSii === null || !TAX_TYPES_FOR_NOTA.includes(typeDocumentSii))) {
    return { ok: false, message: 'a nota de venta (1001) needs type_document_sii 39 or 33' };
  }
  const customerId = req.customer_id ?? null;
  if (typeDocument === 33 && customerId === null) {
    return { ok: false, message: 'a factura (33) needs customer_id' };
  }
  if (customerId !== null && !state.customers.has(customerId)) {
    return { ok: false, message: `customer ${customerId} does not exist` };
  }
  const referenced = typeDocument === CREDIT_NOTE ? referencedDocument(state, req.references, customerId) : null;
  if (referenced && !referenced.ok) return referenced;
  const warehouseId = req.ware_house_id ?? defaultWarehouseId(state);
  if (!hasWarehouse(state, warehouseId)) {
    return { ok: false, message: `ware_house_id ${warehouseId} does not exist` };
  }

  const lines: SimDocumentLine[] = [];
  for (const [i, line] of req.products.entries()) {
    const product = state.products.get(line.product_id);
    if (!product) return { ok: false, message: `products.${i}: product ${line.product_id} does not exist` };
    if (!(line.quantity > 0)) return { ok: false, message: `products.${i}: quantity must be positive` };
    const discount = line.discount ?? 0;
    if (!(discount >= 0 && discount <= 100)) {
      return { ok: false, message: `products.${i}: discount must be a percentage between 0 and 100` };
    }
    const price = line.price ?? product.price;
    if (!(price >= 0)) return { ok: false, message: `products.${i}: price must not be negative` };
    lines.push({
      product_id: product.id,
      name: product.name,
      code: product.code,
      quantity: line.quantity,
      price,
      // What relBase keeps, and shows back, is the percentage the SII can hold.
      discount: roundPercent(discount),
      tax_affected: line.tax_affected ?? product.tax_affected,
      // driftPesos: the amountDrift fault (document-faults.ts), on the first line only.
      amount_total: lineAmount(line.quantity, price, discount) + (i === 0 ? driftPesos : 0),
    });
  }

  // Boletas carry gross prices and facturas net ones unless the caller says otherwise (SII defaults).
  // A nota de crédito is computed as the document it corrects is (a boleta's gross lines, a factura's net ones).
  const taxDocument = referenced?.ok ? referenced.document.type_document : typeDocument === 1001 ? typeDocumentSii : typeDocument;
  const mntBruto = req.mnt_bruto ?? taxDocument === 39;
  const amounts = documentAmounts(
    lines.map((l) => ({ amount: l.amount_total, taxAffected: l.tax_affected })),
    mntBruto,
    taxDocument ?? typeDocument,
  );

  if (referenced?.ok) {
    const refusal = overCredit(state, referenced.document, amounts.amount_total) ?? overUnits(state, referenced.document, lines);
    if (refusal) return { ok: false, message: refusal };
  }

  const id = state.nextId.document++;
  const document: SimDocument = {
    id,
    folio: nextFolio(state, typeDocument),
    type_document: typeDocument,
    type_document_sii: typeDocument === 1001 ? typeDocumentSii : null,
    label_value: req.label_value ?? null,
    comment: req.comment ?? null,
    customer_id: customerId,
    ware_house_id: warehouseId,
    channel_id: req.channel_id ?? null,
    type_payment_id: req.type_payment_id ?? null,
    start_date: req.start_date ?? today,
    end_date: req.end_date ?? req.start_date ?? today,
    mnt_bruto: mntBruto,
    ...amounts,
    // Emitted to the SII, answer pending; a nota de venta is internal and never goes to the SII.
    sii_status: typeDocument === 1001 ? null : 'sent_sii',
    sii_status_name: typeDocument === 1001 ? null : SII_STATUS_NAMES.sent_sii!,
    pdf_file: { url: `${pdfBaseUrl}/_sim/documents/${id}/pdf` },
    products: lines,
    references: referenced?.ok ? [{ ...referenced.reference, folio_ref: Number(referenced.reference.folio_ref), razon_ref: referenced.reference.razon_ref ?? null }] : null,
    dte_children: [],
    created_at: new Date().toISOString(),
  };
  state.documents.set(id, document);
  // A sale takes its units out; a 61 that annuls the sale (code_ref 1) puts them back (ASSUMED: the
  // reference is silent); other corrections move no stock.
  const stockSign = referenced?.ok ? (referenced.reference.code_ref === 1 ? 1 : 0) : -1;
  for (const line of lines) {
    if (stockSign !== 0 && state.products.get(line.product_id)?.is_inventory) adjustStock(state, line.product_id, warehouseId, stockSign * line.quantity);
  }
  return { ok: true, document };
}

/** Case-insensitive substring search over folio, label_value and comment, newest first. */
export function searchDocuments(state: RelbaseSimState, query: string, typeDocument: number | null): SimDocument[] {
  const needle = query.trim().toLowerCase();
  return [...state.documents.values()]
    .filter((d) => typeDocument === null || d.type_document === typeDocument)
    .filter((d) => needle === '' || String(d.folio).includes(needle) || (d.label_value ?? '').toLowerCase().includes(needle) || (d.comment ?? '').toLowerCase().includes(needle))
    .sort((a, b) => b.id - a.id);
}

/**
 * What a merchant does in relBase's UI: turns a nota de venta into the tax document it said it would
 * become (`type_document_sii`), with the same lines and amounts, dated `today`, listed in the nota's
 * `dte_children`. The nota already moved the stock, so the child moves none.
 */
export function emitFromNotaDeVenta(state: RelbaseSimState, notaId: number, today: string): SimDocument {
  const nota = state.documents.get(notaId);
  if (!nota || nota.type_document !== 1001 || nota.type_document_sii === null) throw new Error(`document ${notaId} is not a nota de venta`);
  if (nota.dte_children.length > 0) throw new Error(`nota de venta ${notaId} was already emitted as document ${nota.dte_children[0]!.id}`);
  const id = state.nextId.document++;
  const child: SimDocument = {
    ...nota,
    id,
    folio: nextFolio(state, nota.type_document_sii),
    type_document: nota.type_document_sii,
    type_document_sii: null,
    start_date: today,
    end_date: today,
    sii_status: 'sent_sii',
    sii_status_name: SII_STATUS_NAMES.sent_sii!,
    pdf_file: { url: nota.pdf_file.url.replace(`/documents/${notaId}/`, `/documents/${id}/`) },
    products: nota.products.map((l) => ({ ...l })),
    references: null,
    dte_children: [],
    created_at: new Date().toISOString(),
  };
  state.documents.set(id, child);
  nota.dte_children.push({ id, folio: child.folio, type_document: child.type_document });
  return child;
}
