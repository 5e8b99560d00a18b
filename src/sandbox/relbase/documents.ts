/**
 * Issuing a document the way the project's relBase contract says relBase does: validate, compute
 * the lines and header amounts exactly, take the next folio of the type, and move stock out of the
 * document's warehouse (relBase moves stock on every sale, notas de venta included).
 */
import { z } from 'zod';
import { documentAmounts, lineAmount } from './line-arithmetic.js';
import type { RelbaseSimState, SimDocument, SimDocumentLine } from './state.js';
import { adjustStock, defaultWarehouseId, hasWarehouse, nextFolio } from './state.js';

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
});

const SUPPORTED_TYPES = [39, 33, 1001];
const TAX_TYPES_FOR_NOTA = [39, 33];

export type IssueResult = { ok: true; document: SimDocument } | { ok: false; message: string };

/**
 * @param pdfBaseUrl  where the simulator serves documents' PDFs (its own origin)
 * @param today  yyyy-mm-dd, the default issue date
 */
export function issueDocument(state: RelbaseSimState, body: unknown, pdfBaseUrl: string, today: string): IssueResult {
  const parsed = documentBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const req = parsed.data;
  const typeDocument = req.type_document;
  if (!SUPPORTED_TYPES.includes(typeDocument)) {
    return { ok: false, message: `type_document ${typeDocument} is not supported (39, 33 or 1001)` };
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
      discount,
      tax_affected: line.tax_affected ?? product.tax_affected,
      amount_total: lineAmount(line.quantity, price, discount),
    });
  }

  // Boletas carry gross prices and facturas net ones unless the caller says otherwise (SII defaults).
  const taxDocument = typeDocument === 1001 ? typeDocumentSii : typeDocument;
  const mntBruto = req.mnt_bruto ?? taxDocument === 39;
  const amounts = documentAmounts(
    lines.map((l) => ({ amount: l.amount_total, taxAffected: l.tax_affected })),
    mntBruto,
  );

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
    pdf_file: { url: `${pdfBaseUrl}/_sim/documents/${id}/pdf` },
    products: lines,
    created_at: new Date().toISOString(),
  };
  state.documents.set(id, document);
  for (const line of lines) {
    if (state.products.get(line.product_id)?.is_inventory) adjustStock(state, line.product_id, warehouseId, -line.quantity);
  }
  return { ok: true, document };
}

/** Case-insensitive substring search over folio, label_value and comment, newest first. */
export function searchDocuments(state: RelbaseSimState, query: string, typeDocument: number | null): SimDocument[] {
  const needle = query.trim().toLowerCase();
  return [...state.documents.values()]
    .filter((d) => typeDocument === null || d.type_document === typeDocument)
    .filter(
      (d) =>
        needle === '' ||
        String(d.folio).includes(needle) ||
        (d.label_value ?? '').toLowerCase().includes(needle) ||
        (d.comment ?? '').toLowerCase().includes(needle),
    )
    .sort((a, b) => b.id - a.id);
}
