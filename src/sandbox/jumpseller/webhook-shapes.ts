/**
 * Webhook bodies that are not quite what the documentation shows, as a real store sends them sooner
 * or later: a status the docs do not list, amounts sent as strings ("11990.0"), fields left out (no
 * customer, a tax line without a name), ids sent as strings, and fields nobody announced. The
 * simulator applies the shapes it is told to every body it delivers, and signs what it sends.
 */

export const BODY_SHAPES = ['new_status_enum', 'prices_as_strings', 'missing_fields', 'ids_as_strings', 'extra_fields'] as const;
export type BodyShape = (typeof BODY_SHAPES)[number];

/** A status value the documented enum does not have. */
export const UNDOCUMENTED_STATUS = 'authorized';

type Json = Record<string, unknown>;

const ORDER_AMOUNTS = ['subtotal', 'tax', 'shipping', 'shipping_tax', 'discount', 'shipping_discount', 'gift_cards_discount', 'total'];
const LINE_AMOUNTS = ['price', 'discount', 'tax'];

function asString(value: unknown): unknown {
  return typeof value === 'number' ? (Number.isInteger(value) ? `${value}.0` : String(value)) : value;
}

function stringify(target: Json, keys: string[]): void {
  for (const k of keys) if (k in target) target[k] = asString(target[k]);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}

function reshapeOrder(order: Json, shapes: ReadonlySet<BodyShape>): void {
  const lines = records(order['products']);
  if (shapes.has('new_status_enum')) order['status_enum'] = UNDOCUMENTED_STATUS;
  if (shapes.has('prices_as_strings')) {
    stringify(order, ORDER_AMOUNTS);
    for (const line of lines) stringify(line, LINE_AMOUNTS);
  }
  if (shapes.has('missing_fields')) {
    for (const k of ['customer', 'billing_address', 'shipping_address', 'billing_information', 'created_at', 'additional_fields']) delete order[k];
    for (const line of lines) {
      delete line['name'];
      for (const tax of records(line['taxes'])) delete tax['name'];
    }
  }
  if (shapes.has('ids_as_strings')) {
    order['id'] = String(order['id']);
    for (const line of lines) line['id'] = String(line['id']);
  }
  if (shapes.has('extra_fields')) {
    order['fiscal_document'] = { kind: 'unknown', issued: false };
    for (const line of lines) line['bundle_items'] = [];
  }
}

function reshapeProduct(product: Json, shapes: ReadonlySet<BodyShape>): void {
  if (shapes.has('prices_as_strings')) {
    stringify(product, ['price', 'compare_at_price']);
    for (const v of records(product['variants'])) stringify(v, ['price']);
  }
  if (shapes.has('missing_fields')) for (const k of ['description', 'images', 'permalink']) delete product[k];
  if (shapes.has('ids_as_strings')) product['id'] = String(product['id']);
  if (shapes.has('extra_fields')) product['marketplace_listing'] = { status: 'draft' };
}

/** A copy of a wrapped webhook body (`{"order":{...}}`, `{"product":{...}}`) in the given shapes. */
export function reshapeBody(body: unknown, shapes: readonly BodyShape[]): unknown {
  if (shapes.length === 0 || typeof body !== 'object' || body === null) return body;
  const copy = JSON.parse(JSON.stringify(body)) as Json;
  const set = new Set(shapes);
  if (typeof copy['order'] === 'object' && copy['order'] !== null) reshapeOrder(copy['order'] as Json, set);
  if (typeof copy['product'] === 'object' && copy['product'] !== null) reshapeProduct(copy['product'] as Json, set);
  return copy;
}
