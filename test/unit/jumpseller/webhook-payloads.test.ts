import { describe, expect, it } from 'vitest';
import {
  isOrderEvent,
  isProductEvent,
  parseOrderWebhook,
  parseProductWebhook,
  WebhookPayloadError,
} from '../../../src/jumpseller/webhook-payloads.js';

// Shaped like the sample on jumpseller.com/support/webhooks (trimmed), with its quirks.
const orderBody = {
  order: {
    id: 1001,
    created_at: '2023-02-10 13:56:35 UTC',
    completed_at: null,
    status: 'Pagado',
    status_enum: 'paid',
    currency: 'CLP',
    subtotal: 399.0,
    tax: 0,
    shipping: 50.0,
    discount: 79.8,
    shipping_discount: 0.0,
    gift_cards_discount: 0.0,
    total: 369.2,
    customer: { id: '123', email: 'ana@example.cl', fullname: 'Ana' },
    billing_address: { name: 'Ana', surname: 'Soto', taxid: '11.111.111-1', city: 'Santiago' },
    billing_information: { business_activity: 'Comercio', company_name: 'Soto SpA', taxpayer_type: 'company' },
    additional_fields: [{ id: 28664, label: 'Test', value: null, area: 'billing' }],
    products: [
      {
        id: 10732902,
        variant_id: null,
        sku: null,
        name: 'Black',
        qty: 1,
        price: 399.0,
        discount: 79.8,
        taxes: [{ id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }],
        files: [],
      },
    ],
    promotions: [{ name: 'Winter' }],
  },
};

describe('Jumpseller webhook payloads', () => {
  it('parses an order body with its quirks, keeping unknown fields', () => {
    const order = parseOrderWebhook(orderBody);
    expect(order.id).toBe(1001);
    expect(order.status_enum).toBe('paid');
    expect(order.customer?.id).toBe('123');
    expect(order.products[0]?.variant_id).toBeNull();
    expect(order.products[0]?.sku).toBeNull();
    expect(order.products[0]?.taxes[0]?.tax_on_product_price).toBe(true);
    expect(order.additional_fields).toEqual([{ id: 28664, label: 'Test', value: null, area: 'billing' }]);
    expect(order.billing_information?.company_name).toBe('Soto SpA');
    expect(order['promotions']).toEqual([{ name: 'Winter' }]);
    expect(order.created_at).toBe('2023-02-10 13:56:35 UTC');
  });

  it('parses the raw JSON text too, and coerces a numeric customer id to a string', () => {
    const withNumericCustomer = { order: { ...orderBody.order, customer: { id: 123 } } };
    expect(parseOrderWebhook(JSON.stringify(withNumericCustomer)).customer?.id).toBe('123');
  });

  it('rejects an unwrapped or broken order body with a readable WebhookPayloadError', () => {
    expect(() => parseOrderWebhook(orderBody.order)).toThrow(WebhookPayloadError);
    expect(() => parseOrderWebhook('{not json')).toThrow(/not JSON/);
    const noStatus = { order: { ...orderBody.order, status_enum: 'shipped' } };
    expect(() => parseOrderWebhook(noStatus)).toThrow(/order\.status_enum/);
  });

  it('parses product bodies wrapped, unwrapped, and id-only (product_deleted)', () => {
    const product = { id: 7, name: 'Mug', price: 4990.0, stock: 3, stock_unlimited: false, variants: [] };
    expect(parseProductWebhook({ product })).toMatchObject({ id: 7, product: { name: 'Mug', stock: 3 } });
    expect(parseProductWebhook(product).product?.price).toBe(4990);
    expect(parseProductWebhook({ product: { id: 8 } })).toEqual({ id: 8, product: null });
    expect(() => parseProductWebhook({ product: { name: 'no id' } })).toThrow(WebhookPayloadError);
  });

  it('knows the documented events and nothing else', () => {
    expect(isOrderEvent('order_paid')).toBe(true);
    expect(isOrderEvent('order_created')).toBe(false);
    expect(isProductEvent('product_stock_updated')).toBe(true);
    expect(isProductEvent('order_paid')).toBe(false);
  });
});
