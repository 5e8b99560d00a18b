import { describe, expect, it } from 'vitest';
import { OrderPricingError, priceOrder } from '../../../src/sandbox/jumpseller/order-pricing.js';
import { createJumpsellerSimulator } from '../../../src/sandbox/jumpseller/simulator.js';

describe('simulator order arithmetic', () => {
  it('subtotal, promotion and percent coupon, shipping and its discount, IVA contained in the total', () => {
    const price = priceOrder({
      lines: [
        { price: 11990, qty: 2, discount: 1000 },
        { price: 5990, qty: 1, discount: 0 },
      ],
      coupon: { percent: 10 },
      shipping: 3990,
      shippingDiscount: 990,
      currency: 'CLP',
    });
    // subtotal 23980 + 5990 = 29970; coupon 10% of (29970 - 1000) = 2897; discount 1000 + 2897 = 3897
    // total 29970 - 3897 + 3990 - 990 = 29073; IVA inside: 29073 * 19 / 119 = 4641.9 -> 4642
    expect(price).toEqual({
      subtotal: 29970,
      couponDiscount: 2897,
      discount: 3897,
      shipping: 3990,
      shipping_discount: 990,
      total: 29073,
      tax: 4642,
    });
  });

  it('keeps cents outside CLP and takes a coupon amount as is', () => {
    const price = priceOrder({ lines: [{ price: 399, qty: 1, discount: 0 }], coupon: { amount: 79.8 }, shipping: 50, shippingDiscount: 0, currency: 'USD' });
    expect(price.total).toBe(369.2);
    expect(price.tax).toBe(58.95); // 369.2 * 19 / 119 = 58.947...
  });

  it('refuses discounts larger than what they discount', () => {
    const base = { shipping: 0, shippingDiscount: 0, currency: 'CLP' };
    expect(() => priceOrder({ ...base, lines: [{ price: 100, qty: 1, discount: 101 }], coupon: null })).toThrow(OrderPricingError);
    expect(() => priceOrder({ ...base, lines: [{ price: 100, qty: 1, discount: 50 }], coupon: { amount: 51 } })).toThrow(OrderPricingError);
    expect(() => priceOrder({ ...base, lines: [{ price: 100, qty: 1, discount: 0 }], coupon: null, shippingDiscount: 1 })).toThrow(OrderPricingError);
  });

  it('places an order with these amounts, moves stock down, and back on cancel', () => {
    const sim = createJumpsellerSimulator();
    const polera = sim.createProduct({ name: 'Polera', price: 11990, stock: 5 });
    const zapato = sim.createProduct({
      name: 'Zapato',
      price: 5990,
      variants: [{ sku: 'ZAP-40', stock: 4, options: [{ name: 'Talla', value: '40' }] }],
    });
    const variantId = zapato.variants[0]!.id;
    const order = sim.placeOrder({
      lines: [
        { productId: polera.id, qty: 2, discount: 1000 },
        { productId: zapato.id, variantId, qty: 1 },
      ],
      coupon: { code: 'INVIERNO', percent: 10 },
      shipping: 3990,
      shippingDiscount: 990,
    });
    expect(order).toMatchObject({
      status: 'Pending Payment',
      status_enum: 'pending_payment',
      currency: 'CLP',
      subtotal: 29970,
      discount: 3897,
      shipping: 3990,
      shipping_discount: 990,
      total: 29073,
      tax: 4642,
      coupons: [{ code: 'INVIERNO', discount: 2897 }],
    });
    expect(order.products.map((l) => [l.id, l.variant_id, l.sku, l.qty, l.price, l.discount])).toEqual([
      [polera.id, null, null, 2, 11990, 1000],
      [zapato.id, variantId, 'ZAP-40', 1, 5990, 0],
    ]);
    expect(sim.state.products.get(polera.id)!.stock).toBe(3);
    expect(sim.state.products.get(zapato.id)!.variants[0]!.stock).toBe(3);

    expect(sim.payOrder(order.id).status_enum).toBe('paid');
    expect(sim.cancelOrder(order.id)).toMatchObject({ status: 'Canceled', status_enum: 'canceled' });
    expect(sim.state.products.get(polera.id)!.stock).toBe(5);
    expect(sim.state.products.get(zapato.id)!.variants[0]!.stock).toBe(4);
    sim.stop();
  });

  it('refuses an order beyond the stock, or a variant product without a variant', () => {
    const sim = createJumpsellerSimulator();
    const taza = sim.createProduct({ name: 'Taza', price: 4990, stock: 1 });
    const zapato = sim.createProduct({ name: 'Zapato', price: 5990, variants: [{ stock: 1 }] });
    expect(() => sim.placeOrder({ lines: [{ productId: taza.id, qty: 2 }] })).toThrow(/not enough stock/);
    expect(() => sim.placeOrder({ lines: [{ productId: zapato.id, qty: 1 }] })).toThrow(/has variants/);
    expect(sim.state.orders.size).toBe(0);
  });
});
