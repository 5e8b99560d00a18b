/**
 * The order workflow's waits, with time skipped: the 90-day payment wait and its expiry, the
 * paid-hint rechecks, the settle window after a create whose outcome is unknown, a pending order
 * woken by product sync, and the operator's retry and resolve updates with their validators.
 * Activities are fakes (support/order-fakes.ts); the assertions are on which ones ran, how often,
 * in what order, the timers the run started and the state it ended in.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_UPDATE_REFUSED,
  orderEventSignal,
  orderStatusQuery,
  orderWorkflowId,
  productsSyncedSignal,
  resolveUpdate,
  retrySignal,
  retryUpdate,
  type OrderStatus,
} from '../../src/workflows/order/contracts.js';
import type { orderWorkflow } from '../../src/workflows/order/workflow.js';
import { ORDER_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { answerWithin, newStore, openEnv, runIdsOf, skipTime, timersOf, waitIdle, withWorkers, type TestStore, type WorkflowTestEnv } from './support/harness.js';
import { ISSUED, ORDER_ID, orderFakes, readyPlan, type OrderFakes } from './support/order-fakes.js';

const DAY_S = 86_400;
/** How long an issued run listens for a cancellation before it ends (credit notes). */
const LISTEN_S = DAY_S;
/** The first look at the document's SII status after issuing (store default). */
const FIRST_SII_LOOK_S = 300;

/**
 * The timers of a run that issued: `before` the issue, then the first SII status look (answered
 * accepted by the fakes) and the rest of the day it listens for a cancellation.
 */
function expectIssuedTimers(timers: number[], before: number[]) {
  expect(timers.slice(0, -2)).toEqual(before);
  const [look, rest] = timers.slice(-2) as [number, number];
  expect(look).toBe(FIRST_SII_LOOK_S);
  expect(look + rest).toBeCloseTo(LISTEN_S, -1);
}
let env: WorkflowTestEnv;

beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

function start(store: TestStore, extra: { continueAsNewAfterEvents?: number } = {}) {
  return env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
    workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
    taskQueue: store.taskQueue,
    args: [{ storeCode: store.storeCode, orderId: ORDER_ID, ...extra }],
  });
}

/** Started by a paid webhook, as the dispatcher does: the run sees the hint before its first read. */
function startWithPaidHint(store: TestStore) {
  return env.client.workflow.signalWithStart<typeof orderWorkflow, [{ event: string; statusEnum: string | null; deliveryId: string }]>(ORDER_WORKFLOW_TYPE, {
    workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
    taskQueue: store.taskQueue,
    args: [{ storeCode: store.storeCode, orderId: ORDER_ID }],
    signal: orderEventSignal,
    signalArgs: [{ event: 'order_paid', statusEnum: 'paid', deliveryId: 'd-1' }],
  });
}

function states(f: OrderFakes): string[] {
  return f.calls.inputs<{ state: string }>('recordOrderState').map((r) => r.state);
}

function stateAt(status: OrderStatus, state: string): number {
  const entry = status.history.find((h) => h.state === state);
  if (!entry) throw new Error(`the order never was ${state}: ${JSON.stringify(status.history)}`);
  return Date.parse(entry.at);
}

