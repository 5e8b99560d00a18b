/**
 * How the simulator prices an order, modelled on Jumpseller's order fields for a Chilean store
 * (prices gross, IVA included, `tax_on_product_price: true`):
 *
 *   subtotal          = Σ price × qty                     (unit prices, gross)
 *   line.discount     = promotion discount on that line, all units together
 *   discount          = Σ line.discount + coupon discount (coupon: an amount, or a percent of
 *                       subtotal − line discounts, rounded to the currency's unit)
 *   total             = subtotal − discount + shipping − shipping_discount
 *   tax               = the IVA contained in total, total × 19/119 rounded: informational, never added
 *
 * CLP amounts are whole pesos (sent as floats, 11990.0); other currencies keep cents.
 */
export const IVA_RATE = 19;

export interface LineToPrice {
  price: number;
  qty: number;
  /** Promotion discount on the whole line. */
  discount: number;
}

export type Coupon = { amount: number } | { percent: number };

export interface OrderToPrice {
  lines: LineToPrice[];
  coupon: Coupon | null;
  shipping: number;
  shippingDiscount: number;
  currency: string;
}

export interface OrderPrice {
  subtotal: number;
  couponDiscount: number;
  discount: number;
  shipping: number;
  shipping_discount: number;
  total: number;
  tax: number;
}

export class OrderPricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderPricingError';
  }
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function currencyDecimals(currency: string): number {
  return currency === 'CLP' ? 0 : 2;
}

export function priceOrder(order: OrderToPrice): OrderPrice {
  const d = currencyDecimals(order.currency);
  let subtotal = 0;
  let lineDiscounts = 0;
  for (const line of order.lines) {
    const gross = roundTo(line.price * line.qty, d);
    if (line.discount < 0 || line.discount > gross) throw new OrderPricingError(`a line discount must be between 0 and ${gross}`);
    subtotal = roundTo(subtotal + gross, d);
    lineDiscounts = roundTo(lineDiscounts + line.discount, d);
  }
  const afterPromotions = roundTo(subtotal - lineDiscounts, d);
  let couponDiscount = 0;
  if (order.coupon && 'amount' in order.coupon) couponDiscount = roundTo(order.coupon.amount, d);
  else if (order.coupon) couponDiscount = roundTo((afterPromotions * order.coupon.percent) / 100, d);
  if (couponDiscount < 0 || couponDiscount > afterPromotions) {
    throw new OrderPricingError(`a coupon discount must be between 0 and ${afterPromotions}`);
  }
  if (order.shippingDiscount < 0 || order.shippingDiscount > order.shipping) {
    throw new OrderPricingError('shipping_discount must be between 0 and shipping');
  }
  const discount = roundTo(lineDiscounts + couponDiscount, d);
  const total = roundTo(subtotal - discount + order.shipping - order.shippingDiscount, d);
  return {
    subtotal,
    couponDiscount,
    discount,
    shipping: order.shipping,
    shipping_discount: order.shippingDiscount,
    total,
    tax: roundTo((total * IVA_RATE) / (100 + IVA_RATE), d),
  };
}
