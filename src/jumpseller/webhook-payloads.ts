/**
 * Jumpseller webhook events, and the little a delivery's body must give to be routed. Route on the
 * `Jumpseller-Event` header; the body is the wrapped resource (`{"order":{...}}`, identical to
 * `GET /orders/{id}.json`). Bodies carry no event or delivery id, arrive duplicated and out of order,
 * so consumers re-fetch the resource rather than trust the body.
 *
 * Reading is deliberately lenient: a signed delivery must never be refused over its shape (a 4xx
 * makes Jumpseller retry and then delete the hook). Only the resource id and, for orders, the
 * `status_enum` hint are read here, from any JSON shape; the strict schema applies where the order or
 * product is read from the API.
 */

export const EVENT_HEADER = 'Jumpseller-Event';
export const STORE_CODE_HEADER = 'Jumpseller-Store-Code';
export const TRIGGERED_AT_HEADER = 'Jumpseller-Triggered-At';

/** There is no `order_created`: a new order fires `order_pending_payment`, and `order_updated` fires on every change. */
export const ORDER_EVENTS = ['order_pending_payment', 'order_paid', 'order_updated', 'order_shipped', 'order_canceled', 'order_abandoned'] as const;
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

/** An event this service acts on; anything else is stored and ignored. */
export function isKnownEvent(event: string): event is JsWebhookEvent {
  return isOrderEvent(event) || isProductEvent(event);
}

/** What routing a delivery needs from its body. */
export interface RoutingFields {
  /** The order or product id, as digits; null when the body does not carry one we can read. */
  resourceId: string | null;
  /** An order body's `status_enum`, whatever its value (a new one must not matter); null when absent. */
  statusEnum: string | null;
  /** Why `resourceId` is null, in words for an operator. */
  problem: string | null;
}

/** Ids are integers in the REST API and have been seen as strings in webhooks; both are accepted. */
const MAX_ID_DIGITS = 20;
const MAX_STATUS_LENGTH = 64;

function readId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.length > 0 && trimmed.length <= MAX_ID_DIGITS && /^\d+$/.test(trimmed)) return trimmed.replace(/^0+(?=\d)/, '');
  }
  return null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** `{"order":{...}}` as documented, or the resource itself (older or undocumented shapes). */
function resourceOf(json: unknown, key: 'order' | 'product'): Record<string, unknown> | null {
  const outer = asRecord(json);
  if (!outer) return null;
  return asRecord(outer[key]) ?? outer;
}

/**
 * The routing fields of a known event's body (the raw text, already signature-checked). Never
 * throws: a body that cannot be routed says why in `problem`.
 */
export function routingFieldsOf(event: JsWebhookEvent, body: string): RoutingFields {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { resourceId: null, statusEnum: null, problem: 'the body is not JSON' };
  }
  const kind = isOrderEvent(event) ? 'order' : 'product';
  const resource = resourceOf(json, kind);
  if (!resource) return { resourceId: null, statusEnum: null, problem: `the body is not a JSON object with an ${kind}` };
  const resourceId = readId(resource['id']);
  const status = kind === 'order' ? resource['status_enum'] : undefined;
  const statusEnum = typeof status === 'string' && status.trim() !== '' ? status.trim().slice(0, MAX_STATUS_LENGTH) : null;
  return {
    resourceId,
    statusEnum,
    problem: resourceId === null ? `the body has no readable ${kind} id (${kind}.id)` : null,
  };
}