describe('payment', () => {
  it('an order never paid waits 90 days on the workflow clock, then closes expired without reading it again', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['pending'], plans: [readyPlan()] });
    const result = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await skipTime(env.client, handle.workflowId);
      return { status: await handle.result(), timers: await timersOf(handle) };
    });
    expect(result.status.state).toBe('expired');
    expect(result.status.reason).toContain('no payment after 90 days');
    expect(states(f)).toEqual(['checking', 'awaiting_payment', 'expired']);
    expect(f.calls.count('fetchOrder')).toBe(1);
    expect(f.calls.count('planOrderDocument')).toBe(0);
    expect(result.timers).toEqual([90 * DAY_S]);
    // The run's own clock went 90 days forward: the wait really ran out, it was not cut short.
    expect(stateAt(result.status, 'expired') - stateAt(result.status, 'awaiting_payment')).toBeGreaterThanOrEqual(90 * DAY_S * 1000);
  });

  it('a paid webhook during the wait wakes the order: it reads Jumpseller again and issues', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['pending'], plans: [readyPlan()] });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'awaiting_payment');
      f.setStatuses(['paid']);
      await handle.signal(orderEventSignal, { event: 'order_paid', statusEnum: 'paid', deliveryId: 'd-2' });
      // Skipped from here only: the issued run's day of listening for a cancellation, not the payment wait.
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    expect(status.state).toBe('issued');
    expect(status.folio).toBe(ISSUED.folio);
    expect(f.calls.count('fetchOrder')).toBe(2);
    expect(f.calls.names(['fetchOrder', 'planOrderDocument', 'beginIssue', 'prepareCreate', 'sendCreate', 'recordIssued'])).toEqual([
      'fetchOrder',
      'fetchOrder',
      'planOrderDocument',
      'beginIssue',
      'prepareCreate',
      'sendCreate',
      'recordIssued',
    ]);
    expect(states(f)).toEqual(['checking', 'awaiting_payment', 'issuing', 'issued']);
  });

  it('a paid hint the API does not confirm is re-read three times, 20 s apart, then the order waits for payment and expires', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['pending'], plans: [readyPlan()] });
    const result = await withWorkers(env, store, f.activities, async () => {
      const handle = await startWithPaidHint(store);
      await skipTime(env.client, handle.workflowId);
      return { status: await handle.result(), timers: await timersOf(handle) };
    });
    expect(result.status.state).toBe('expired');
    expect(f.calls.count('fetchOrder')).toBe(4);
    expect(result.timers).toEqual([20, 20, 20, 90 * DAY_S]);
    expect(f.calls.count('sendCreate')).toBe(0);
  });

  it('a paid hint the API confirms at the third read goes on to issue, with no payment wait', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['pending', 'pending', 'paid'], plans: [readyPlan()] });
    const result = await withWorkers(env, store, f.activities, async () => {
      const handle = await startWithPaidHint(store);
      await skipTime(env.client, handle.workflowId);
      return { status: await handle.result(), timers: await timersOf(handle) };
    });
    expect(result.status.state).toBe('issued');
    expect(f.calls.count('fetchOrder')).toBe(3);
    // Issued, the run listens a day for a cancellation (credit note) before it ends.
    expectIssuedTimers(result.timers, [20, 20]);
    expect(f.calls.count('sendCreate')).toBe(1);
  });
});

describe('the settle window after a create whose outcome is unknown', () => {
  // settleLookDelays(300 s): 10, 20, 40, then every 60, the last one shortened to end on the window.
  const SETTLE_TIMERS = [10, 20, 40, 60, 60, 60, 50];

  it.each([
    ['answered unknown', 'unknown' as const],
    ['failed as an activity', 'throw' as const],
  ])('create %s: looks until the window has passed, and only then creates a second time', async (_what, firstCreate) => {
    const store = newStore();
    const f = orderFakes({ statuses: ['paid'], plans: [readyPlan({ settleSeconds: 300, alwaysLookFirst: false })], creates: [firstCreate, 'created'] });
    const result = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await skipTime(env.client, handle.workflowId);
      return { status: await handle.result(), timers: await timersOf(handle) };
    });
    expect(result.status.state).toBe('issued');
    // Intent → create (unknown) → intent again, now create_sent → a look, then one look after each timer → a second create.
    expect(f.calls.names(['beginIssue', 'findDocumentByLabel', 'prepareCreate', 'sendCreate', 'recordIssued'])).toEqual([
      'beginIssue',
      'prepareCreate',
      'sendCreate',
      'beginIssue',
      ...Array<string>(1 + SETTLE_TIMERS.length).fill('findDocumentByLabel'),
      'prepareCreate',
      'sendCreate',
      'recordIssued',
    ]);
    expectIssuedTimers(result.timers, SETTLE_TIMERS);
    expect(SETTLE_TIMERS.reduce((a, b) => a + b, 0)).toBe(300);
    expect(f.calls.inputs<{ expectedCreatesSent: number }>('prepareCreate').map((p) => p.expectedCreatesSent)).toEqual([0, 1]);
    expect(f.row()).toEqual({ state: 'issued', createsSent: 2 });
  });

  it('a document that shows up during the window is recorded and never created again', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['paid'], plans: [readyPlan()], creates: ['unknown'], foundFromLook: 3 });
    const result = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await skipTime(env.client, handle.workflowId);
      return { status: await handle.result(), timers: await timersOf(handle) };
    });
    expect(result.status.state).toBe('issued');
    expect(result.status.reason).toBe('the document already existed in relBase and was linked');
    expect(f.calls.count('sendCreate')).toBe(1);
    expect(f.calls.count('findDocumentByLabel')).toBe(3);
    expectIssuedTimers(result.timers, [10, 20]);
    expect(f.calls.inputs<{ document: unknown }>('recordIssued')).toEqual([expect.objectContaining({ document: ISSUED })]);
  });
});

