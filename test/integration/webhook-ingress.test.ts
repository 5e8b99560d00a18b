/**
 * The webhook ingress never refuses a signed delivery: anything signed is stored and answered 2xx
 * (dispatched, ignored, unroutable, or queued when Temporal cannot take it), whatever the body's
 * shape. Everything unsigned gets one and the same 401, whether the store exists or not, and no
 * request, signed or not, can add a metric series.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { Dispatcher, DispatchInput } from '../../src/dispatch/dispatcher.js';
import { startRedispatcher } from '../../src/api/webhooks/redispatcher.js';
import { webhookRoutes, type WebhookDeps } from '../../src/api/webhooks/routes.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { adminRoutes, type AdminDeps } from '../../src/api/admin/routes.js';
import { runOps } from '../../src/cli/ops.js';
import { ensureBasicStore } from '../../src/db/stores-repository.js';
import { parseApiTokens } from '../../src/security/api-tokens.js';

const STORE = `ingress-${Date.now()}`;
const TOKEN = 'ingress-hooks-token';
let db: Db;
let connection: Connection;

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: 2 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  // Nothing of this file may be left waiting for another file's redispatcher.
  await db?.deleteFrom('webhook_deliveries').where('store_code', '=', STORE).execute();
  await db?.deleteFrom('stores').where('code', '=', STORE).execute();
  await connection?.close();
  await db?.destroy();
});

function appWith(dispatcher: Dispatcher, o: { maxBodyBytes?: number; metrics?: Metrics; policy?: WebhookDeps['policy'] } = {}) {
  const deps = { db, logger: createLogger('silent'), metrics: o.metrics ?? createMetrics() };
  return createApp({
    ...deps,
    temporal: new Client({ connection }),
    routes: [
      webhookRoutes({
        ...deps,
        dispatcher,
        maxBodyBytes: o.maxBodyBytes ?? 64 * 1024,
        stores: { hooksToken: (code) => Promise.resolve(code === STORE ? TOKEN : undefined) },
        ...(o.policy ? { policy: o.policy } : {}),
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

async function storedRows(resourceId: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', STORE).where('resource_id', '=', resourceId).execute();
}

describe('POST /webhooks/jumpseller', () => {
  it('accepts a signed delivery, stores it raw without its signature, and dispatches it once', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const body = orderBody('paid', 777_001);
    const res = await post(appWith(dispatcher), body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'accepted', outcome: 'dispatched' });
    expect(calls).toEqual([expect.objectContaining({ storeCode: STORE, event: 'order_paid', resourceId: '777001', statusEnum: 'paid' })]);
    const [row] = await storedRows('777001');
    expect(row!.body).toBe(body);
    expect(row!.status).toBe('dispatched');
    expect(row!.headers).toMatchObject({ 'jumpseller-event': 'order_paid', 'jumpseller-store-code': STORE });
    expect(row!.headers).not.toHaveProperty('jumpseller-hmac-sha256');
    expect(JSON.stringify(row!.headers)).not.toContain(signJumpsellerBody(body, TOKEN));
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

  it('stores and dispatches signed bodies of unexpected shapes: a new status_enum, prices as strings, a tax line without a name, a string id', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const app = appWith(dispatcher);
    const odd = JSON.stringify({
      order: {
        id: '777002',
        status_enum: 'authorized',
        total: '11990.0',
        products: [{ id: 5, qty: 1, price: '11990.0', taxes: [{ rate: 19 }] }],
        fiscal_document: { kind: 'new' },
      },
    });
    const res = await post(app, odd);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'accepted', outcome: 'dispatched' });
    expect(calls).toEqual([expect.objectContaining({ resourceId: '777002', statusEnum: 'authorized' })]);
    expect((await storedRows('777002'))[0]!.body).toBe(odd);

    const noStatus = await post(app, JSON.stringify({ order: { id: 777_003 } }), { 'jumpseller-event': 'order_updated' });
    expect(noStatus.status).toBe(200);
    expect(calls.at(-1)).toMatchObject({ resourceId: '777003', statusEnum: null, event: 'order_updated' });
  });

  it('stores a signed body without a readable id as unroutable, answers 2xx, and dispatches nothing', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const app = appWith(dispatcher);
    const marker = randomBytes(6).toString('hex');
    for (const body of [`{"order":{"ref":"${marker}"}}`, `{"order": ${marker}`, `[${JSON.stringify(marker)}]`]) {
      const res = await post(app, body);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'unroutable', problem: expect.any(String) as string });
    }
    const rows = await db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', STORE).where('body', 'like', `%${marker}%`).execute();
    expect(rows.map((r) => r.status)).toEqual(['unroutable', 'unroutable', 'unroutable']);
    expect(rows.map((r) => r.last_error)).toEqual([expect.stringMatching(/order\.id/), 'the body is not JSON', expect.stringMatching(/not a JSON object/)]);
    expect(calls).toEqual([]);
  });

  it('stores events it does not handle (or a missing event) as ignored, answers 2xx, and dispatches nothing', async () => {
    const { calls, dispatcher } = recordingDispatcher();
    const app = appWith(dispatcher);
    const customer = JSON.stringify({ customer: { id: 777_004, email: 'x@example.cl' } });
    const res = await post(app, customer, { 'jumpseller-event': 'customer_created' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored' });
    const noEvent = await post(app, orderBody('paid', 777_005), { 'jumpseller-event': null });
    expect(noEvent.status).toBe(200);
    expect(await noEvent.json()).toMatchObject({ status: 'ignored' });
    const rows = await db.selectFrom('webhook_deliveries').select(['event', 'status']).where('store_code', '=', STORE).where('status', '=', 'ignored').execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { event: 'customer_created', status: 'ignored' },
        { event: '', status: 'ignored' },
      ]),
    );
    expect(calls).toEqual([]);
  });

  it.each([
    ['a wrong token', { 'jumpseller-hmac-sha256': signJumpsellerBody('{}', 'someone-elses-token') }],
    ['a missing signature', { 'jumpseller-hmac-sha256': null }],
    ['a malformed signature', { 'jumpseller-hmac-sha256': 'not base64 at all!' }],
  ])('401 for %s, and nothing stored or dispatched', async (_name, headers) => {
    const { calls, dispatcher } = recordingDispatcher();
    const id = nextOrderId++;
    const res = await post(appWith(dispatcher), orderBody('paid', id), headers);
    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
    expect(await storedRows(String(id))).toEqual([]);
  });

  it('401 for a tampered body', async () => {
    const body = orderBody();
    const res = await post(appWith(recordingDispatcher().dispatcher), body.replace('1000', '1'), { 'jumpseller-hmac-sha256': signJumpsellerBody(body, TOKEN) });
    expect(res.status).toBe(401);
  });

  it('gives an unknown store, a missing store header and a bad signature the very same answer', async () => {
    const app = appWith(recordingDispatcher().dispatcher);
    const body = orderBody();
    const answers = await Promise.all([
      post(app, body, { 'jumpseller-store-code': 'no-such-store', 'jumpseller-hmac-sha256': signJumpsellerBody(body, 'any-token') }),
      post(app, body, { 'jumpseller-store-code': 'no-such-store' }),
      post(app, body, { 'jumpseller-store-code': null }),
      post(app, body, { 'jumpseller-hmac-sha256': signJumpsellerBody(body, 'someone-elses-token') }),
      post(app, body, { 'jumpseller-hmac-sha256': null }),
    ]);
    const seen = await Promise.all(answers.map(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.text() })));
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(seen[0]!.status).toBe(401);
    expect(seen[0]!.body).not.toMatch(/no-such-store|unknown|install/i);
  });

  it('413 for a body over the limit', async () => {
    const body = JSON.stringify({ order: { id: 1, status_enum: 'paid', padding: 'x'.repeat(5000) } });
    const res = await post(appWith(recordingDispatcher().dispatcher, { maxBodyBytes: 1024 }), body);
    expect(res.status).toBe(413);
  });

  it('keeps the delivery and answers 202 when Temporal is unreachable, then the redispatcher dispatches it', async () => {
    const failing: Dispatcher = { dispatch: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) };
    const id = nextOrderId++;
    const res = await post(appWith(failing), orderBody('paid', id));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'queued' });
    const [stored] = await storedRows(String(id));
    expect(stored).toMatchObject({ status: 'received', attempts: 0, claimed_by: null });
    expect(stored!.last_error).toMatch(/UNAVAILABLE/);

    await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .where('id', '=', stored!.id)
      .execute();
    const { calls, dispatcher } = recordingDispatcher();
    // This file's store only: the files running beside it keep their own deliveries.
    const redispatcher = startRedispatcher({ db, dispatcher, logger: createLogger('silent') }, { intervalMs: 60_000, storeCodes: [STORE] });
    try {
      await redispatcher.runOnce();
    } finally {
      redispatcher.stop();
    }
    expect(calls.filter((c) => c.resourceId === String(id))).toEqual([expect.objectContaining({ statusEnum: 'paid', event: 'order_paid' })]);
    expect((await storedRows(String(id)))[0]!.status).toBe('dispatched');
  });

  it('answers within its deadline when Temporal hangs, and leaves the delivery to the redispatcher', async () => {
    // The dispatch never answers: an answer at all is the deadline's doing, and the stored error says
    // which deadline it was (no wall-clock bound, which a loaded machine could break).
    const hanging: Dispatcher = { dispatch: () => new Promise<never>(() => undefined) };
    const id = nextOrderId++;
    const res = await post(appWith(hanging, { policy: { deadlineMs: 300 } }), orderBody('paid', id));
    expect(res.status).toBe(202);
    const [stored] = await storedRows(String(id));
    expect(stored).toMatchObject({ status: 'received', attempts: 0 });
    expect(stored!.last_error).toMatch(/did not answer within 300 ms/);
  });
});

describe('metric labels', () => {
  /** The series /metrics lists (name and labels), leaving out the runtime's own (GC kinds appear when the GC runs). */
  async function series(app: ReturnType<typeof appWith>): Promise<string[]> {
    const text = await (await app.request('/metrics')).text();
    return text
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !/^(nodejs|process)_/.test(l))
      .map((l) => l.slice(0, l.lastIndexOf(' ')))
      .sort();
  }

  it('thousands of unsigned requests with random events and stores add no series', async () => {
    const app = appWith(recordingDispatcher().dispatcher);
    const random = () => randomBytes(8).toString('hex');
    // Half name the real store with a wrong signature, half a store that does not exist.
    const flood = (n: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) =>
          post(app, `{"order":{"id":${nextOrderId++}}}`, {
            'jumpseller-event': `evt_${random()}`,
            'jumpseller-store-code': i % 2 === 0 ? STORE : random(),
            'jumpseller-hmac-sha256': signJumpsellerBody(random(), TOKEN),
          }),
        ),
      );
    await flood(1);
    await app.request('/metrics');
    const before = await series(app);
    const beforeSize = before.length;
    for (let i = 0; i < 10; i++) expect((await flood(300)).every((r) => r.status === 401)).toBe(true);
    const after = await series(app);
    expect(after).toEqual(before);
    expect(after.length).toBe(beforeSize);
    expect(after.join('\n')).not.toMatch(/evt_/);
    expect(after).toContain('webhooks_refused_total{reason="unauthorized"}');
  });

  it('signed deliveries of unknown events are counted as "other", never by their name', async () => {
    const app = appWith(recordingDispatcher().dispatcher);
    for (let i = 0; i < 50; i++) {
      const res = await post(app, orderBody('paid'), { 'jumpseller-event': `made_up_${randomBytes(4).toString('hex')}` });
      expect(res.status).toBe(200);
    }
    const received = (await series(app)).filter((s) => s.startsWith('webhooks_received_total'));
    expect(received).toEqual(['webhooks_received_total{event="other",outcome="ignored"}']);
  });
});

