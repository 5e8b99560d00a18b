import { FACTURA, NOTA_DE_VENTA } from './document-types.js';
import type { DocumentType, TaxDocumentType } from './document-types.js';

/** A DTE such as a factura holds at most 60 `Detalle` lines (DTE_v10.xsd). */
export const MAX_FACTURA_LINES = 60;

/** A boleta holds at most 1000 lines (EnvioBOLETA_v11.xsd). */
export const MAX_BOLETA_LINES = 1000;

/**
 * The most lines a document may carry. A nota de venta is not a tax document, but one that will
 * become a factura must already fit in one, or the factura could never be issued from it.
 */
export function maxLinesFor(type: DocumentType, typeSii?: TaxDocumentType | null): number {
  if (type === FACTURA) return MAX_FACTURA_LINES;
  if (type === NOTA_DE_VENTA && typeSii === FACTURA) return MAX_FACTURA_LINES;
  return MAX_BOLETA_LINES;
}

/** True when a document of this type may carry `lineCount` lines. */
export function allowsLineCount(type: DocumentType, lineCount: number, typeSii?: TaxDocumentType | null): boolean {
  return lineCount <= maxLinesFor(type, typeSii);
}