describe('waiting for products', () => {
  it('a pending order asks product sync for its products and is woken by productsSynced', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['paid'], plans: [{ kind: 'missing_products', skus: ['SKU-1'] }, readyPlan()] });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await skipTime(env.client, handle.workflowId);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'pending_products');
      await f.calls.waitFor('requestProductSync');
      expect(f.calls.count('sendCreate')).toBe(0);
      await handle.signal(productsSyncedSignal, { skus: ['SKU-1'] });
      return handle.result();
    });
    expect(status.state).toBe('issued');
    expect(f.calls.inputs('requestProductSync')).toEqual([{ storeCode: store.storeCode, jsProductIds: ['77'], reason: 'order_pending' }]);
    expect(states(f)).toEqual(['checking', 'pending_products', 'issuing', 'issued']);
    // The order is read again after the wait: it may have been canceled meanwhile.
    expect(f.calls.names(['fetchOrder', 'planOrderDocument', 'sendCreate'])).toEqual(['fetchOrder', 'planOrderDocument', 'fetchOrder', 'planOrderDocument', 'sendCreate']);
  });

  it('a waiting run continues as new past its event limit, carrying the payment, and the next run issues', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['paid', 'pending'], plans: [{ kind: 'missing_products', skus: ['SKU-1'] }, readyPlan()] });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store, { continueAsNewAfterEvents: 10 });
      await f.calls.waitFor('requestProductSync');
      // The next run starts by reading the order; Jumpseller says "pending" now, but the run was paid.
      await f.calls.waitFor('fetchOrder', () => f.calls.count('fetchOrder') >= 2);
      await handle.signal(productsSyncedSignal, { skus: ['SKU-1'] });
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    expect(status.state).toBe('issued');
    const runs = await runIdsOf(env.client, orderWorkflowId(store.storeCode, ORDER_ID));
    // At least one hand-over while waiting; the issued run's day of listening hands over again at this
    // tiny event limit (it carries its deadline, so it still ends).
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The runs went through the waiting and the issue once; the listening runs after it only say issued.
    expect(states(f).slice(0, 5)).toEqual(['checking', 'pending_products', 'checking', 'issuing', 'issued']);
    expect(new Set(states(f).slice(5))).toEqual(new Set(states(f).length > 5 ? ['issued'] : []));
    expect(status.state).toBe('issued');
    expect(f.calls.count('sendCreate')).toBe(1);
  });
});

