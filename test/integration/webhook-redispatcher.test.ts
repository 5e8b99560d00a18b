/**
 * The redispatcher on the real PostgreSQL: one poisoned row never holds up the others, a row that
 * keeps failing ends dead-lettered, an unreachable Temporal is nobody's fault, every dispatch has a
 * deadline, and two redispatchers on one database never dispatch one row twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRedispatcher, type RedispatcherOptions } from '../../src/api/webhooks/redispatcher.js';
import type { Dispatcher, DispatchInput } from '../../src/dispatch/dispatcher.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { deliveryBacklog, recordDelivery, requeueDeadLetters } from '../../src/db/webhook-deliveries-repository.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';

let db: Db;
const stores: string[] = [];

beforeAll(() => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: 4 });
});
afterAll(async () => {
  if (stores.length) await db?.deleteFrom('webhook_deliveries').where('store_code', 'in', stores).execute();
  await db?.destroy();
});

/** A store of its own per test, with `n` deliveries waiting and due now. */
async function waitingDeliveries(n: number): Promise<{ store: string; ids: string[] }> {
  const store = `redispatch-${randomBytes(4).toString('hex')}`;
  stores.push(store);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ order: { id: 900_000 + i, status_enum: 'paid' } });
    const { delivery } = await recordDelivery(
      db,
      {
        storeCode: store,
        event: 'order_paid',
        resourceId: String(900_000 + i),
        bodySha256: createHash('sha256').update(body).digest('hex'),
        body,
        headers: {},
        status: 'received',
        note: null,
      },
      // Stored by a request that died before dispatching: its claim has already run out.
      { owner: 'a-dead-request', leaseMs: 0 },
    );
    ids.push(String(delivery.id));
  }
  return { store, ids };
}

async function rowsOf(store: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', store).orderBy('id').execute();
}

/** Records dispatches; `fail(input)` returns an error to throw for that delivery. */
function dispatcherThat(fail: (d: DispatchInput) => Error | null = () => null, delayMs = 0) {
  const calls: DispatchInput[] = [];
  const dispatcher: Dispatcher = {
    async dispatch(input) {
      calls.push(input);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const err = fail(input);
      if (err) throw err;
      return 'dispatched';
    },
  };
  return { calls, dispatcher };
}

/**
 * A redispatcher of the test's store only: the files running beside this one share the database, and
 * their waiting deliveries are theirs (the last test here checks that a scoped one leaves them alone).
 */
function redispatcher(store: string, dispatcher: Dispatcher, options: RedispatcherOptions = {}) {
  return startRedispatcher({ db, dispatcher, logger: createLogger('silent') }, { intervalMs: 3_600_000, storeCodes: [store], ...options });
}

const mine = (store: string) => (d: DispatchInput) => d.storeCode === store;

describe('the redispatcher', () => {
  it('dispatches the other rows when one is poisoned, and gives the poisoned one its own backoff', async () => {
    const { store, ids } = await waitingDeliveries(5);
    const poisoned = '900002';
    const { calls, dispatcher } = dispatcherThat((d) => (d.resourceId === poisoned ? new Error('3 INVALID_ARGUMENT: workflow id is not valid') : null));
    const r = redispatcher(store, dispatcher, { baseBackoffMs: 60_000 });
    const before = Date.now();
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    expect(calls.filter(mine(store)).map((c) => c.resourceId)).toEqual(['900000', '900001', '900002', '900003', '900004']);
    const rows = await rowsOf(store);
    expect(rows.map((row) => row.status)).toEqual(['dispatched', 'dispatched', 'received', 'dispatched', 'dispatched']);
    const bad = rows.find((row) => row.resource_id === poisoned)!;
    expect(bad).toMatchObject({ attempts: 1, claimed_by: null });
    expect(bad.last_error).toMatch(/INVALID_ARGUMENT/);
    // Its own backoff, counted from its failure (which came after `before`), however long the pass took.
    expect(bad.next_attempt_at!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(ids).toHaveLength(5);
  });

  it('dead-letters a row that keeps failing, after the configured number of attempts, and an operator can requeue it', async () => {
    const { store } = await waitingDeliveries(2);
    const { calls, dispatcher } = dispatcherThat((d) => (d.resourceId === '900000' ? new Error('the order workflow refused it') : null));
    const r = redispatcher(store, dispatcher, { baseBackoffMs: 1, maxBackoffMs: 1, maxAttempts: 3 });
    try {
      for (let pass = 0; pass < 6; pass++) {
        await r.runOnce();
        await new Promise((res) => setTimeout(res, 20));
      }
    } finally {
      r.stop();
    }
    expect(calls.filter(mine(store)).filter((c) => c.resourceId === '900000')).toHaveLength(3);
    const rows = await rowsOf(store);
    expect(rows.map((row) => [row.resource_id, row.status, row.attempts])).toEqual([
      ['900000', 'dead_letter', 3],
      ['900001', 'dispatched', 1],
    ]);
    expect(rows[0]!.next_attempt_at).toBeNull();
    expect((await deliveryBacklog(db)).deadLettered).toBeGreaterThanOrEqual(1);

    expect(await requeueDeadLetters(db, store, 'all')).toEqual([String(rows[0]!.id)]);
    expect((await rowsOf(store))[0]).toMatchObject({ status: 'received', attempts: 0 });
  });

  it('does not count an unreachable Temporal against the rows, and ends the pass instead of trying every row', async () => {
    const { store } = await waitingDeliveries(6);
    const { calls, dispatcher } = dispatcherThat((d) => (d.storeCode === store ? new Error('14 UNAVAILABLE: No connection established') : null));
    const r = redispatcher(store, dispatcher, { maxAttempts: 1, unreachableStreak: 3 });
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    expect(calls.filter(mine(store))).toHaveLength(3);
    const rows = await rowsOf(store);
    expect(rows.every((row) => row.status === 'received' && row.attempts === 0 && row.claimed_by === null)).toBe(true);
  });

  it('puts a deadline on every dispatch: a call that never answers does not stall the pass', async () => {
    const { store } = await waitingDeliveries(2);
    const hangs: Dispatcher = { dispatch: (d) => (d.storeCode === store && d.resourceId === '900000' ? new Promise<never>(() => undefined) : Promise.resolve('dispatched')) };
    const r = redispatcher(store, hangs, { deadlineMs: 200 });
    // The first dispatch never answers: the pass ending at all, with the second row dispatched, is the
    // deadline's doing, and the stored error says which deadline (no wall-clock bound to break under load).
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    const rows = await rowsOf(store);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['received', 0],
      ['dispatched', 1],
    ]);
    expect(rows[0]!.last_error).toMatch(/did not answer within 200 ms/);
  });

  it('leaves a row alone while another process holds its claim', async () => {
    const store = `redispatch-${randomBytes(4).toString('hex')}`;
    stores.push(store);
    const body = '{"order":{"id":1}}';
    await recordDelivery(
      db,
      { storeCode: store, event: 'order_paid', resourceId: '1', bodySha256: 'held', body, headers: {}, status: 'received', note: null },
      { owner: 'another-api', leaseMs: 60_000 },
    );
    const { calls, dispatcher } = dispatcherThat();
    const r = redispatcher(store, dispatcher);
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    expect(calls.filter(mine(store))).toEqual([]);
    expect((await rowsOf(store))[0]).toMatchObject({ status: 'received', claimed_by: 'another-api' });
  });

  it('shares the work between two redispatchers on one database without ever dispatching a row twice', async () => {
    const { store, ids } = await waitingDeliveries(80);
    const a = dispatcherThat(() => null, 5);
    const b = dispatcherThat(() => null, 5);
    const ra = redispatcher(store, a.dispatcher, { batchSize: 7, owner: 'api-a' });
    const rb = redispatcher(store, b.dispatcher, { batchSize: 7, owner: 'api-b' });
    const drain = async (r: typeof ra) => {
      while ((await r.runOnce()).claimed > 0);
    };
    try {
      await Promise.all([drain(ra), drain(rb), drain(ra), drain(rb)]);
    } finally {
      ra.stop();
      rb.stop();
    }
    const byA = a.calls.filter(mine(store)).map((c) => String(c.deliveryId));
    const byB = b.calls.filter(mine(store)).map((c) => String(c.deliveryId));
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    expect(new Set([...byA, ...byB]).size).toBe(80);
    expect((await rowsOf(store)).every((row) => row.status === 'dispatched' && row.attempts === 1)).toBe(true);
  });
});

