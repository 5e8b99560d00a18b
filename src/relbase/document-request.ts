/**
 * The body of `POST /dtes` as the project's relBase contract defines it. The union makes the two
 * rules relBase enforces visible to the compiler: a factura (33) names its customer, and a nota de
 * venta (1001) says which tax document it will become.
 */

/** 39 boleta, 33 factura afecta, 1001 nota de venta (internal, not an SII type). */
export type RelbaseDocumentType = 39 | 33 | 1001;

/** One document line. `discount` is a percentage (decimals allowed); prices follow `mnt_bruto`. */
export interface DocumentLineRequest {
  product_id: number;
  quantity: number;
  price: number;
  discount?: number;
  tax_affected?: boolean;
}

interface DocumentRequestCommon {
  ware_house_id: number;
  channel_id?: number;
  type_payment_id?: number;
  /** yyyy-mm-dd */
  start_date?: string;
  end_date?: string;
  /** true: line prices include IVA (boletas); false: net prices (facturas). */
  mnt_bruto: boolean;
  /** The shop's order reference: the handle used to find a document whose POST answer was lost. */
  label_value?: string;
  comment?: string;
  products: DocumentLineRequest[];
}

export type DocumentRequest = DocumentRequestCommon &
  (
    | { type_document: 39; customer_id?: number }
    | { type_document: 33; customer_id: number }
    | { type_document: 1001; type_document_sii: 39 | 33; customer_id?: number }
  );
