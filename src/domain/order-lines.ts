import { allocateDiscount } from './discounts.js';
import type { DocumentAmounts, PriceBasis } from './document-amounts.js';
import { describeLine, writeGrossLines, writeNetLines } from './line-writing.js';
import type { OrderLine, UnreachableNetTotalPolicy } from './line-writing.js';
import { isWholePesos, toClp } from './money.js';
import { lineTaxStatus } from './tax-status.js';
import type { LineTax } from './tax-status.js';

export { MAX_FACTURA_LINES, MAX_BOLETA_LINES, maxLinesFor, allowsLineCount } from './line-limits.js';

/** Jumpseller's line `type` for a gift card sold (jumpseller-api.md §2, product `type`). */
export const GIFT_CARD_LINE_TYPE = 'gift_card';

/** One order line as the line builder needs it (mapped from Jumpseller's line item by the caller). */
export interface OrderLineInput {
  readonly sku: string | null | undefined;
  readonly name: string;
  readonly quantity: number;
  /** Gross (IVA included) CLP price of one unit. */
  readonly unitPrice: number;
  /** This line's own promotion discount, for all its units together. */
  readonly lineDiscount: number;
  /**
   * Jumpseller's `taxes[]` for the line: no IVA means exento (lineTaxStatus). Left out (undefined)
   * by callers from before lines had a tax status: the line is then taxed, as it always was.
   */
  readonly taxes?: readonly LineTax[] | null;
  /** Jumpseller's line `type`: `gift_card` for a gift card sold, which is not on the document. */
  readonly type?: string | null;
}

/** The money of an order that a document must reproduce to the peso. */
export interface OrderForDocument {
  readonly currency: string;
  readonly lines: readonly OrderLineInput[];
  /** The order's whole product discount: the lines' own discounts plus coupons. */
  readonly orderDiscount: number;
  readonly shipping: number;
  readonly shippingDiscount: number;
  /** What the customer paid (Jumpseller `total`). */
  readonly total: number;
  /**
   * Jumpseller `gift_cards_discount`: paid with gift cards. A means of payment, not a discount: the
   * document carries the full price and its IVA (the SII taxes the sale when the card is redeemed).
   */
  readonly giftCardsRedeemed?: number;
  /** Whether shipping carries IVA; it does unless told otherwise (the seller's own delivery is part of the sale). */
  readonly shippingTaxAffected?: boolean;
}

/** relBase product ids for the order's SKUs, and the store's shipping product. */
export interface ProductLinks {
  readonly productIdsBySku: Readonly<Record<string, number>>;
  readonly shippingProductId: number | null;
}

export type { UnreachableNetTotalPolicy } from './line-writing.js';

/** How to write the lines. Defaults: gross prices, hold when a net total cannot be reached. */
export interface BuildLinesOptions {
  readonly basis?: PriceBasis;
  readonly unreachableNetTotal?: UnreachableNetTotalPolicy;
}

/**
 * A relBase document line. relBase computes `amount` from quantity, price and discountPct both the
 * way the contract assumes and the SII's way (relbase-line.ts); price and amount are gross on a
 * gross document and net on a net one.
 */
export interface DocumentLine {
  readonly productId: number;
  /** null on the shipping line. */
  readonly sku: string | null;
  readonly quantity: number;
  readonly price: number;
  /** At most 2 decimals. */
  readonly discountPct: number;
  readonly amount: number;
  /** false for an exento line: no IVA on it (`tax_affected`). */
  readonly taxAffected: boolean;
  /** The order line (0-based) it comes from, null for shipping; a line split in two shares its index. */
  readonly orderLine: number | null;
}