describe('operators and stored deliveries', () => {
  const ADMIN = 'ingress-admin-token-0123456789';

  function admin() {
    const logger = createLogger('silent');
    const temporal = new Client({ connection });
    return createApp({
      db,
      temporal,
      logger,
      metrics: createMetrics(),
      // The delivery routes never reach the store registry.
      routes: [
        adminRoutes({
          db,
          temporal,
          stores: {} as AdminDeps['stores'],
          logger,
          adminTokens: parseApiTokens({ ADMIN_TOKEN: ADMIN }).admin,
          secretsKeyring: undefined,
          publicUrl: 'http://127.0.0.1:9',
          mainTaskQueue: 'unused',
        }),
      ],
    });
  }

  async function ops(app: ReturnType<typeof admin>, ...args: string[]) {
    let out = '';
    const code = await runOps([...args, '--store', STORE, '--url', 'http://admin.test'], {
      fetch: (input, init) => Promise.resolve(app.request(input instanceof Request ? input : input.toString(), init)),
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (out += t) },
      env: { ADMIN_TOKEN: ADMIN },
    });
    return { code, out };
  }

  it('lists unroutable and dead-lettered deliveries without their bodies, and puts dead letters back in the queue', async () => {
    await ensureBasicStore(db, STORE, {});
    const ingress = appWith(recordingDispatcher().dispatcher);
    const unroutable = (await (await post(ingress, '{"order":{"email":"ana@example.cl"}}')).json()) as { deliveryId: number };
    const failing: Dispatcher = { dispatch: () => Promise.reject(new Error('3 INVALID_ARGUMENT: refused')) };
    const id = nextOrderId++;
    const queued = (await (await post(appWith(failing, { policy: { maxAttempts: 1 } }), orderBody('paid', id))).json()) as { deliveryId: number };
    expect((await storedRows(String(id)))[0]).toMatchObject({ status: 'dead_letter', attempts: 1 });

    const app = admin();
    const list = await app.request(`/admin/stores/${STORE}/deliveries`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { statuses: string[]; deliveries: { id: string; status: string; resourceId: string | null; lastError: string | null }[] };
    expect(listed.statuses).toEqual(['unroutable', 'dead_letter']);
    expect(listed.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: String(unroutable.deliveryId), status: 'unroutable', resourceId: null, lastError: expect.stringMatching(/order\.id/) as string }),
        expect.objectContaining({ id: String(queued.deliveryId), status: 'dead_letter', resourceId: String(id), lastError: expect.stringMatching(/INVALID_ARGUMENT/) as string }),
      ]),
    );
    expect(JSON.stringify(listed)).not.toContain('ana@example.cl');

    const shown = await ops(app, 'deliveries');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/deliver(y|ies) of .* that are unroutable or dead_letter/);
    expect(shown.out).toContain(String(queued.deliveryId));

    const requeued = await ops(app, 'deliveries', 'requeue', String(queued.deliveryId));
    expect(requeued).toMatchObject({ code: 0 });
    expect(requeued.out).toContain(`1 dead-lettered delivery of ${STORE} back in the queue: ${queued.deliveryId}`);
    expect((await storedRows(String(id)))[0]).toMatchObject({ status: 'received', attempts: 0 });
    await db.deleteFrom('webhook_deliveries').where('store_code', '=', STORE).where('status', '=', 'received').execute();
  });
});
