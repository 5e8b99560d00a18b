import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJumpsellerClient } from '../../../src/jumpseller/client.js';
import { JsOrderSchema, JsProductSchema } from '../../../src/jumpseller/schemas.js';
import { verifyJumpsellerSignature } from '../../../src/jumpseller/webhook-signature.js';
import { createJumpsellerSimulator } from '../../../src/sandbox/jumpseller/simulator.js';
import type { JumpsellerSimulator } from '../../../src/sandbox/jumpseller/simulator.js';
import { startWebhookReceiver } from './webhook-receiver.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** The simulator's order body read with the API's strict schema: it must be the documented `{"order":{...}}`. */
function parseOrderWebhook(text: string) {
  return JsOrderSchema.parse((JSON.parse(text) as { order: unknown }).order);
}

/** A product body: the full product when it carries one (not on `product_deleted`), and always its id. */
function parseProductWebhook(text: string) {
  const inner = (JSON.parse(text) as { product: { id: number } }).product;
  const full = JsProductSchema.safeParse(inner);
  return { id: inner.id, product: full.success ? full.data : null };
}

let sim: JumpsellerSimulator;
let receiver: WebhookReceiver;

/** The client talking to the in-process app (no socket needed for the API side). */
function apiClient() {
  return createJumpsellerClient({
    baseUrl: 'http://sim.test/v1',
    auth: { kind: 'basic', ...sim.credentials },
    fetch: (input, init) => Promise.resolve(sim.app.request(input instanceof Request ? input : String(input), init)),
  });
}

async function subscribe(...events: string[]): Promise<void> {
  const client = apiClient();
  for (const event of events) await client.createHook({ event, url: receiver.url });
}

beforeEach(async () => {
  sim = createJumpsellerSimulator({ hooksToken: 'sim-hooks-token-0123' });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  sim.stop();
  await receiver.close();
});

describe('simulator webhooks', () => {
  it('delivers order events signed with the hooks token, in the order they happened', async () => {
    await subscribe('order_pending_payment', 'order_paid', 'order_updated');
    const product = sim.createProduct({ name: 'Polera', price: 11990, stock: 5 });
    const order = sim.placeOrder({ lines: [{ productId: product.id, qty: 2 }] });
    sim.payOrder(order.id);
    await sim.flushDeliveries();

    expect(receiver.received.map((r) => r.event)).toEqual(['order_pending_payment', 'order_updated', 'order_paid', 'order_updated']);
    for (const hook of receiver.received) {
      expect(() => verifyJumpsellerSignature(hook.raw, hook.headers['jumpseller-hmac-sha256'], 'sim-hooks-token-0123')).not.toThrow();
      expect(() => verifyJumpsellerSignature(hook.raw, hook.headers['jumpseller-hmac-sha256'], 'another-token')).toThrow(/mismatch/);
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['jumpseller-store-code']).toBe('tienda-simulada');
      expect(hook.headers['jumpseller-triggered-at']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
    }
    const bodies = receiver.received.map((r) => parseOrderWebhook(r.raw.toString('utf8')));
    expect(bodies.map((o) => o.status_enum)).toEqual(['pending_payment', 'pending_payment', 'paid', 'paid']);
    expect(bodies[2]).toMatchObject({ id: order.id, total: 23980, customer: { id: String(order.customer.id) } });
  });

  it('signs with the new hooks token after the merchant resets it', async () => {
    await subscribe('product_created');
    const fresh = sim.resetHooksToken();
    expect(fresh).not.toBe('sim-hooks-token-0123');
    expect(sim.hooksToken).toBe(fresh);
    sim.createProduct({ name: 'Llavero', price: 1990 });
    await sim.flushDeliveries();
    const [hook] = receiver.received;
    expect(() => verifyJumpsellerSignature(hook!.raw, hook!.headers['jumpseller-hmac-sha256'], fresh)).not.toThrow();
    expect(() => verifyJumpsellerSignature(hook!.raw, hook!.headers['jumpseller-hmac-sha256'], 'sim-hooks-token-0123')).toThrow(/mismatch/);
  });

  it('sends only to hooks registered for the event', async () => {
    await subscribe('order_paid');
    const product = sim.createProduct({ name: 'Taza', price: 4990, stock: 1 });
    const order = sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    sim.cancelOrder(order.id);
    await sim.flushDeliveries();
    expect(receiver.received).toEqual([]);
  });

  it('retries a failed delivery with the same body until it gets a 2xx', async () => {
    await subscribe('order_pending_payment');
    receiver.answer = (n) => (n < 2 ? 500 : 204);
    const product = sim.createProduct({ name: 'Gorro', price: 7990, stock: 3 });
    sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    await sim.flushDeliveries();

    expect(sim.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    expect(new Set(receiver.received.map((r) => r.raw.toString('utf8'))).size).toBe(1);
    expect(new Set(sim.deliveries().map((d) => d.webhookId)).size).toBe(1);
  });

  it('stops after 5 attempts (the first and 4 retries)', async () => {
    await subscribe('order_pending_payment');
    receiver.answer = () => 503;
    sim.setWebhookOptions({ retryUnitMs: 1 }); // waits 1, 16, 81, 256 ms
    const product = sim.createProduct({ name: 'Bufanda', price: 9990, stock: 3 });
    sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    await sim.flushDeliveries();
    expect(sim.deliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(receiver.received).toHaveLength(5);
  });

  it('duplicates every webhook when asked', async () => {
    await subscribe('order_pending_payment', 'order_updated');
    sim.setWebhookOptions({ duplicates: 3 });
    const product = sim.createProduct({ name: 'Calcetines', price: 2990, stock: 3 });
    sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    await sim.flushDeliveries();
    expect(receiver.received.map((r) => r.event)).toEqual([...Array<string>(3).fill('order_pending_payment'), ...Array<string>(3).fill('order_updated')]);
    expect(new Set(receiver.received.map((r) => r.headers['jumpseller-hmac-sha256'])).size).toBe(1);
  });

  it('reverses a burst when asked, so order_updated lands before order_pending_payment', async () => {
    await subscribe('order_pending_payment', 'order_updated');
    sim.setWebhookOptions({ reorder: 'reverse' });
    const product = sim.createProduct({ name: 'Chaqueta', price: 39990, stock: 3 });
    sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    await sim.flushDeliveries();
    expect(receiver.received.map((r) => r.event)).toEqual(['order_updated', 'order_pending_payment']);
  });

  it('announces product changes from the control API and from a stock PUT through the API', async () => {
    await subscribe('product_created', 'product_updated', 'product_stock_updated', 'product_deleted');
    const product = sim.createProduct({
      name: 'Zapatilla',
      price: 49990,
      variants: [
        { sku: 'Z-40', stock: 2, options: [{ name: 'Talla', value: '40' }] },
        { sku: 'Z-41', stock: 1, options: [{ name: 'Talla', value: '41' }] },
      ],
    });
    await apiClient().updateVariantStock(product.id, product.variants[1]!.id, 9);
    sim.deleteProduct(product.id);
    await sim.flushDeliveries();

    expect(receiver.received.map((r) => r.event)).toEqual(['product_created', 'product_stock_updated', 'product_updated', 'product_deleted']);
    const [created, stockUpdated, , deleted] = receiver.received.map((r) => parseProductWebhook(r.raw.toString('utf8')));
    expect(created?.product?.variants.map((v) => v.stock)).toEqual([2, 1]);
    expect(stockUpdated?.product?.variants.map((v) => v.stock)).toEqual([2, 9]);
    expect(deleted).toEqual({ id: product.id, product: null });
  });
});