describe('a cancellation that comes while the order is read', () => {
  it('a cancellation webhook during the read that finds the order paid: the document is issued, then the order is read again for the cancellation', async () => {
    const store = newStore();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The first read answers "paid" (the order as it was when the read began); the next ones "canceled".
    const f = orderFakes({ statuses: ['paid', 'canceled'], plans: [readyPlan()], creditNoteOnCancel: false, beforeRead: (n) => (n === 1 ? held : undefined) });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor('fetchOrder');
      // The signal is in the history before the read answers.
      await handle.signal(orderEventSignal, { event: 'order_canceled', statusEnum: 'canceled', deliveryId: 'd-cancel' });
      release();
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    expect(f.calls.names(['fetchOrder', 'sendCreate', 'planCancellationCredit'])).toEqual(['fetchOrder', 'sendCreate', 'fetchOrder', 'planCancellationCredit']);
    expect(status.reason).toContain('creditNoteOnCancel is off');
  });
});

describe('a read Jumpseller refused, then an operator retry', () => {
  it('the retry the read waited for is not taken for a new webhook: the order is read once more, issued, and not read again', async () => {
    const store = newStore();
    const f = orderFakes({
      statuses: ['paid'],
      plans: [readyPlan()],
      beforeRead: (n) => {
        if (n === 1) throw ApplicationFailure.nonRetryable('order 1001 not found', 'JumpsellerNotFound');
      },
    });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'needs_attention');
      await handle.signal(retrySignal);
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    expect(states(f)).toEqual(['checking', 'needs_attention', 'issuing', 'issued']);
    // The refused read, the read the retry caused; none after issuing (nothing came since that read).
    expect(f.calls.count('fetchOrder')).toBe(2);
    expect(status.state).toBe('issued');
  });

  // Reads refused from the one given on: the retry update is answered once Jumpseller gives the order again.
  it.each([
    { when: 'while the order waits for payment', statuses: ['pending'], refusedFrom: 1, before: 'checking', answered: 'awaiting_payment' },
    { when: 'while the run listens after issuing', statuses: ['paid'], refusedFrom: 2, before: 'issued', answered: 'issued' },
  ])('$when: the retry update is answered with $answered', async ({ statuses, refusedFrom, before, answered }) => {
    const store = newStore();
    let refusing = true;
    const f = orderFakes({
      statuses,
      plans: [readyPlan()],
      beforeRead: (n) => {
        if (refusing && n >= refusedFrom) throw ApplicationFailure.nonRetryable('Jumpseller answered 401: the token was revoked', 'JumpsellerUnauthorized');
      },
    });
    const outcome = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === before);
      await waitIdle(handle);
      // A webhook makes the listening run read; the first read of a new order needs none.
      if (refusedFrom > 1) await handle.signal(orderEventSignal, { event: 'order_updated', statusEnum: 'paid', deliveryId: 'd-updated' });
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'needs_attention');
      await waitIdle(handle);
      refusing = false;
      const retry = handle.executeUpdate(retryUpdate);
      const answer = await answerWithin(retry, 15_000);
      await handle.terminate('test over');
      retry.catch(() => undefined);
      return { answer };
    });
    expect(outcome.answer).not.toBe('unanswered');
    expect(outcome.answer).toMatchObject({ state: answered });
    // The refused reads and the one the retry caused; the wait after it may count the retry's wake-up
    // once more and read again (a harmless extra read, as before this answer existed).
    expect(f.calls.count('fetchOrder')).toBeGreaterThanOrEqual(refusedFrom + 1);
  });
});

