// The public face of the pure domain rules. Everything here is deterministic and free of I/O, so
// workflow code may import it.
export { DomainError } from './errors.js';
export type { DomainErrorCode } from './errors.js';
export { cleanRut, computeRutDv, parseRut, formatRutWithDots } from './rut.js';
export type { ParsedRut, ValidRut, InvalidRut } from './rut.js';
export { roundHalfUp, toClp, isWholePesos } from './money.js';
export { allocateDiscount } from './discounts.js';
export { relbaseLineAmount, discountPercentFor, DISCOUNT_PCT_MAX_DECIMALS } from './relbase-line.js';
export { buildDocumentLines } from './order-lines.js';
export type { OrderLineInput, OrderForDocument, ProductLinks, DocumentLine, DocumentLinesResult } from './order-lines.js';
export { MAX_FACTURA_LINES, MAX_BOLETA_LINES, maxLinesFor, allowsLineCount } from './line-limits.js';
export { BOLETA, FACTURA, NOTA_DE_VENTA, DOCUMENT_TYPES, isDocumentType } from './document-types.js';
export type { DocumentType, TaxDocumentType } from './document-types.js';
export { readCheckoutFields } from './checkout-fields.js';
export type { AdditionalField, CheckoutFields, CheckoutFieldIds } from './checkout-fields.js';
export { parseDocumentTypeValue, chooseDocument, GIRO_MAX_CHARS, GENERIC_RUT } from './document-choice.js';
export type {
  Receiver,
  StoreDocumentDefault,
  InvalidFiscalDataPolicy,
  DocumentOverride,
  ChooseDocumentInput,
  DocumentChoice,
} from './document-choice.js';
export { stockForShop } from './stock.js';
export { checkSkus, isSkuAcceptable, SKU_MAX_CHARS } from './sku.js';
export type { SkuItem, SkuCheck } from './sku.js';
export { ORDER_STATUSES, parseOrderStatus, isPaid, isTerminalWithoutPayment } from './order-status.js';
export type { OrderStatus } from './order-status.js';
