/** Boleta electrónica (SII code 39). */
export const BOLETA = 39;
/** Factura electrónica afecta (SII code 33). */
export const FACTURA = 33;
/** Nota de venta: relBase's internal, non-tax document 1001, which later becomes a boleta or factura. */
export const NOTA_DE_VENTA = 1001;

/** A document this service issues in relBase. */
export type DocumentType = typeof BOLETA | typeof FACTURA | typeof NOTA_DE_VENTA;

/** A tax document a nota de venta can become (relBase's `type_document_sii`). */
export type TaxDocumentType = typeof BOLETA | typeof FACTURA;

/** Every document type, for exhaustive checks and settings validation. */
export const DOCUMENT_TYPES: readonly DocumentType[] = [BOLETA, FACTURA, NOTA_DE_VENTA];

/** True when `value` is one of the document type codes. */
export function isDocumentType(value: unknown): value is DocumentType {
  return value === BOLETA || value === FACTURA || value === NOTA_DE_VENTA;
}
