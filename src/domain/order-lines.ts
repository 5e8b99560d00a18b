import { allocateDiscount } from './discounts.js';
import { isWholePesos, toClp } from './money.js';
import { discountPercentFor } from './relbase-line.js';

export { MAX_FACTURA_LINES, MAX_BOLETA_LINES, maxLinesFor, allowsLineCount } from './line-limits.js';

/** One order line as the line builder needs it (mapped from Jumpseller's line item by the caller). */
export interface OrderLineInput {
  readonly sku: string | null | undefined;
  readonly name: string;
  readonly quantity: number;
  /** Gross (IVA included) CLP price of one unit. */
  readonly unitPrice: number;
  /** This line's own promotion discount, for all its units together. */
  readonly lineDiscount: number;
}

/** The money of an order that a document must reproduce to the peso. */
export interface OrderForDocument {
  readonly currency: string;
  readonly lines: readonly OrderLineInput[];
  /** The order's whole product discount: the lines' own discounts plus coupons. */
  readonly orderDiscount: number;
  readonly shipping: number;
  readonly shippingDiscount: number;
  /** What the customer paid. */
  readonly total: number;
}

/** relBase product ids for the order's SKUs, and the store's shipping product. */
export interface ProductLinks {
  readonly productIdsBySku: Readonly<Record<string, number>>;
  readonly shippingProductId: number | null;
}

/** A relBase document line; relBase charges round_half_up(quantity × price × (1 − discountPct/100)) = amount. */
export interface DocumentLine {
  readonly productId: number;
  /** null on the shipping line. */
  readonly sku: string | null;
  readonly quantity: number;
  readonly price: number;
  readonly discountPct: number;
  readonly amount: number;
}

/** The document lines, or the SKUs still to be linked, or why the order needs a person. */
export type DocumentLinesResult =
  | { readonly ok: true; readonly lines: readonly DocumentLine[]; readonly total: number }
  | { readonly ok: false; readonly kind: 'missing_products'; readonly skus: readonly string[] }
  | { readonly ok: false; readonly kind: 'hold'; readonly reason: string };

type Hold = { readonly ok: false; readonly kind: 'hold'; readonly reason: string };

/**
 * Builds the document lines for an order so that the document total is exactly what the customer
 * paid and every discount sits on a line (a later credit note can then refund a line as charged).
 *
 * Each line keeps its own discount; the rest of the order discount (coupons) is spread over the
 * lines in proportion to what they cost after their own discount; shipping actually charged is one
 * more line. `missing_products` is returned only when linking those SKUs is all the order still
 * needs; anything a product sync cannot fix is a `hold`.
 */
