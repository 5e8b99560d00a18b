/** What the planning activity hands the domain from an order snapshot, new and recorded before issue 15. */
import { describe, expect, it } from 'vitest';
import { orderForDocument } from '../../../src/activities/order-planning.js';
import type { OrderSnapshot } from '../../../src/activities/order-snapshot.js';

const snapshot: OrderSnapshot = {
  orderId: '1',
  statusEnum: 'paid',
  currency: 'CLP',
  total: 15_400,
  orderDiscount: 0,
  shipping: 0,
  shippingDiscount: 0,
  lines: [
    { sku: 'A', name: 'A', quantity: 1, unitPrice: 11_900, lineDiscount: 0, jsProductId: '1', jsVariantId: null },
    { sku: 'B', name: 'B', quantity: 1, unitPrice: 3500, lineDiscount: 0, jsProductId: '2', jsVariantId: null },
  ],
  additionalFields: [],
  receiverAddress: null,
};

describe('orderForDocument', () => {
  it("passes each line's taxes and type, and the gift cards redeemed", () => {
    const order = orderForDocument({
      ...snapshot,
      giftCardsRedeemed: 1000,
      lines: [
        { ...snapshot.lines[0]!, taxes: [{ name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }], type: 'physical' },
        { ...snapshot.lines[1]!, taxes: [], type: 'physical' },
      ],
    });
    expect(order.giftCardsRedeemed).toBe(1000);
    expect(order.lines[0]).toMatchObject({ taxes: [{ rate: 19 }], type: 'physical' });
    expect(order.lines[1]).toMatchObject({ taxes: [] });
  });

  it('leaves taxes out for a snapshot recorded before lines had them, so its lines stay taxed', () => {
    const order = orderForDocument(snapshot);
    expect(order.lines.every((l) => !('taxes' in l))).toBe(true);
    expect(order.giftCardsRedeemed).toBe(0);
  });
});
