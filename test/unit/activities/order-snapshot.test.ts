/** What the workflow keeps of a Jumpseller order for the fiscal rules (issue 15). */
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../src/activities/order-snapshot.js';
import { JsOrderSchema } from '../../../src/jumpseller/schemas.js';

const order = JsOrderSchema.parse({
  id: 10,
  created_at: '2026-03-31 20:00:00 UTC',
  completed_at: '2026-04-01 01:30:00 UTC',
  status: 'Paid',
  status_enum: 'paid',
  currency: 'CLP',
  subtotal: 15_400,
  total: 14_400,
  gift_cards_discount: 1000,
  payment_method_name: 'Webpay Plus',
  billing_address: { address: 'Irarrázaval', street_number: '100', municipality: 'Ñuñoa', city: 'Santiago' },
  products: [
    { id: 1, sku: 'A', name: 'A', qty: 1, price: 11_900, taxes: [{ id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }], type: 'physical' },
    { id: 2, sku: 'B', name: 'Libro', qty: 1, price: 3500, taxes: [], type: 'physical' },
  ],
});

describe('snapshotOf', () => {
  it('keeps the payment time and method, the gift cards redeemed, each line’s taxes and type, and the comuna and city', () => {
    const s = snapshotOf(order);
    expect(s).toMatchObject({ paidAt: '2026-04-01 01:30:00 UTC', paymentMethod: 'Webpay Plus', giftCardsRedeemed: 1000, receiverPlace: { commune: 'Ñuñoa', city: 'Santiago' } });
    expect(s.lines[0]).toMatchObject({ taxes: [{ rate: 19, tax_on_product_price: true }], type: 'physical' });
    expect(s.lines[1]!.taxes).toEqual([]);
  });

  it('has no place when the order has no address', () => {
    expect(snapshotOf({ ...order, billing_address: null, shipping_address: null }).receiverPlace).toBeNull();
  });
});
