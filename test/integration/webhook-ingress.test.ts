/**
 * The webhook ingress answers like the issue says: 401 bad signature, 400 malformed, 404 unknown store,
 * 413 too large, 200 (and one dispatch) for a good delivery, "duplicate" for a repeat; and with Temporal
 * unreachable it keeps the delivery, answers 503, and dispatches it once Temporal is back.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createDispatcher, type Dispatcher, type DispatchInput } from '../../src/api/webhooks/dispatch.js';
import { startRedispatcher } from '../../src/api/webhooks/redispatcher.js';
import { webhookRoutes } from '../../src/api/webhooks/routes.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';

const STORE = `ingress-${Date.now()}`;
const TOKEN = 'ingress-hooks-token';
let db: Db;
let connection: Connection;

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: 2 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
  await db?.destroy();
});

function appWith(dispatcher: Dispatcher, maxBodyBytes = 64 * 1024) {
  const deps = { db, logger: createLogger('silent'), metrics: createMetrics() };
  return createApp({
    ...deps,
    temporal: new Client({ connection }),
    routes: [
      webhookRoutes({
        ...deps,
        dispatcher,
        maxBodyBytes,
        stores: { hooksToken: (code) => Promise.resolve(code === STORE ? TOKEN : undefined) },
      }),
    ],
  });
}

/** Records what would have been started or signalled. */
function recordingDispatcher() {
  const calls: DispatchInput[] = [];
  const dispatcher: Dispatcher = {
    dispatch: (input) => {
      calls.push(input);
      return Promise.resolve('dispatched');
    },
  };
  return { calls, dispatcher };
}

let nextOrderId = 500_000;
function orderBody(status = 'paid', id = nextOrderId++) {
  return JSON.stringify({ order: { id, created_at: '2026-11-28 10:00:00 UTC', status_enum: status, status: 'Paid', currency: 'CLP', subtotal: 1000, total: 1000, products: [] } });
}

function post(app: ReturnType<typeof appWith>, body: string, headers: Record<string, string | null> = {}) {
  const base: Record<string, string | null> = {
    'content-type': 'application/json',
    'jumpseller-event': 'order_paid',
    'jumpseller-store-code': STORE,
    'jumpseller-hmac-sha256': signJumpsellerBody(body, TOKEN),
    ...headers,
  };
  const h = Object.fromEntries(Object.entries(base).filter(([, v]) => v !== null)) as Record<string, string>;
  return app.request('/webhooks/jumpseller', { method: 'POST', headers: h, body });
}

describe('POST /webhooks/jumpseller', () => {
  it('accepts a signed delivery, stores it raw and dispatches it once', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const body = orderBody('paid', 777_001);
    const res = await post(appWith(dispatcher), body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'accepted', outcome: 'dispatched' });
    expect(calls).toEqual([expect.objectContaining({ storeCode: STORE, event: 'order_paid', resourceId: '777001', statusEnum: 'paid' })]);
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', STORE).where('resource_id', '=', '777001').executeTakeFirstOrThrow();
    expect(row.body).toBe(body);
    expect(row.status).toBe('dispatched');
  });

  it('answers a repeated delivery as a duplicate without dispatching again', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const app = appWith(dispatcher);
    const body = orderBody();
    expect((await post(app, body)).status).toBe(200);
    const again = await post(app, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['a wrong token', { 'jumpseller-hmac-sha256': signJumpsellerBody('{}', 'someone-elses-token') }, 'mismatch'],
    ['a missing signature', { 'jumpseller-hmac-sha256': null }, 'missing'],
    ['a malformed signature', { 'jumpseller-hmac-sha256': 'not base64 at all!' }, 'malformed'],
  ])('401 for %s, and nothing stored or dispatched', async (_name, headers, reason) => {
    const { calls, dispatcher } = recordingDispatcher();
    const id = nextOrderId++;
    const res = await post(appWith(dispatcher), orderBody('paid', id), headers);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(reason);
    expect(calls).toEqual([]);
    expect(await db.selectFrom('webhook_deliveries').select('id').where('resource_id', '=', String(id)).execute()).toEqual([]);
  });

  it('401 for a tampered body', async () => {
    const body = orderBody();
    const res = await post(appWith(recordingDispatcher().dispatcher), body.replace('1000', '1'), { 'jumpseller-hmac-sha256': signJumpsellerBody(body, TOKEN) });
    expect(res.status).toBe(401);
  });

  it('400 for malformed JSON and for a body that is not an order', async () => {
    const app = appWith(recordingDispatcher().dispatcher);
    const bad = await post(app, '{"order":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
    const notOrder = await post(app, JSON.stringify({ hello: 'world' }));
    expect(notOrder.status).toBe(400);
    expect(((await notOrder.json()) as { error: { message: string } }).error.message).toMatch(/order_paid payload is invalid/);
  });

  it('400 without the event header, 404 for an unknown store', async () => {
    const app = appWith(recordingDispatcher().dispatcher);
    expect((await post(app, orderBody(), { 'jumpseller-event': null })).status).toBe(400);
    const unknown = await post(app, orderBody(), { 'jumpseller-store-code': 'nobody' });
    expect(unknown.status).toBe(404);
  });

  it('413 for a body over the limit', async () => {
    const body = JSON.stringify({ order: { id: 1, status_enum: 'paid', padding: 'x'.repeat(5000) } });
    const res = await post(appWith(recordingDispatcher().dispatcher, 1024), body);
    expect(res.status).toBe(413);
  });

  it('keeps the delivery and answers 503 when Temporal is unreachable, then dispatches it when Temporal returns', async () => {
    const down = await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 300 }).catch(() => undefined);
    // With no server at all the client cannot even be built; a dispatcher that fails like it does:
    const failing: Dispatcher = down
      ? createDispatcher(new Client({ connection: down }))
      : { dispatch: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) };
    const id = nextOrderId++;
    const res = await post(appWith(failing), orderBody('paid', id));
    expect(res.status).toBe(503);
    const stored = await db.selectFrom('webhook_deliveries').selectAll().where('resource_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(stored.status).toBe('received');
    expect(stored.last_error).toMatch(/UNAVAILABLE|connect/i);

    const { calls, dispatcher } = recordingDispatcher();
    const redispatcher = startRedispatcher({ db, dispatcher, logger: createLogger('silent') }, 60_000, 0);
    try {
      expect(await redispatcher.runOnce()).toBeGreaterThanOrEqual(1);
    } finally {
      redispatcher.stop();
    }
    expect(calls.map((c) => c.resourceId)).toContain(String(id));
    const after = await db.selectFrom('webhook_deliveries').select('status').where('resource_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(after.status).toBe('dispatched');
  });
});
