/**
 * The order life cycle of a simulated store and the webhooks each step fires:
 *   placed    → order_pending_payment, order_updated   (stock goes down)
 *   paid      → order_paid, order_updated              (stock unchanged)
 *   canceled  → order_canceled, order_updated          (stock comes back)
 *   abandoned → order_abandoned, order_updated         (stock comes back; only from pending)
 * Amounts follow order-pricing.ts.
 */
import { z } from 'zod';
import type { CatalogOperations } from './catalog-operations.js';
import { findProduct, findVariant, parseInput } from './catalog-operations.js';
import { IVA_RATE, OrderPricingError, priceOrder } from './order-pricing.js';
import type { Coupon } from './order-pricing.js';
import { notFound, SimRequestError } from './sim-errors.js';
import { jumpsellerDate, simNow } from './state.js';
import type { SimOrder, SimOrderLine, SimOrderStatusEnum, SimState } from './state.js';
import type { WebhookDispatcher } from './webhook-delivery.js';
import { imageUrl, orderJson } from './wire.js';

const nullableText = z.string().nullable().optional();

export const PlaceOrderInput = z.object({
  lines: z
    .array(
      z.object({
        productId: z.number().int(),
        variantId: z.number().int().nullable().optional(),
        qty: z.number().int().positive(),
        /** Promotion discount on the whole line. */
        discount: z.number().nonnegative().default(0),
        /** Overrides the catalogue price (gross). */
        price: z.number().nonnegative().optional(),
        /** An IVA-exempt line: its `taxes` is empty (so is every line of a product created exempt). */
        exempt: z.boolean().default(false),
      }),
    )
    .min(1),
  coupon: z
    .object({ code: z.string().default('CUPON'), amount: z.number().nonnegative().optional(), percent: z.number().min(0).max(100).optional() })
    .refine((c) => (c.amount === undefined) !== (c.percent === undefined), 'give exactly one of amount or percent')
    .optional(),
  shipping: z.number().nonnegative().default(0),
  /**
   * Paid with gift cards (`gift_cards_discount`). The fact sheet does not say whether `total` is
   * before or after it; the simulator takes it off: `total` is what is left to pay.
   */
  giftCardsRedeemed: z.number().nonnegative().default(0),
  shippingDiscount: z.number().nonnegative().default(0),
  shippingMethodName: z.string().default('Despacho a domicilio'),
  paymentMethodName: z.string().default('Transferencia Bancaria'),
  currency: z.string().optional(),
  additionalFields: z
    .array(z.object({ id: z.number().int().nullable().optional(), label: z.string(), value: z.string().nullable(), area: z.string().default('billing') }))
    .default([]),
  customer: z.object({ email: z.string(), fullname: z.string(), phone: z.string() }).partial().default({}),
  billingAddress: z
    .object({ name: nullableText, surname: nullableText, taxid: nullableText, address: nullableText, city: nullableText, municipality: nullableText, region: nullableText })
    .partial()
    .default({}),
  billingInformation: z.object({ business_activity: nullableText, company_name: nullableText, taxpayer_type: nullableText }).partial().optional(),
});
export type PlaceOrder = z.input<typeof PlaceOrderInput>;

const STATUS_NAMES: Record<SimOrderStatusEnum, string> = {
  pending_payment: 'Pending Payment',
  paid: 'Paid',
  canceled: 'Canceled',
  abandoned: 'Abandoned',
};

const IVA = { id: 1, name: 'IVA', rate: IVA_RATE, fixed: false, tax_on_product_price: true };

