/**
 * Jumpseller webhook events and their bodies. Route on the `Jumpseller-Event` header; the body is
 * the wrapped resource (`{"order":{...}}`, identical to `GET /orders/{id}.json`). Bodies carry no
 * event or delivery id, arrive duplicated and out of order, so consumers re-fetch or compare.
 */
import { z } from 'zod';
import { JsOrderSchema, JsProductSchema } from './schemas.js';
import type { JsOrder, JsProduct } from './schemas.js';

export const EVENT_HEADER = 'Jumpseller-Event';
export const STORE_CODE_HEADER = 'Jumpseller-Store-Code';
export const TRIGGERED_AT_HEADER = 'Jumpseller-Triggered-At';

/** There is no `order_created`: a new order fires `order_pending_payment`, and `order_updated` fires on every change. */
export const ORDER_EVENTS = [
  'order_pending_payment',
  'order_paid',
  'order_updated',
  'order_shipped',
  'order_canceled',
  'order_abandoned',
] as const;
export const PRODUCT_EVENTS = ['product_created', 'product_updated', 'product_deleted', 'product_stock_updated'] as const;

export type JsOrderEvent = (typeof ORDER_EVENTS)[number];
export type JsProductEvent = (typeof PRODUCT_EVENTS)[number];
export type JsWebhookEvent = JsOrderEvent | JsProductEvent;

export function isOrderEvent(event: string): event is JsOrderEvent {
  return (ORDER_EVENTS as readonly string[]).includes(event);
}

export function isProductEvent(event: string): event is JsProductEvent {
  return (PRODUCT_EVENTS as readonly string[]).includes(event);
}

/** A body that is not the expected resource. Permanent: redelivery brings the same bytes. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/** A product webhook: always the id; the full product when the body carried one (not on `product_deleted`). */
export interface JsProductWebhook {
  id: number;
  product: JsProduct | null;
}

function asJson(input: unknown, what: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    throw new WebhookPayloadError(`${what} webhook body is not JSON`);
  }
}

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

const OrderBody = z.object({ order: JsOrderSchema });
const ProductId = z.looseObject({ id: z.number().int() });

/** Accepts the parsed body or its JSON text (already signature-checked). */
export function parseOrderWebhook(input: unknown): JsOrder {
  const parsed = OrderBody.safeParse(asJson(input, 'order'));
  if (!parsed.success) throw new WebhookPayloadError(`order webhook body is not {"order":{...}}: ${summarise(parsed.error)}`);
  return parsed.data.order;
}

/** Accepts `{"product":{...}}` (documented) or the product itself; `product_deleted` may carry only the id. */
export function parseProductWebhook(input: unknown): JsProductWebhook {
  const json = asJson(input, 'product');
  const inner =
    typeof json === 'object' && json !== null && 'product' in json ? json.product : json;
  const id = ProductId.safeParse(inner);
  if (!id.success) throw new WebhookPayloadError(`product webhook body has no product id: ${summarise(id.error)}`);
  const full = JsProductSchema.safeParse(inner);
  return { id: id.data.id, product: full.success ? full.data : null };
}
