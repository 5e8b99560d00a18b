/** Sends webhooks to the API the way Jumpseller does, so tests control duplicates and order exactly. */
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { orderJson } from '../../src/sandbox/jumpseller/wire.js';
import type { TestStack } from './stack.js';

/**
 * The order's webhook body now (`{"order":{...}}`), serialised by the simulator exactly as it would
 * deliver it; read from its state so the test does not spend the store's API rate limit.
 */
export function orderBody(stack: TestStack, orderId: number): string {
  const order = stack.js.sim.state.orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId} in the simulator`);
  return JSON.stringify({ order: orderJson(order, 'webhook') });
}

export interface Delivery {
  event: string;
  body: string;
}

export async function deliver(stack: TestStack, d: Delivery, overrides: { token?: string; signature?: string | null; storeCode?: string } = {}): Promise<Response> {
  const signature = overrides.signature === undefined ? signJumpsellerBody(d.body, overrides.token ?? stack.js.sim.hooksToken) : overrides.signature;
  return fetch(`${stack.apiUrl}/webhooks/jumpseller`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'jumpseller-event': d.event,
      'jumpseller-store-code': overrides.storeCode ?? stack.storeCode,
      ...(signature === null ? {} : { 'jumpseller-hmac-sha256': signature }),
    },
    body: d.body,
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