export function buildDocumentLines(order: OrderForDocument, links: ProductLinks): DocumentLinesResult {
  const invalid = checkOrderInput(order);
  if (invalid !== null) return invalid;

  const lines = order.lines.map((line) => ({
    sku: (line.sku ?? '').trim(),
    name: line.name,
    quantity: line.quantity,
    unitPrice: toClp(line.unitPrice),
    lineDiscount: toClp(line.lineDiscount),
  }));
  const orderDiscount = toClp(order.orderDiscount);
  const shipping = toClp(order.shipping);
  const shippingDiscount = toClp(order.shippingDiscount);
  const total = toClp(order.total);

  const gross = lines.map((line) => line.quantity * line.unitPrice);
  const grossSum = sum(gross);
  if (!Number.isSafeInteger(grossSum)) return hold(`the order's products add up to more than can be counted exactly (${grossSum})`);
  for (const [index, line] of lines.entries()) {
    if (line.lineDiscount > (gross[index] ?? 0)) {
      return hold(
        `${describe(line, index)}: its discount ${line.lineDiscount} is more than its amount ${line.quantity} × ${line.unitPrice} = ${gross[index]}`,
      );
    }
  }
  const ownDiscounts = sum(lines.map((line) => line.lineDiscount));
  if (orderDiscount < ownDiscounts) {
    return hold(`the order discount ${orderDiscount} is less than the lines' own discounts, which add up to ${ownDiscounts}`);
  }
  const afterOwn = lines.map((line, index) => (gross[index] ?? 0) - line.lineDiscount);
  const couponDiscount = orderDiscount - ownDiscounts;
  if (couponDiscount > sum(afterOwn)) {
    return hold(
      `the order discount ${orderDiscount} (${ownDiscounts} on lines + ${couponDiscount} more) is more than the products' amount ${grossSum}`,
    );
  }
  const couponParts = allocateDiscount(afterOwn, couponDiscount);

  const productLines: (Omit<DocumentLine, 'productId' | 'sku'> & { readonly sku: string })[] = [];
  for (const [index, line] of lines.entries()) {
    const discount = line.lineDiscount + (couponParts[index] ?? 0);
    const discountPct = discountPercentFor(line.quantity, line.unitPrice, discount);
    if (discountPct === null) {
      return hold(
        `${describe(line, index)}: no discount percentage makes relBase charge ${line.quantity} × ${line.unitPrice} − ${discount} = ${(gross[index] ?? 0) - discount}`,
      );
    }
    productLines.push({
      sku: line.sku,
      quantity: line.quantity,
      price: line.unitPrice,
      discountPct,
      amount: (gross[index] ?? 0) - discount,
    });
  }

  const netShipping = shipping - shippingDiscount;
  if (netShipping < 0) return hold(`the shipping discount ${shippingDiscount} is more than the shipping ${shipping}`);
  if (netShipping > 0 && links.shippingProductId === null) {
    return hold(`the order charged ${netShipping} for shipping but the store has no relBase shipping product configured`);
  }
  const documentTotal = sum(productLines.map((line) => line.amount)) + netShipping;
  if (documentTotal !== total) {
    return hold(
      `the document would total ${documentTotal} (products ${grossSum} − discount ${orderDiscount} + shipping ${shipping} − shipping discount ${shippingDiscount}) but the order total is ${total}`,
    );
  }

  const missing: string[] = [];
  const documentLines: DocumentLine[] = [];
  for (const line of productLines) {
    const productId = productIdFor(links, line.sku);
    if (productId !== null) documentLines.push({ productId, ...line });
    else if (!missing.includes(line.sku)) missing.push(line.sku);
  }
  if (missing.length > 0) return { ok: false, kind: 'missing_products', skus: missing };

  if (netShipping > 0 && links.shippingProductId !== null) {
    documentLines.push({ productId: links.shippingProductId, sku: null, quantity: 1, price: netShipping, discountPct: 0, amount: netShipping });
  }
  return { ok: true, lines: documentLines, total: documentTotal };
}

/** Everything about the order's own data that no product sync can fix, in one message. */
function checkOrderInput(order: OrderForDocument): Hold | null {
  const currency = order.currency.trim().toUpperCase();
  if (currency !== 'CLP') return hold(`the order is in ${order.currency || 'no currency'}; documents are issued in CLP only`);
  if (order.lines.length === 0) return hold('the order has no products');
  const problems: string[] = [];
  const wholePesos = (value: number, what: string): void => {
    if (!isWholePesos(value) || value < 0) problems.push(`${what} is ${value}, not a whole number of pesos ≥ 0`);
  };
  for (const [index, line] of order.lines.entries()) {
    const what = `line ${index + 1} (${line.name})`;
    if ((line.sku ?? '').trim() === '') problems.push(`${what} has no SKU`);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) problems.push(`${what} has quantity ${line.quantity}, not a whole number ≥ 1`);
    wholePesos(line.unitPrice, `${what} unit price`);
    wholePesos(line.lineDiscount, `${what} discount`);
  }
  wholePesos(order.orderDiscount, 'the order discount');
  wholePesos(order.shipping, 'the shipping');
  wholePesos(order.shippingDiscount, 'the shipping discount');
  wholePesos(order.total, 'the order total');
  return problems.length === 0 ? null : hold(problems.join('; '));
}

function productIdFor(links: ProductLinks, sku: string): number | null {
  // hasOwn: a SKU such as "constructor" must not find Object.prototype.
  return Object.hasOwn(links.productIdsBySku, sku) ? (links.productIdsBySku[sku] ?? null) : null;
}

function describe(line: { sku: string; name: string }, index: number): string {
  return `line ${index + 1} (${line.sku}, ${line.name})`;
}

function hold(reason: string): Hold {
  return { ok: false, kind: 'hold', reason };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
