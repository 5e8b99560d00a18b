/**
 * The per-document guard on the real PostgreSQL, and the `sendCreate` activity over real HTTP to the
 * relBase simulator: one create in flight at a time, none from an attempt whose token was replaced or
 * whose deadline came too near while it waited, no lock held across the call, and each outcome
 * (created, refused, unknown, not sent) told apart and written down.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createIssuingActivities, type DocumentToIssue } from '../../src/activities/issuing-activities.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { beginIssue, claimCreate, DocumentConflictError, findDocument, prepareCreate, recordCreateRefused, recordIssued } from '../../src/db/documents-repository.js';
import { createRateLimiter, type RateLimiter } from '../../src/http/rate-limiter.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRelbaseClient } from '../../src/relbase/client.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import type { StoreRegistry } from '../../src/stores/registry.js';
import { readSettings } from '../../src/stores/settings.js';

let db: Db;
let rb: RunningRelbaseSimulator;
let limiter: RateLimiter;
let productId: number;
let activities: ReturnType<typeof createIssuingActivities>;
const store = `g-${randomBytes(4).toString('hex')}`;
let order = 1000;

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: inject('embeddedDatabase') ? 1 : 5 });
  rb = await startRelbaseSimulator({ port: 0, rateLimit: false });
  const relbase = createRelbaseClient({
    baseUrl: rb.apiUrl,
    userToken: rb.simulator.userToken,
    companyToken: rb.simulator.companyToken,
    limiter: { acquire: () => limiter.acquire(), pauseUntil: (t) => limiter.pauseUntil(t) },
  });
  const settings = readSettings({ warehouseId: rb.simulator.warehouses()[0]!.id });
  const stores = { get: () => Promise.resolve({ code: store, hooksToken: 'x', settings, relbase, jumpseller: null as never }) } as unknown as StoreRegistry;
  activities = createIssuingActivities({ db, stores, temporal: null as unknown as Client, logger: createLogger('silent') });
}, 60_000);
beforeEach(() => {
  limiter = createRateLimiter([{ limit: 100, ms: 1000 }]);
  rb.simulator.reset();
  productId = rb.simulator.seedProducts([{ name: 'Polera', code: 'G-1', price: 9990 }])[0]!.id;
});
afterAll(async () => {
  await rb?.close();
  await db?.destroy();
});

function nextOrder() {
  const orderId = String(order++);
  return { orderId, label: `JS-${orderId}` };
}

async function begin(o: { orderId: string; label: string }) {
  return beginIssue(db, { storeCode: store, orderId: o.orderId, label: o.label, kind: 'document', typeDocument: 39 });
}

function toIssue(o: { orderId: string; label: string }): DocumentToIssue {
  return {
    storeCode: store,
    orderId: o.orderId,
    label: o.label,
    kind: 'document',
    typeDocument: 39,
    typeDocumentSii: null,
    customerId: null,
    lines: [{ product_id: productId, quantity: 1, price: 9990, discount: 0, tax_affected: true }],
    expectedTotal: 9990,
  };
}

const documentsOf = (label: string) => rb.simulator.documents().filter((d) => d.label_value === label);
const posts = () => rb.simulator.requests().byRoute['POST /api/v1/dtes'] ?? 0;

describe('the intent', () => {
  it('is inserted once per label, and a second document for one order cannot be recorded', async () => {
    const o = nextOrder();
    expect(await begin(o)).toMatchObject({ label: o.label, state: 'intent', createsSent: 0, inFlightUntil: null, issued: null });
    expect(await begin(o)).toMatchObject({ state: 'intent', createsSent: 0 });
    await expect(beginIssue(db, { storeCode: store, orderId: o.orderId, label: `${o.label}-BIS`, kind: 'document', typeDocument: 39 })).rejects.toThrow(DocumentConflictError);
    // A credit note of the same order is another kind: the same steps, its own label.
    expect(await beginIssue(db, { storeCode: store, orderId: o.orderId, label: `${o.label}-NC1`, kind: 'credit_note', typeDocument: 61, referenceLabel: o.label })).toMatchObject({
      state: 'intent',
    });
    const raw = db.insertInto('documents').values({
      store_code: store,
      order_id: o.orderId,
      label_value: `${o.label}-X`,
      kind: 'document',
      state: 'intent',
      type_document: 39,
      relbase_id: null,
      folio: null,
      total: null,
      pdf_url: null,
      issued_at: null,
    });
    await expect(raw.execute()).rejects.toThrow(/documents_one_document_per_order/);
  });
});

describe('prepare and claim', () => {
  it('a token claims once, counts the create and bounds its flight by the deadline', async () => {
    const o = nextOrder();
    await begin(o);
    const prepared = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 }))!;
    expect(prepared).not.toBeNull();
    expect(await claimCreate(db, { storeCode: store, label: o.label, token: prepared.token, callTimeoutMs: 15_000 })).toEqual({ claimed: true, createsSent: 1 });
    expect(await claimCreate(db, { storeCode: store, label: o.label, token: prepared.token, callTimeoutMs: 15_000 })).toEqual({ claimed: false });
    expect(await begin(o)).toMatchObject({ state: 'create_sent', createsSent: 1, inFlightUntil: prepared.deadline });
  });

  it('a prepare after a claim the caller did not see is refused; a newer token voids the older one', async () => {
    const o = nextOrder();
    await begin(o);
    const first = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 }))!;
    const second = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 }))!;
    expect(await claimCreate(db, { storeCode: store, label: o.label, token: first.token, callTimeoutMs: 15_000 })).toEqual({ claimed: false });
    expect(await claimCreate(db, { storeCode: store, label: o.label, token: second.token, callTimeoutMs: 15_000 })).toMatchObject({ claimed: true });
    expect(await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 })).toBeNull();
  });

  it('a claim whose deadline is nearer than the call timeout is refused', async () => {
    const o = nextOrder();
    await begin(o);
    const prepared = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 5_000 }))!;
    expect(await claimCreate(db, { storeCode: store, label: o.label, token: prepared.token, callTimeoutMs: 15_000 })).toEqual({ claimed: false });
    expect(await begin(o)).toMatchObject({ state: 'intent', createsSent: 0 });
  });

  it('twenty claims racing with one token: exactly one wins', async () => {
    const o = nextOrder();
    await begin(o);
    const prepared = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 }))!;
    const results = await Promise.all(Array.from({ length: 20 }, () => claimCreate(db, { storeCode: store, label: o.label, token: prepared.token, callTimeoutMs: 1000 })));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect((await findDocument(db, store, o.orderId))!.creates_sent).toBe(1);
  });

  it('a refusal puts back what was known before the claim', async () => {
    const o = nextOrder();
    await begin(o);
    const a = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 }))!;
    await claimCreate(db, { storeCode: store, label: o.label, token: a.token, callTimeoutMs: 1000 });
    await recordCreateRefused(db, { storeCode: store, label: o.label, createsSent: 1 });
    expect(await begin(o)).toMatchObject({ state: 'intent', createsSent: 1, inFlightUntil: null });

    // After a create whose outcome stayed unknown, a refused one leaves that one's bound in place.
    const b = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 1, windowMs: 60_000 }))!;
    await claimCreate(db, { storeCode: store, label: o.label, token: b.token, callTimeoutMs: 1000 });
    const c = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 2, windowMs: 90_000 }))!;
    await claimCreate(db, { storeCode: store, label: o.label, token: c.token, callTimeoutMs: 1000 });
    await recordCreateRefused(db, { storeCode: store, label: o.label, createsSent: 3 });
    expect(await begin(o)).toMatchObject({ state: 'create_sent', createsSent: 3, inFlightUntil: b.deadline });
    expect((await findDocument(db, store, o.orderId))!.creates_refused).toBe(2);
  });

  it('recording the same document again is a no-op; another one for the label is a conflict', async () => {
    const o = nextOrder();
    await begin(o);
    const doc = { relbaseId: '9000001', folio: '12', total: 9990, pdfUrl: null, typeDocument: 39 };
    await recordIssued(db, { storeCode: store, label: o.label, ...doc });
    await recordIssued(db, { storeCode: store, label: o.label, ...doc });
    expect(await begin(o)).toMatchObject({ state: 'issued', issued: doc });
    await expect(recordIssued(db, { storeCode: store, label: o.label, ...doc, relbaseId: '9000002' })).rejects.toThrow(DocumentConflictError);
    expect(await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 60_000 })).toBeNull();
  });
});

describe('sendCreate', () => {
  it('created: one POST, the document answered', async () => {
    const o = nextOrder();
    await begin(o);
    const { token } = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    const sent = await activities.sendCreate({ ...toIssue(o), token });
    expect(sent).toMatchObject({ outcome: 'created', document: { typeDocument: 39, total: 9990 } });
    expect(documentsOf(o.label)).toHaveLength(1);
  });

  it('an attempt that waited in the limiter until its deadline was too near sends nothing', async () => {
    const o = nextOrder();
    await begin(o);
    const { token } = (await prepareCreate(db, { storeCode: store, label: o.label, expectedCreatesSent: 0, windowMs: 15_800 }))!;
    limiter.pauseUntil(Date.now() + 1500);
    expect(await activities.sendCreate({ ...toIssue(o), token })).toMatchObject({ outcome: 'not_sent' });
    expect(posts()).toBe(0);
    expect(await begin(o)).toMatchObject({ state: 'intent', createsSent: 0 });
  });

  it('an older attempt still in the limiter when a newer one is prepared sends nothing; the newer one creates', async () => {
    const o = nextOrder();
    await begin(o);
    const old = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    // Held long enough for the newer prepare below to come first even on a loaded machine.
    limiter.pauseUntil(Date.now() + 3000);
    const oldAttempt = activities.sendCreate({ ...toIssue(o), token: old.token });
    const fresh = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    const [a, b] = await Promise.all([oldAttempt, activities.sendCreate({ ...toIssue(o), token: fresh.token })]);
    expect([a.outcome, b.outcome]).toEqual(['not_sent', 'created']);
    expect(documentsOf(o.label)).toHaveLength(1);
    expect(posts()).toBe(1);
  });

  it('refused (422): nothing was made, the intent is back to "no create sent"', async () => {
    const o = nextOrder();
    await begin(o);
    const { token } = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    const sent = await activities.sendCreate({ ...toIssue(o), token, lines: [{ product_id: 1, quantity: 1, price: 1 }] });
    expect(sent).toMatchObject({ outcome: 'refused', throttled: false, status: 422 });
    expect(await begin(o)).toMatchObject({ state: 'intent', createsSent: 1 });
  });

  it('refused by throttling (403): said so, one POST only, nothing to settle', async () => {
    const o = nextOrder();
    await begin(o);
    rb.simulator.setFaults({ throttle: 1 });
    const { token } = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    expect(await activities.sendCreate({ ...toIssue(o), token })).toMatchObject({ outcome: 'refused', throttled: true, status: 403 });
    expect(rb.simulator.requests().injectedThrottles).toBe(1);
    expect(await begin(o)).toMatchObject({ state: 'intent' });
  });

  it('unknown: the answer was lost after relBase made the document', async () => {
    const o = nextOrder();
    await begin(o);
    rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    const { token, deadline } = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    const started = Date.now();
    expect(await activities.sendCreate({ ...toIssue(o), token })).toMatchObject({ outcome: 'unknown' });
    const ended = Date.now();
    expect(documentsOf(o.label)).toHaveLength(1);
    // The call is over: the settle window counts from its end (a moment during the call, by the
    // database's clock, which is this machine's), not from the token's deadline.
    const intent = await begin(o);
    expect(intent).toMatchObject({ state: 'create_sent', createsSent: 1 });
    const inFlightUntil = Date.parse(intent.inFlightUntil!);
    expect(inFlightUntil).toBeLessThan(Date.parse(deadline));
    expect(inFlightUntil).toBeGreaterThanOrEqual(started);
    expect(inFlightUntil).toBeLessThanOrEqual(ended);
    expect(await activities.findDocumentByLabel({ storeCode: store, label: o.label, page: 1 })).toMatchObject({ matches: [{ typeDocument: 39 }], nextPage: null });
  });

  it('unknown: the connection closed while relBase held the create (late commit)', async () => {
    const o = nextOrder();
    await begin(o);
    rb.simulator.setFaults({ lateCommit: { holdMs: 200, firstPerLabel: true, remaining: null } });
    const { token } = (await activities.prepareCreate({ storeCode: store, label: o.label, expectedCreatesSent: 0 }))!;
    expect(await activities.sendCreate({ ...toIssue(o), token })).toMatchObject({ outcome: 'unknown' });
    expect(documentsOf(o.label)).toHaveLength(1);
    expect(await begin(o)).toMatchObject({ state: 'create_sent' });
  });
});