describe('a run continued as new after issuing', () => {
  /** The input of a run that continued as new while listening: the document issued, a day's window still open. */
  function carriedInput(store: TestStore) {
    const carried = { paid: true as const, override: null, eventsReceived: 3, history: [], watchUntil: new Date(Date.now() + DAY_S * 1000).toISOString() };
    return { storeCode: store.storeCode, orderId: ORDER_ID, carried };
  }

  /** Starts such a run with a cancellation webhook in its first task. */
  function startCarriedWithWebhook(store: TestStore) {
    return env.client.workflow.signalWithStart<typeof orderWorkflow, [{ event: string; statusEnum: string | null; deliveryId: string }]>(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
      taskQueue: store.taskQueue,
      args: [carriedInput(store)],
      signal: orderEventSignal,
      signalArgs: [{ event: 'order_canceled', statusEnum: 'canceled', deliveryId: 'd-cancel' }],
    });
  }

  it('a cancellation that reaches it before it listens is read, not lost until the window ends', async () => {
    const store = newStore();
    // creditNoteOnCancel off: the run ends at once on reading the cancellation, saying so; no 61 activities to fake.
    const f = orderFakes({ statuses: ['canceled'], plans: [readyPlan()], alreadyIssued: true, creditNoteOnCancel: false });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await startCarriedWithWebhook(store);
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    expect(f.calls.names(['findIssuedDocument', 'fetchOrder', 'planCancellationCredit'])).toEqual(['findIssuedDocument', 'fetchOrder', 'planCancellationCredit']);
    expect(status.state).toBe('issued');
    expect(status.reason).toContain('creditNoteOnCancel is off');
    expect(status.eventsReceived).toBe(4);
  });

  it('with no webhook it only listens: no read of the order until one comes or the window ends', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['paid'], plans: [readyPlan()], alreadyIssued: true });
    const status = await withWorkers(env, store, f.activities, async () => {
      const handle = await env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
        taskQueue: store.taskQueue,
        args: [carriedInput(store)],
      });
      await skipTime(env.client, handle.workflowId);
      return handle.result();
    });
    // Nothing came in the window: the run ends issued without reading the order.
    expect(f.calls.names(['findIssuedDocument', 'fetchOrder', 'planCancellationCredit'])).toEqual(['findIssuedDocument']);
    expect(status.state).toBe('issued');
    expect(status.reason).toBe('the document was issued by an earlier run of this order');
  });
});

describe('operator updates', () => {
  it('retry and resolve are refused while the order waits for payment, and change nothing', async () => {
    const store = newStore();
    const f = orderFakes({ statuses: ['pending'], plans: [readyPlan()] });
    await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'awaiting_payment');
      for (const attempt of [() => handle.executeUpdate(retryUpdate), () => handle.executeUpdate(resolveUpdate, { args: [{ documentType: 33 }] })]) {
        const err: unknown = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect((cause as ApplicationFailure).type).toBe(ORDER_UPDATE_REFUSED);
        expect((cause as ApplicationFailure).message).toContain('is awaiting_payment');
      }
      expect((await handle.query(orderStatusQuery)).state).toBe('awaiting_payment');
      await handle.terminate('test over');
    });
    expect(f.calls.count('fetchOrder')).toBe(1);
    expect(f.calls.count('planOrderDocument')).toBe(0);
  });

  it("retry plans again and answers with the new state; resolve hands the operator's data to the plan and the order issues", async () => {
    const store = newStore();
    const hold = { kind: 'hold' as const, reason: 'the RUT in the checkout is not valid' };
    const f = orderFakes({ statuses: ['paid'], plans: [hold, hold, readyPlan()] });
    const { afterRetry, afterResolve, status } = await withWorkers(env, store, f.activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'needs_attention');
      // Each update is sent to an order at rest: one sent while a plan is in flight is answered with that plan.
      await waitIdle(handle);
      const afterRetry = await handle.executeUpdate(retryUpdate);
      expect(f.calls.count('planOrderDocument')).toBe(2);
      await waitIdle(handle);
      const afterResolve = await handle.executeUpdate(resolveUpdate, { args: [{ documentType: 39, note: 'boleta, customer agreed' }] });
      await skipTime(env.client, handle.workflowId);
      return { afterRetry, afterResolve, status: await handle.result() };
    });
    expect(afterRetry.state).toBe('needs_attention');
    expect(afterRetry.reason).toBe(hold.reason);
    expect(['issuing', 'issued']).toContain(afterResolve.state);
    expect(status.state).toBe('issued');
    const overrides = f.calls.inputs<{ override: unknown }>('planOrderDocument').map((p) => p.override);
    expect(overrides).toEqual([null, null, { documentType: 39, note: 'boleta, customer agreed' }]);
    expect(f.calls.count('sendCreate')).toBe(1);
  });
});