describe('a redispatcher given some stores', () => {
  it('claims only those stores’ deliveries and leaves the others’ as they were', async () => {
    const ours = await waitingDeliveries(2);
    const theirs = await waitingDeliveries(2);
    const { calls, dispatcher } = dispatcherThat();
    const r = redispatcher(ours.store, dispatcher);
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    expect(calls.map((c) => [c.storeCode, String(c.deliveryId)])).toEqual(ours.ids.map((id) => [ours.store, id]));
    expect((await rowsOf(ours.store)).map((row) => row.status)).toEqual(['dispatched', 'dispatched']);
    expect((await rowsOf(theirs.store)).map((row) => [row.status, row.attempts, row.claimed_by])).toEqual([
      ['received', 0, 'a-dead-request'],
      ['received', 0, 'a-dead-request'],
    ]);
    const backlog = await deliveryBacklog(db, [ours.store, theirs.store]);
    expect(backlog.waiting).toBe(2);
  });
});

describe('backlog metrics', () => {
  it('show the rows waiting, the age of the oldest, and the dead letters', async () => {
    const { store } = await waitingDeliveries(3);
    await db
      .updateTable('webhook_deliveries')
      .set({ received_at: new Date(Date.now() - 3_600_000) })
      .where('store_code', '=', store)
      .execute();
    // Every store's backlog (what the API's gauges read) holds them...
    const all = await deliveryBacklog(db);
    expect(all.waiting).toBeGreaterThanOrEqual(3);
    expect(all.oldestWaitingSeconds).toBeGreaterThanOrEqual(3600);
    // ...and the gauges here read this store's alone, exactly: the files running beside this one
    // receive and dispatch deliveries of their own meanwhile.
    const metrics = createMetrics({
      deliveryBacklog: () => deliveryBacklog(db, [store]),
      orderReconcile: () => Promise.resolve([]),
      onError: (what, err) => {
        throw new Error(`${what}: ${String(err)}`);
      },
    });
    const text = await metrics.registry.metrics();
    const waiting = Number(/^webhook_deliveries\{status="waiting"\} (\d+)/m.exec(text)?.[1]);
    const oldest = Number(/^webhook_deliveries_oldest_waiting_seconds (\S+)/m.exec(text)?.[1]);
    expect(waiting).toBe(3);
    expect(oldest).toBeGreaterThanOrEqual(3600);
    expect(text).toMatch(/^webhook_deliveries\{status="dead_letter"\} \d+/m);

    // Once they are dispatched the backlog shrinks by them.
    const r = redispatcher(store, dispatcherThat().dispatcher);
    try {
      await r.runOnce();
    } finally {
      r.stop();
    }
    const after = await metrics.registry.metrics();
    expect(Number(/^webhook_deliveries\{status="waiting"\} (\d+)/m.exec(after)?.[1])).toBe(waiting - 3);
    expect(Number(/^webhook_deliveries_oldest_waiting_seconds (\S+)/m.exec(after)?.[1])).toBe(0);
  });
});
