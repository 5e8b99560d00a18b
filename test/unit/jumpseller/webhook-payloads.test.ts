import { describe, expect, it } from 'vitest';
import { reduceWebhookBody } from '../../../src/jumpseller/webhook-body-reduction.js';
import { isKnownEvent, isOrderEvent, isProductEvent, routingFieldsOf } from '../../../src/jumpseller/webhook-payloads.js';

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
    total: 369.2,
    customer: { id: '123', email: 'ana@example.cl', fullname: 'Ana Soto', phone: '+56911112222', ip: '200.1.2.3' },
    billing_address: { name: 'Ana', surname: 'Soto', taxid: '11.111.111-1', address: 'Los Olmos 123', city: 'Santiago' },
    shipping_address: { name: 'Ana', surname: 'Soto', address: 'Los Olmos 123', latitude: -33.4, longitude: -70.6 },
    billing_information: { business_activity: 'Comercio', company_name: 'Soto SpA', taxpayer_type: 'company' },
    additional_fields: [{ id: 28664, label: 'RUT', value: '11.111.111-1', area: 'billing' }],
    recovery_url: 'https://tienda.example/cart/recover/abc123token',
    cart_token: 'abc123token',
    products: [
      {
        id: 10732902,
        variant_id: null,
        sku: 'BLACK',
        name: 'Black',
        qty: 1,
        price: 399.0,
        discount: 79.8,
        taxes: [{ id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true }],
        files: [],
      },
    ],
  },
};
const orderText = JSON.stringify(orderBody);

describe('routing fields of a webhook body', () => {
  it('reads the order id and status_enum of the documented shape', () => {
    expect(routingFieldsOf('order_paid', orderText)).toEqual({ resourceId: '1001', statusEnum: 'paid', problem: null });
  });

  it('does not care about the rest of the shape: a new status_enum, prices as strings, a tax line without a name', () => {
    const odd = {
      order: {
        ...orderBody.order,
        status_enum: 'paid_awaiting_review',
        total: '369.2',
        subtotal: '399.0',
        products: [{ ...orderBody.order.products[0], price: '399.0', taxes: [{ rate: 19 }] }],
      },
    };
    expect(routingFieldsOf('order_paid', JSON.stringify(odd))).toEqual({ resourceId: '1001', statusEnum: 'paid_awaiting_review', problem: null });
  });

  it('accepts an id sent as digits, an unwrapped body, and a body with the status missing', () => {
    expect(routingFieldsOf('order_updated', JSON.stringify({ order: { id: '00042' } }))).toEqual({ resourceId: '42', statusEnum: null, problem: null });
    expect(routingFieldsOf('order_updated', JSON.stringify({ id: 7, status_enum: 'canceled' }))).toMatchObject({ resourceId: '7', statusEnum: 'canceled' });
    expect(routingFieldsOf('product_deleted', JSON.stringify({ product: { id: 8 } }))).toEqual({ resourceId: '8', statusEnum: null, problem: null });
    expect(routingFieldsOf('product_updated', JSON.stringify({ id: 9, name: 'Mug' })).resourceId).toBe('9');
  });

  it('says why when there is no id to route on, and never throws', () => {
    expect(routingFieldsOf('order_paid', '{not json')).toEqual({ resourceId: null, statusEnum: null, problem: 'the body is not JSON' });
    expect(routingFieldsOf('order_paid', '[1,2]').problem).toMatch(/not a JSON object/);
    expect(routingFieldsOf('order_paid', JSON.stringify({ order: { id: -3 } })).problem).toMatch(/order\.id/);
    expect(routingFieldsOf('order_paid', JSON.stringify({ order: { id: 'DROP TABLE' } })).resourceId).toBeNull();
    expect(routingFieldsOf('order_paid', JSON.stringify({ order: { id: 1.5 } })).resourceId).toBeNull();
    expect(routingFieldsOf('product_created', JSON.stringify({ product: { name: 'no id' } })).problem).toMatch(/product\.id/);
  });

  it('knows the documented events and nothing else', () => {
    expect(isOrderEvent('order_paid')).toBe(true);
    expect(isOrderEvent('order_created')).toBe(false);
    expect(isProductEvent('product_stock_updated')).toBe(true);
    expect(isProductEvent('order_paid')).toBe(false);
    expect(isKnownEvent('customer_created')).toBe(false);
  });
});

describe('a stored body reduced after its retention', () => {
  it('keeps ids, status, amounts and lines, and nothing that names or reaches a person', () => {
    const reduced = reduceWebhookBody('order_paid', orderText);
    for (const personal of ['ana@example.cl', 'Ana', 'Soto', '+56911112222', '200.1.2.3', '11.111.111-1', 'Los Olmos', 'abc123token', 'Comercio', '-33.4']) {
      expect(reduced).not.toContain(personal);
    }
    expect(JSON.parse(reduced)).toEqual({
      order: {
        id: 1001,
        created_at: '2023-02-10 13:56:35 UTC',
        completed_at: null,
        status: 'Pagado',
        status_enum: 'paid',
        currency: 'CLP',
        subtotal: 399,
        tax: 0,
        shipping: 50,
        discount: 79.8,
        total: 369.2,
        products: [{ id: 10732902, variant_id: null, sku: 'BLACK', name: 'Black', qty: 1, price: 399, discount: 79.8, taxes: orderBody.order.products[0]!.taxes }],
      },
    });
    // What replay reads is still there.
    expect(routingFieldsOf('order_paid', reduced)).toEqual({ resourceId: '1001', statusEnum: 'paid', problem: null });
  });

  it('reduces product bodies to the product and its variants, and anything else to nothing', () => {
    const product = {
      product: { id: 7, name: 'Mug', sku: 'MUG', price: 4990, description: 'long text', variants: [{ id: 70, sku: 'MUG-R', price: 4990, options: [{ value: 'Rojo' }] }] },
    };
    expect(JSON.parse(reduceWebhookBody('product_updated', JSON.stringify(product)))).toEqual({
      product: { id: 7, name: 'Mug', sku: 'MUG', price: 4990, variants: [{ id: 70, sku: 'MUG-R', price: 4990 }] },
    });
    expect(reduceWebhookBody('customer_created', JSON.stringify({ customer: { email: 'ana@example.cl' } }))).toBe('{}');
    expect(reduceWebhookBody('order_paid', 'not json')).toBe('{}');
  });
});
