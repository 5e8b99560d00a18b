/**
 * The body of `POST /dtes` as the project's relBase contract defines it. The union makes the two
 * rules relBase enforces visible to the compiler: a factura (33) names its customer, and a nota de
 * venta (1001) says which tax document it will become.
 */

/** 39 boleta, 33 factura afecta, 1001 nota de venta (internal, not an SII type). */
export type RelbaseDocumentType = 39 | 33 | 1001;

/**
 * One document line; prices follow `mnt_bruto`. The domain's DocumentLine maps one to one:
 * productId → product_id, quantity, price, discountPct → discount, taxAffected → tax_affected.
 */
export interface DocumentLineRequest {
  product_id: number;
  quantity: number;
  /** Whole pesos, at least 1: the SII wants a positive PrcItem. */
  price: number;
  /**
   * A percentage with at most 2 decimals (the SII's DescuentoPct holds no more; relBase is assumed
   * to round finer ones), chosen so the contract's and the SII's rounding give the same amount.
   */
  discount?: number;
  /** false for an exento line: no IVA on it. */
  tax_affected?: boolean;
}

interface DocumentRequestCommon {
  ware_house_id: number;
  channel_id?: number;
  type_payment_id?: number;
  /** yyyy-mm-dd: the day the order was paid, in Chile (domain documentDateFor). */
  start_date?: string;
  end_date?: string;
  /**
   * true: line prices include IVA (boletas, and notas de venta that become one); false: net prices,
   * IVA = round(neto × 0.19) on top (facturas, and notas that become one). chile-dte.md B4.
   */
  mnt_bruto: boolean;
  /** The shop's order reference: the handle used to find a document whose POST answer was lost. */
  label_value?: string;
  comment?: string;
  products: DocumentLineRequest[];
}

/**
 * What a nota de crédito (61) corrects (chile-dte.md B6): the document's SII type, its folio and date,
 * the reason code (1 anula documento, 2 corrige texto, 3 corrige montos) and a reason of at most 90
 * characters. ASSUMED: `POST /dtes` takes the `references[]` fields relBase shows on a DTE
 * (relbase-api.md A4); relBase's API for a 61 is not public.
 */
export interface DocumentReference {
  tpo_doc_ref_id: 39 | 33;
  code_ref: 1 | 2 | 3;
  folio_ref: number;
  /** yyyy-mm-dd, the referenced document's date. */
  date_ref: string;
  razon_ref: string;
}

export type DocumentRequest = DocumentRequestCommon &
  (
    | { type_document: 39; customer_id?: number }
    | { type_document: 33; customer_id: number }
    | { type_document: 1001; type_document_sii: 39 | 33; customer_id?: number }
    /** A factura's credit note names the factura's customer (its receiver). */
    | { type_document: 61; customer_id?: number; references: [DocumentReference] }
  );