/** The document lines, or the SKUs still to be linked, or why the order needs a person, or why it needs no document. */
export type DocumentLinesResult =
  | {
      readonly ok: true;
      readonly lines: readonly DocumentLine[];
      /** The document's total as relBase will compute it (expected.total). */
      readonly total: number;
      readonly basis: PriceBasis;
      /** The header amounts relBase should report; compare with checkIssuedAmounts. */
      readonly expected: DocumentAmounts;
      /** What the document should total to match the payment; differs from `total` only under `one_peso_below`. */
      readonly paidTotal: number;
      /** Things an operator may want to know that did not stop the document. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly kind: 'missing_products'; readonly skus: readonly string[] }
  | { readonly ok: false; readonly kind: 'hold'; readonly reason: string }
  | { readonly ok: false; readonly kind: 'no_document'; readonly reason: string };

type Hold = { readonly ok: false; readonly kind: 'hold'; readonly reason: string };

/**
 * Builds the document lines for an order so that the document total is exactly what the customer
 * paid and every discount sits on a line (a later credit note can then refund a line as charged).
 *
 * Each line keeps its own discount; the rest of the order discount (coupons) is spread over the
 * document's lines in proportion to what they cost after their own discount; shipping actually
 * charged is one more line. Lines are left off with a note when they cost nothing (the SII wants a
 * positive price) or sell a gift card (not a sale until redeemed). Every line is written so that
 * relBase lands on its amount under both the contract's and the SII's rounding, with at most 2
 * decimals in its percentage: a line that no percentage fits is split (line-expression.ts).
 *
 * `gross` (boletas): lines carry IVA-included prices. `net` (facturas): the net total is the one
 * whose neto + round(neto × 0.19) is the taxed amount paid, spread over the taxed lines; when no such
 * net total exists the order is held, or under `one_peso_below` issued one peso under what was paid.
 *
 * `missing_products` is returned only when linking those SKUs is all the order still needs; anything
 * a product sync cannot fix is a `hold`. A gift-card-only order needs `no_document`.
 */
export function buildDocumentLines(order: OrderForDocument, links: ProductLinks, options: BuildLinesOptions = {}): DocumentLinesResult {
  const invalid = checkOrderInput(order);
  if (invalid !== null) return invalid;
  const basis = options.basis ?? 'gross';

  const lines: OrderLine[] = order.lines.map((line, index) => {
    const quantity = line.quantity;
    const unitPrice = toClp(line.unitPrice);
    const gross = quantity * unitPrice;
    const lineDiscount = toClp(line.lineDiscount);
    return {
      index,
      sku: (line.sku ?? '').trim(),
      name: line.name,
      quantity,
      unitPrice,
      lineDiscount,
      gross,
      afterOwn: gross - lineDiscount,
      taxes: line.taxes,
      giftCard: (line.type ?? '').trim().toLowerCase() === GIFT_CARD_LINE_TYPE,
    };
  });
  const orderDiscount = toClp(order.orderDiscount);
  const shipping = toClp(order.shipping);
  const shippingDiscount = toClp(order.shippingDiscount);
  const total = toClp(order.total);
  const giftCardsRedeemed = toClp(order.giftCardsRedeemed ?? 0);
  const shippingTaxAffected = order.shippingTaxAffected ?? true;

  const grossSum = sum(lines.map((line) => line.gross));
  if (!Number.isSafeInteger(grossSum)) return hold(`the order's products add up to more than can be counted exactly (${grossSum})`);
  for (const line of lines) {
    if (line.lineDiscount > line.gross) {
      return hold(`${describeLine(line)}: its discount ${line.lineDiscount} is more than its amount ${line.quantity} × ${line.unitPrice} = ${line.gross}`);
    }
  }
  const ownDiscounts = sum(lines.map((line) => line.lineDiscount));
  if (orderDiscount < ownDiscounts) {
    return hold(`the order discount ${orderDiscount} is less than the lines' own discounts, which add up to ${ownDiscounts}`);
  }

  const notes: string[] = [];
  const giftCards = lines.filter((line) => line.giftCard);
  const free = lines.filter((line) => !line.giftCard && line.unitPrice === 0);
  const documentLines = lines.filter((line) => !line.giftCard && line.unitPrice > 0);
  for (const line of giftCards) {
    notes.push(`${describeLine(line)} sells a gift card and is not on the document: the SII taxes the goods it buys when it is redeemed, not its sale`);
  }
  for (const line of free) {
    notes.push(`${describeLine(line)} costs nothing and is not on the document (the SII wants a positive price on every line), so the document does not move its stock in relBase`);
  }

  // Coupons are spread over the document's lines only: gift cards are not discounted goods.
  const coupon = orderDiscount - ownDiscounts;
  const documentAfterOwn = documentLines.map((line) => line.afterOwn);
  if (coupon > sum(documentAfterOwn)) {
    return hold(`the order discount ${orderDiscount} (${ownDiscounts} on lines + ${coupon} more) is more than the products' amount ${sum(documentAfterOwn) + ownDiscounts}`);
  }
  const couponParts = allocateDiscount(documentAfterOwn, coupon);

  const netShipping = shipping - shippingDiscount;
  if (netShipping < 0) return hold(`the shipping discount ${shippingDiscount} is more than the shipping ${shipping}`);
  const giftCardSales = sum(giftCards.map((line) => line.afterOwn));
  const productsAmount = sum(documentAfterOwn) - coupon;
  const documentTotal = productsAmount + netShipping;
  // Whether Jumpseller's `total` is before or after the gift cards redeemed is not documented
  // (jumpseller-api.md §2); both readings lead to the same document, so either is accepted.
  const charged = documentTotal + giftCardSales;
  if (total !== charged - giftCardsRedeemed && !(giftCardsRedeemed > 0 && total === charged)) {
    const redeemed = giftCardsRedeemed > 0 ? ` − gift cards redeemed ${giftCardsRedeemed}` : '';
    const sold = giftCardSales > 0 ? ` + gift cards sold ${giftCardSales}` : '';
    return hold(
      `the document would total ${documentTotal} (products ${grossSum} − discount ${orderDiscount} + shipping ${shipping} − shipping discount ${shippingDiscount})${sold}${redeemed} = ${charged - giftCardsRedeemed}, but the order total is ${total}`,
    );
  }

  if (documentLines.length === 0 && netShipping === 0) {
    if (giftCards.length > 0) {
      return {
        ok: false,
        kind: 'no_document',
        reason: 'the order only sells gift cards: the SII taxes the goods bought with them when they are redeemed, so no tax document is due for their sale',
      };
    }
  }
  if (documentTotal === 0) {
    return hold('nothing was charged for the order (its total is $0): the SII takes no document under $1, so none is issued');
  }

  const taxAffected: boolean[] = [];
  for (const line of documentLines) {
    if (line.taxes === undefined || line.taxes === null) {
      taxAffected.push(true);
      continue;
    }
    const status = lineTaxStatus(line.taxes);
    if (!status.ok) return hold(`${describeLine(line)}: ${status.reason}`);
    taxAffected.push(status.taxAffected);
  }
  const taxedGross = sum(documentLines.map((line, i) => (taxAffected[i] ? line.afterOwn - (couponParts[i] ?? 0) : 0))) + (shippingTaxAffected ? netShipping : 0);
  if (taxedGross === 0) {
    return hold(
      'nothing taxed is charged on this order (every line charged is exento): its document would be a boleta or factura exenta (41 or 34), which this service does not issue; issue it in relBase by hand',
    );
  }
  if (netShipping > 0 && links.shippingProductId === null) {
    return hold(`the order charged ${netShipping} for shipping but the store has no relBase shipping product configured`);
  }

  const input = { documentLines, couponParts, taxAffected, coupon, netShipping, shippingTaxAffected };
  const built = basis === 'gross' ? writeGrossLines(input) : writeNetLines(input, options.unreachableNetTotal ?? 'hold');
  if (!built.ok) return built;
  if (built.note !== undefined) notes.push(built.note);

  const missing: string[] = [];
  const result: DocumentLine[] = [];
  for (const line of built.lines) {
    if (line.sku === null) {
      // Checked above: a shipping line exists only when there is a shipping product.
      result.push({ ...line, productId: links.shippingProductId ?? 0 });
      continue;
    }
    const productId = productIdFor(links, line.sku);
    if (productId !== null) result.push({ ...line, productId });
    else if (!missing.includes(line.sku)) missing.push(line.sku);
  }
  if (missing.length > 0) return { ok: false, kind: 'missing_products', skus: missing };

  return {
    ok: true,
    lines: result.map(({ productId, sku, quantity, price, discountPct, amount, taxAffected: affected, orderLine }) => ({
      productId,
      sku,
      quantity,
      price,
      discountPct,
      amount,
      taxAffected: affected,
      orderLine,
    })),
    total: built.expected.total,
    basis,
    expected: built.expected,
    paidTotal: documentTotal,
    notes,
  };
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
    const onDocument = (line.type ?? '').trim().toLowerCase() !== GIFT_CARD_LINE_TYPE && line.unitPrice !== 0;
    if (onDocument && (line.sku ?? '').trim() === '') problems.push(`${what} has no SKU`);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) problems.push(`${what} has quantity ${line.quantity}, not a whole number ≥ 1`);
    wholePesos(line.unitPrice, `${what} unit price`);
    wholePesos(line.lineDiscount, `${what} discount`);
  }
  wholePesos(order.orderDiscount, 'the order discount');
  wholePesos(order.shipping, 'the shipping');
  wholePesos(order.shippingDiscount, 'the shipping discount');
  wholePesos(order.total, 'the order total');
  wholePesos(order.giftCardsRedeemed ?? 0, 'the gift cards redeemed');
  return problems.length === 0 ? null : hold(problems.join('; '));
}

function productIdFor(links: ProductLinks, sku: string): number | null {
  // hasOwn: a SKU such as "constructor" must not find Object.prototype.
  return Object.hasOwn(links.productIdsBySku, sku) ? (links.productIdsBySku[sku] ?? null) : null;
}

function hold(reason: string): Hold {
  return { ok: false, kind: 'hold', reason };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