export function createOrderOperations(state: SimState, webhooks: WebhookDispatcher, catalog: CatalogOperations) {
  function announce(order: SimOrder, event: string): void {
    const body = { order: orderJson(order, 'webhook') };
    webhooks.emit([
      { event, body },
      { event: 'order_updated', body },
    ]);
  }

  function setStatus(order: SimOrder, status: SimOrderStatusEnum): void {
    order.status_enum = status;
    order.status = STATUS_NAMES[status];
    order.status_name = STATUS_NAMES[status];
  }

  function find(id: number): SimOrder {
    const order = state.orders.get(id);
    if (!order) throw notFound(`order ${id}`);
    return order;
  }

  function restock(order: SimOrder): void {
    for (const line of order.products) catalog.adjustStock(line.id, line.variant_id, line.qty);
  }

  function linesFor(input: z.output<typeof PlaceOrderInput>): SimOrderLine[] {
    const wanted = new Map<string, number>(); // stock needed per holder, over all lines
    const lines = input.lines.map((l): SimOrderLine => {
      const product = findProduct(state, l.productId);
      if (product.variants.length > 0 && l.variantId == null) {
        throw new SimRequestError(422, `product ${product.id} has variants: name one`);
      }
      const variant = l.variantId == null ? null : findVariant(product, l.variantId);
      const holder = variant ?? product;
      const key = `${product.id}/${variant?.id ?? ''}`;
      const need = (wanted.get(key) ?? 0) + l.qty;
      wanted.set(key, need);
      if (!holder.stock_unlimited && holder.stock < need) {
        throw new SimRequestError(422, `not enough stock for product ${product.id}${variant ? ` variant ${variant.id}` : ''}`);
      }
      const image = variant?.image ?? product.images[0] ?? null;
      return {
        id: product.id,
        variant_id: variant?.id ?? null,
        sku: variant?.sku ?? product.sku,
        name: variant ? `${product.name} (${variant.options.map((o) => o.value).join(', ')})` : product.name,
        qty: l.qty,
        price: l.price ?? variant?.price ?? product.price,
        discount: l.discount,
        tax: 0,
        weight: 1.0,
        image: image ? imageUrl(state, image.id) : null,
        type: product.type ?? 'physical',
        taxes: l.exempt || product.exempt ? [] : [IVA],
        stock_locations: [],
        files: [],
      };
    });
    return lines;
  }

  return {
    placeOrder(raw: PlaceOrder): SimOrder {
      const input = parseInput(PlaceOrderInput, raw);
      const lines = linesFor(input);
      const currency = input.currency ?? state.store.currency;
      const coupon: Coupon | null = !input.coupon ? null : input.coupon.amount !== undefined ? { amount: input.coupon.amount } : { percent: input.coupon.percent ?? 0 };
      let price;
      try {
        price = priceOrder({ lines, coupon, shipping: input.shipping, shippingDiscount: input.shippingDiscount, currency });
      } catch (err) {
        if (err instanceof OrderPricingError) throw new SimRequestError(422, err.message);
        throw err;
      }
      if (input.giftCardsRedeemed > price.total) throw new SimRequestError(422, 'the gift cards redeemed exceed the order total');
      const id = ++state.ids.order;
      const customerId = ++state.ids.customer;
      const fullname = input.customer.fullname ?? 'Cliente Simulado';
      const [name = fullname, ...rest] = fullname.split(' ');
      const address = {
        name: input.billingAddress.name ?? name,
        surname: input.billingAddress.surname ?? (rest.join(' ') || null),
        address: input.billingAddress.address ?? 'Av. Providencia',
        street_number: '1234',
        complement: null,
        city: input.billingAddress.city ?? 'Santiago',
        municipality: input.billingAddress.municipality ?? 'Providencia',
        neighbourhood: null,
        postal: '7500000',
        region: input.billingAddress.region ?? 'Región Metropolitana',
        region_code: '13',
        country: 'Chile',
        country_code: 'CL',
      };
      const order: SimOrder = {
        id,
        created_at: jumpsellerDate(simNow(state)),
        completed_at: null,
        status: '',
        status_name: '',
        status_enum: 'pending_payment',
        shipment_status: 'Not Processed',
        shipment_status_enum: 'unfulfilled',
        fulfillment_status: 'unfulfilled',
        currency,
        subtotal: price.subtotal,
        tax: price.tax,
        shipping: price.shipping,
        shipping_tax: 0,
        discount: price.discount,
        shipping_discount: price.shipping_discount,
        gift_cards_discount: input.giftCardsRedeemed,
        total: price.total - input.giftCardsRedeemed,
        shipping_method_name: input.shippingMethodName,
        payment_method_name: input.paymentMethodName,
        coupons: input.coupon ? [{ code: input.coupon.code, discount: price.couponDiscount }] : [],
        promotions: lines.filter((l) => l.discount > 0).map((l) => ({ name: `Promoción ${l.name}`, discount: l.discount })),
        customer: {
          id: customerId,
          email: input.customer.email ?? `cliente${customerId}@example.cl`,
          fullname,
          phone: input.customer.phone ?? '912345678',
          phone_prefix: '+56',
        },
        billing_address: { ...address, taxid: input.billingAddress.taxid ?? null },
        shipping_address: address,
        billing_information: {
          business_activity: input.billingInformation?.business_activity ?? null,
          company_name: input.billingInformation?.company_name ?? null,
          taxpayer_type: input.billingInformation?.taxpayer_type ?? null,
        },
        additional_fields: input.additionalFields.map((f) => ({ id: f.id ?? null, label: f.label, value: f.value, area: f.area })),
        products: lines,
      };
      setStatus(order, 'pending_payment');
      for (const line of lines) catalog.adjustStock(line.id, line.variant_id, -line.qty);
      state.orders.set(id, order);
      announce(order, 'order_pending_payment');
      return order;
    },

    /** `paidAt` (epoch ms) sets `completed_at`, the moment of payment; default now. */
    payOrder(id: number, paidAt?: number): SimOrder {
      const order = find(id);
      if (order.status_enum !== 'pending_payment') throw new SimRequestError(409, `order ${id} is ${order.status_enum}, not pending payment`);
      setStatus(order, 'paid');
      order.completed_at = jumpsellerDate(paidAt ?? simNow(state));
      announce(order, 'order_paid');
      return order;
    },

    cancelOrder(id: number): SimOrder {
      const order = find(id);
      if (order.status_enum !== 'pending_payment' && order.status_enum !== 'paid') {
        throw new SimRequestError(409, `order ${id} is ${order.status_enum} and cannot be canceled`);
      }
      setStatus(order, 'canceled');
      restock(order);
      announce(order, 'order_canceled');
      return order;
    },

    abandonOrder(id: number): SimOrder {
      const order = find(id);
      if (order.status_enum !== 'pending_payment') throw new SimRequestError(409, `only a pending order can be abandoned, order ${id} is ${order.status_enum}`);
      setStatus(order, 'abandoned');
      restock(order);
      announce(order, 'order_abandoned');
      return order;
    },
  };
}

export type OrderOperations = ReturnType<typeof createOrderOperations>;
