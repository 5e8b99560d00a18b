/**
 * The Jumpseller simulator's webhook faults, as a store really produces them: bodies in shapes the
 * documentation does not show, and a hook deleted after repeated failed deliveries. Also the order
 * listing's creation-date filter, read in the store's timezone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJumpsellerClient } from '../../../src/jumpseller/client.js';
import { JsOrderSchema } from '../../../src/jumpseller/schemas.js';
import { routingFieldsOf } from '../../../src/jumpseller/webhook-payloads.js';
import { verifyJumpsellerSignature } from '../../../src/jumpseller/webhook-signature.js';
import { createJumpsellerSimulator, type JumpsellerSimulator } from '../../../src/sandbox/jumpseller/simulator.js';
import { UNDOCUMENTED_STATUS } from '../../../src/sandbox/jumpseller/webhook-shapes.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const TOKEN = 'sim-faults-hooks-token';
let sim: JumpsellerSimulator;
let receiver: WebhookReceiver;

function apiClient() {
  return createJumpsellerClient({
    baseUrl: 'http://sim.test/v1',
    auth: { kind: 'basic', ...sim.credentials },
    fetch: (input, init) => Promise.resolve(sim.app.request(input instanceof Request ? input : String(input), init)),
  });
}

beforeEach(async () => {
  sim = createJumpsellerSimulator({ hooksToken: TOKEN, webhooks: { retryUnitMs: 1 } });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  sim.stop();
  await receiver.close();
});

function paidOrderBodies() {
  return receiver.received.filter((r) => r.event === 'order_paid').map((r) => ({ raw: r.raw, text: r.raw.toString('utf8'), signature: r.headers['jumpseller-hmac-sha256'] }));
}

describe('webhook bodies in undocumented shapes', () => {
  it('sends a new status_enum, prices as strings, missing fields and string ids, signed over the bytes sent', async () => {
    await apiClient().createHook({ event: 'order_paid', url: receiver.url });
    sim.setWebhookOptions({ bodyShapes: ['new_status_enum', 'prices_as_strings', 'missing_fields', 'ids_as_strings', 'extra_fields'] });
    const product = sim.createProduct({ name: 'Polera', price: 11990, stock: 5 });
    const order = sim.placeOrder({ lines: [{ productId: product.id, qty: 2 }] });
    sim.payOrder(order.id);
    await sim.flushDeliveries();

    const [delivered] = paidOrderBodies();
    expect(delivered).toBeDefined();
    expect(() => verifyJumpsellerSignature(delivered!.raw, delivered!.signature, TOKEN)).not.toThrow();
    const body = (JSON.parse(delivered!.text) as { order: Record<string, unknown> }).order;
    expect(body['status_enum']).toBe(UNDOCUMENTED_STATUS);
    expect(body['total']).toBe('23980.0');
    expect(body['id']).toBe(String(order.id));
    expect(body).not.toHaveProperty('customer');
    expect(body).toHaveProperty('fiscal_document');
    const line = (body['products'] as Record<string, unknown>[])[0]!;
    expect(line['price']).toBe('11990.0');
    expect(line).not.toHaveProperty('name');
    expect((line['taxes'] as Record<string, unknown>[])[0]).not.toHaveProperty('name');

    // The strict schema refuses such a body; routing reads what it needs anyway.
    expect(JsOrderSchema.safeParse(body).success).toBe(false);
    expect(routingFieldsOf('order_paid', delivered!.text)).toEqual({ resourceId: String(order.id), statusEnum: UNDOCUMENTED_STATUS, problem: null });
    // The API still answers the documented shape: only the webhook body is odd.
    expect((await apiClient().getOrder(order.id)).status_enum).toBe('paid');
  });

  it('sends the documented shape by default', async () => {
    await apiClient().createHook({ event: 'order_paid', url: receiver.url });
    const product = sim.createProduct({ name: 'Taza', price: 4990, stock: 5 });
    const order = sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    sim.payOrder(order.id);
    await sim.flushDeliveries();
    expect(JsOrderSchema.safeParse((JSON.parse(paidOrderBodies()[0]!.text) as { order: unknown }).order).success).toBe(true);
  });
});

describe('a hook that keeps failing', () => {
  async function orderEvents(n: number) {
    const product = sim.createProduct({ name: 'Gorro', price: 7990, stock: 100 });
    for (let i = 0; i < n; i++) sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    await sim.flushDeliveries();
  }

  it('is deleted after the configured number of consecutive failed deliveries, and gets nothing more', async () => {
    const client = apiClient();
    const failing = await client.createHook({ event: 'order_pending_payment', url: receiver.url });
    const healthy = await startWebhookReceiver();
    try {
      await client.createHook({ event: 'order_pending_payment', url: healthy.url });
      receiver.answer = () => 500;
      sim.setWebhookOptions({ deleteHookAfterFailures: 4 });
      await orderEvents(1); // one webhook, retried in turn: the 4th failure deletes the hook, no 5th attempt

      const attempts = sim.deliveries().filter((d) => d.hookId === failing.id);
      expect(attempts.map((a) => [a.attempt, a.status, a.hookDeleted])).toEqual([
        [1, 500, false],
        [2, 500, false],
        [3, 500, false],
        [4, 500, true],
      ]);
      const hooks = await client.listHooks();
      expect(hooks.map((h) => h.url)).toEqual([healthy.url]);
      expect(healthy.received).toHaveLength(1);

      await orderEvents(1);
      expect(receiver.received).toHaveLength(4);
      expect(healthy.received).toHaveLength(2);
    } finally {
      await healthy.close();
    }
  });

  it('deletes a hook at its 8th consecutive failure by default, counting across webhooks', async () => {
    const client = apiClient();
    const hook = await client.createHook({ event: 'order_pending_payment', url: receiver.url });
    receiver.answer = () => 503;
    await orderEvents(2); // two webhooks, up to 5 attempts each

    const attempts = sim.deliveries().filter((d) => d.hookId === hook.id);
    // Attempts already under way when the hook goes still land; the 8th failure is the one that deletes.
    expect(attempts.findIndex((a) => a.hookDeleted)).toBe(7);
    expect(attempts.filter((a) => a.hookDeleted)).toHaveLength(1);
    expect(await client.listHooks()).toEqual([]);
  });

  it('keeps a hook whose failures are interrupted by a success', async () => {
    const client = apiClient();
    await client.createHook({ event: 'order_pending_payment', url: receiver.url });
    sim.setWebhookOptions({ deleteHookAfterFailures: 3 });
    let n = 0;
    receiver.answer = () => (n++ % 2 === 0 ? 500 : 200); // every failure is followed by a success
    await orderEvents(4);
    expect(sim.deliveries().some((d) => d.status === 500)).toBe(true);
    expect(await client.listHooks()).toHaveLength(1);
  });
});

describe('GET /orders.json with a creation-date filter', () => {
  it('filters by status and by creation day in the store timezone (America/Santiago)', async () => {
    const product = sim.createProduct({ name: 'Bufanda', price: 9990, stock: 10 });
    const at = (iso: string) => sim.advanceClock(Date.parse(iso) - (Date.now() + sim.state.clockOffsetMs));
    at('2026-01-10T02:00:00Z'); // 2026-01-09 23:00 in Santiago (UTC-3 in January)
    const late = sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    sim.payOrder(late.id);
    at('2026-01-10T15:00:00Z');
    const next = sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    sim.payOrder(next.id);
    sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] }); // unpaid

    const client = apiClient();
    const list = async (initialDate: string, finalDate: string) =>
      (await client.listOrderRefsByDate({ page: 1, limit: 100, status: 'paid', initialDate, finalDate })).orders.map((o) => o.id);
    expect(await list('2026-01-09', '2026-01-09')).toEqual([late.id]);
    expect(await list('2026-01-10', '2026-01-10')).toEqual([next.id]);
    expect(await list('2026-01-08', '2026-01-11')).toEqual([late.id, next.id]);
    expect(await list('2026-01-11', '2026-01-12')).toEqual([]);

    const bad = await sim.app.request('/v1/orders.json?dateFilter=customDate&initialDate=yesterday', {
      headers: { authorization: `Basic ${Buffer.from(`${sim.credentials.login}:${sim.credentials.authToken}`).toString('base64')}` },
    });
    expect(bad.status).toBe(400);
  });
});
