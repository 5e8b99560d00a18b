/**
 * What is left of a stored webhook body once its retention for personal data has passed: the fields
 * dedupe, audit and replay need (ids, status, amounts, lines by product and SKU), nothing that names
 * or reaches a person (customer, addresses, billing data, checkout field values, cart and recovery
 * tokens, IPs). Kept by allow-list, so a field Jumpseller adds tomorrow is dropped, not kept.
 */
import { isOrderEvent, isProductEvent } from './webhook-payloads.js';

type Json = Record<string, unknown>;

const ORDER_FIELDS = [
  'id',
  'status_enum',
  'status',
  'created_at',
  'completed_at',
  'currency',
  'subtotal',
  'tax',
  'shipping',
  'shipping_tax',
  'discount',
  'shipping_discount',
  'gift_cards_discount',
  'total',
  'shipment_status_enum',
  'fulfillment_status',
] as const;
const ORDER_LINE_FIELDS = ['id', 'variant_id', 'sku', 'name', 'qty', 'price', 'discount', 'tax', 'taxes'] as const;
const PRODUCT_FIELDS = ['id', 'sku', 'name', 'price', 'stock', 'stock_unlimited', 'status', 'created_at', 'updated_at'] as const;
const VARIANT_FIELDS = ['id', 'sku', 'price', 'stock', 'stock_unlimited'] as const;

function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function pick(source: Json, fields: readonly string[]): Json {
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(source, f)).map((f) => [f, source[f]]));
}

function pickList(value: unknown, fields: readonly string[]): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item) => {
    const r = record(item);
    return r ? [pick(r, fields)] : [];
  });
}

function withList(target: Json, key: string, list: Json[] | undefined): Json {
  return list === undefined ? target : { ...target, [key]: list };
}

/** The reduced body (JSON text) of a delivery of `event`; `{}` for events and bodies it cannot read. */
export function reduceWebhookBody(event: string, body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return '{}';
  }
  const outer = record(json);
  if (!outer) return '{}';
  if (isOrderEvent(event)) {
    const order = record(outer['order']) ?? outer;
    return JSON.stringify({ order: withList(pick(order, ORDER_FIELDS), 'products', pickList(order['products'], ORDER_LINE_FIELDS)) });
  }
  if (isProductEvent(event)) {
    const product = record(outer['product']) ?? outer;
    return JSON.stringify({ product: withList(pick(product, PRODUCT_FIELDS), 'variants', pickList(product['variants'], VARIANT_FIELDS)) });
  }
  return '{}';
}
