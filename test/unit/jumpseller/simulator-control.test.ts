import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJumpsellerSimulator } from '../../../src/sandbox/jumpseller/server.js';
import type { RunningJumpsellerSimulator } from '../../../src/sandbox/jumpseller/server.js';

let running: RunningJumpsellerSimulator;
beforeAll(async () => {
  running = await startJumpsellerSimulator();
});
afterAll(() => running.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

describe('simulator control API over HTTP', () => {
  it('creates a product, places, pays and reads an order, and counts the API traffic', async () => {
    const created = await call('POST', '/_sim/products', { name: 'Polera', price: 11990, stock: 4, sku: 'POL-1' });
    expect(created.status).toBe(201);
    const productId = (created.json as { product: { id: number } }).product.id;

    const placed = await call('POST', '/_sim/orders', {
      lines: [{ productId, qty: 2, discount: 990 }],
      coupon: { amount: 1000 },
      shipping: 2990,
      additionalFields: [{ label: 'Giro', value: null }],
    });
    expect(placed.status).toBe(201);
    const order = (placed.json as { order: { id: number; total: number; discount: number; additional_fields: unknown } }).order;
    expect(order.total).toBe(2 * 11990 - 990 - 1000 + 2990);
    expect(order.discount).toBe(1990);
    expect(order.additional_fields).toEqual([{ id: null, label: 'Giro', value: null, area: 'billing' }]);

    expect((await call('POST', `/_sim/orders/${order.id}/pay`)).json).toMatchObject({ order: { status_enum: 'paid' } });
    expect((await call('POST', `/_sim/orders/${order.id}/abandon`)).status).toBe(409);

    const { login, authToken } = running.sim.credentials;
    const res = await fetch(`${running.url}/v1/orders/${order.id}.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${login}:${authToken}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Jumpseller-PerMinuteRateLimit-Limit')).toBe('800');
    const stats = (await call('GET', '/_sim/requests')).json as { byRoute: Record<string, number>; total: number; writes: number };
    expect(stats.byRoute).toEqual({ 'GET /v1/orders/:id.json': 1 });
    expect(stats.total).toBe(1);
    expect(stats.writes).toBe(0);
  });

  it('answers 422 with field errors to a bad control request, and 404 to an unknown product', async () => {
    const bad = await call('POST', '/_sim/orders', { lines: [] });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ message: 'invalid input', errors: { lines: [expect.any(String)] } });
    expect((await call('PUT', '/_sim/products/999999', { price: 1 })).status).toBe(404);
  });

  it('sets faults and delivery options, and resets everything', async () => {
    expect((await call('PUT', '/_sim/faults', { errorRate: 0.5 })).json).toMatchObject({ errorRate: 0.5, throttle: 0 });
    expect((await call('PUT', '/_sim/webhooks', { duplicates: 2, reorder: 'random' })).json).toMatchObject({ duplicates: 2, reorder: 'random' });
    expect((await call('PUT', '/_sim/webhooks', { reorder: 'sideways' })).status).toBe(422);
    expect((await call('POST', '/_sim/reset')).status).toBe(200);
    expect(running.sim.state.products.size).toBe(0);
    expect(running.sim.state.faults.errorRate).toBe(0);
    expect((await call('GET', '/_sim/deliveries')).json).toEqual({ deliveries: [] });
  });
});
