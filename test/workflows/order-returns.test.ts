/**
 * An operator's return (the order workflow's `return` update) and boleta → factura (`invoice`), with time skipped: served by the run
 * that listens after issuing and by a run update-with-start starts for an order whose run closed;
 * planned by one activity, the document read from relBase only when the return is new, issued under
 * its own label; refusals fail the update and leave the run as it was. Activities are fakes.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateOutcome, InvoicePlan, IssuedRecord, IssueIntent, OrderDocumentPlan, ReturnPlan, SiiStatusRead } from '../../src/activities/order-activities.js';
import {
  invoiceUpdate,
  ORDER_RETURN_REFUSED,
  orderEventSignal,
  orderStatusQuery,
  orderWorkflowId,
  retryUpdate,
  returnUpdate,
  type OrderStatus,
  type ReturnAnswer,
} from '../../src/workflows/order/contracts.js';
import type { orderWorkflow } from '../../src/workflows/order/workflow.js';
import { ORDER_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { answerWithin, Calls, newStore, openEnv, runIdsOf, skipTime, waitIdle, withWorkers, type TestStore, type WorkflowTestEnv } from './support/harness.js';
import { ISSUED, ORDER_ID, orderFakes, readyPlan, type OrderScript } from './support/order-fakes.js';

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

const CREDIT: IssuedRecord = { relbaseId: '6001', folio: '77', total: 9490, pdfUrl: 'https://relbase.example/6001.pdf', typeDocument: 61 };
const LABEL = `JS-${ORDER_ID}-NC2`;
const FACTURA: IssuedRecord = { relbaseId: '7001', folio: '88', total: 11900, pdfUrl: 'https://relbase.example/7001.pdf', typeDocument: 33 };
const invoicePlan = (existed: boolean): InvoicePlan => {
  const lines = [{ product_id: 5, quantity: 1, price: 11900 }];
  return {
    kind: 'planned',
    boletaLabel: `JS-${ORDER_ID}`,
    existed,
    issuing: { settleSeconds: 300, alwaysLookFirst: false },
    annul: {
      label: `JS-${ORDER_ID}-NC1`,
      plan: {
        lines,
        total: 11900,
        mntBruto: true,
        reference: { tpo_doc_ref_id: 39, code_ref: 1, folio_ref: 321, date_ref: '2026-12-07', razon_ref: 'Anula boleta' },
        warehouseId: 1,
        customerId: null,
      },
    },
    factura: { label: `JS-${ORDER_ID}-FA1`, plan: { lines, total: 11900, mntBruto: true, reference: null, warehouseId: null, customerId: null } },
  };
};
const PLANNED: ReturnPlan = {
  kind: 'planned',
  label: LABEL,
  existed: false,
  issuing: { settleSeconds: 300, alwaysLookFirst: false },
  creditNotes: [],
  plan: {
    referenceLabel: `JS-${ORDER_ID}`,
    reference: { tpo_doc_ref_id: 39, code_ref: 3, folio_ref: 321, date_ref: '2026-12-07', razon_ref: 'Devolución parcial' },
    customerId: null,
    warehouseId: 1,
    mntBruto: true,
    lines: [{ product_id: 5, quantity: 1, price: 9990, discount: 5.01 }],
    total: 9490,
    asked: [{ sku: 'SKU-1', quantity: 1 }],
  },
};

/** The order fakes, with a row per credit note or factura label beside the document's, and scripted return and boleta → factura plans. */
function fakes(plans: ReturnPlan[], invoicePlans: InvoicePlan[] = [], store: Pick<OrderScript, 'creditNoteOnCancel' | 'siiStatuses' | 'alreadyIssued'> = {}) {
  const f = orderFakes({ statuses: ['paid'], plans: [readyPlan()], ...store });
  const calls = new Calls();
  const rows = new Map<string, { state: IssueIntent['state']; issued: IssuedRecord | null }>();
  const rowOf = (label: string) => rows.get(label) ?? (rows.set(label, { state: 'intent', issued: null }), rows.get(label)!);
  let planned = 0;
  let invoicePlanned = 0;
  const own = (label: string) => label.includes('-NC') || label.includes('-FA');
  const document = f.activities as Record<string, (input?: unknown) => Promise<unknown>>;
  const activities = {
    ...document,
    ...calls.record({
      planReturn(input: { document: unknown }): ReturnPlan {
        if (input.document === null && plans[planned]?.kind === 'planned' && !(plans[planned] as { existed: boolean }).existed)
          return { kind: 'needs_document', relbaseId: '5001' };
        return plans[Math.min(planned++, plans.length - 1)]!;
      },
      planInvoice(input: { document: unknown }): InvoicePlan {
        const next = invoicePlans[Math.min(invoicePlanned, invoicePlans.length - 1)]!;
        if (input.document === null && next.kind === 'planned' && !next.existed) return { kind: 'needs_document', relbaseId: '5001' };
        invoicePlanned++;
        return next;
      },
      findCustomerPage(): { customerIds: number[]; nextPage: number | null } {
        return { customerIds: [42], nextPage: null };
      },
      readDocumentToCredit(): unknown {
        return { typeDocument: 39, folio: 321, date: '2026-12-07', customerId: null, warehouseId: 1, mntBruto: true, total: 11900, lines: [], children: [] };
      },
    }),
    ...calls.record({
      beginIssue: (input: { label: string }): IssueIntent | Promise<IssueIntent> =>
        own(input.label)
          ? { label: input.label, state: rowOf(input.label).state, createsSent: 0, inFlightUntil: null, issued: rowOf(input.label).issued }
          : (document['beginIssue']!(input) as Promise<IssueIntent>),
      prepareCreate: (input: { label: string; expectedCreatesSent: number }) =>
        own(input.label) ? { token: 'credit-token', deadline: new Date(Date.now() + 90_000).toISOString() } : document['prepareCreate']!(input),
      sendCreate: (input: { label: string }): CreateOutcome | Promise<CreateOutcome> =>
        own(input.label) ? { outcome: 'created', document: input.label.includes('-FA') ? FACTURA : CREDIT } : (document['sendCreate']!(input) as Promise<CreateOutcome>),
    }),
    recordIssued: (input: { label: string; document: IssuedRecord }) => {
      if (!own(input.label)) return document['recordIssued']!(input);
      rowOf(input.label).state = 'issued';
      rowOf(input.label).issued = input.document;
      return Promise.resolve();
    },
  };
  /** The return's calls in order: plans, document reads and the credit note's issuing steps (not the document's). */
  const returnCalls = () => calls.log.filter((c) => !(c.input as { label?: string }).label || own((c.input as { label: string }).label)).map((c) => c.name);
  return { f, calls, activities, returnCalls };
}

function start(store: TestStore) {
  return env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
    workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
    taskQueue: store.taskQueue,
    args: [{ storeCode: store.storeCode, orderId: ORDER_ID }],
  });
}

const request = { returnId: 'R-1', lines: [{ sku: 'SKU-1', quantity: 1 }] };

describe('returns', () => {
  it('the run listening after issuing serves a return: one credit note, shown in the state; a refusal fails the update; the run still ends issued', async () => {
    const store = newStore();
    const { f, returnCalls, activities } = fakes([PLANNED, { kind: 'refused', reason: 'returning 1 of SKU-1 would credit more than was sold' }]);
    const { answer, refusal, listening, status } = await withWorkers(env, store, activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'issued');
      await waitIdle(handle);
      const answer = await handle.executeUpdate(returnUpdate, { args: [request] });
      const refusal: unknown = await handle.executeUpdate(returnUpdate, { args: [{ ...request, returnId: 'R-2' }] }).then(
        () => null,
        (e: unknown) => e,
      );
      const listening = await handle.query(orderStatusQuery);
      await skipTime(env.client, handle.workflowId);
      return { answer, refusal, listening, status: await handle.result() };
    });
    expect(answer).toEqual({
      returnId: 'R-1',
      alreadyExisted: false,
      creditNote: { label: LABEL, folio: '77', total: 9490, relbaseDocumentId: '6001', pdfUrl: CREDIT.pdfUrl },
    });
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refusal as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(ORDER_RETURN_REFUSED);
    expect(cause.message).toMatch(/would credit more than was sold/);
    expect(listening.state).toBe('issued');
    expect(listening.creditNotes.map((c) => c.label)).toEqual([LABEL]);
    expect(status.state).toBe('issued');
    expect(status.creditNotes.map((c) => c.folio)).toEqual(['77']);
    // The document was read once, for the new return; the refused one planned from the database alone.
    expect(returnCalls()).toEqual(['planReturn', 'readDocumentToCredit', 'planReturn', 'beginIssue', 'prepareCreate', 'sendCreate', 'planReturn']);
    expect(f.row()).toMatchObject({ state: 'issued', createsSent: 1 });
  });

  it('an order whose run closed: update-with-start starts a run that finds the issued document, serves the return and ends issued', async () => {
    const store = newStore();
    const { f, returnCalls, activities } = fakes([PLANNED]);
    const { answer, status } = await withWorkers(env, store, activities, async () => {
      const first = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'issued');
      await waitIdle(first);
      await first.terminate('test: the watch window has passed');
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
        taskQueue: store.taskQueue,
        args: [{ storeCode: store.storeCode, orderId: ORDER_ID }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const answer = await env.client.workflow.executeUpdateWithStart(returnUpdate, { args: [request], startWorkflowOperation });
      const handle = await startWorkflowOperation.workflowHandle();
      return { answer, status: await handle.result() };
    });
    expect(answer.creditNote.label).toBe(LABEL);
    expect(status.state).toBe('issued');
    expect(status.creditNotes.map((c) => c.label)).toEqual([LABEL]);
    expect(returnCalls().filter((n) => n === 'sendCreate')).toHaveLength(1);
    // The document was issued once, by the first run; the second found it.
    expect(f.row()).toMatchObject({ state: 'issued', createsSent: 1 });
    expect(f.calls.count('findIssuedDocument')).toBe(2);
  });

  it('boleta → factura: the customer, then the 61 annulling the boleta, then the 33; the state shows the factura; repeating it issues nothing and looks up no customer', async () => {
    const store = newStore();
    const { f, returnCalls, activities } = fakes([PLANNED], [invoicePlan(false), invoicePlan(true)]);
    const receiver = { rut: '76192083-9', razonSocial: 'Comercial Ejemplo SpA', giro: 'Comercio' };
    const { first, again, state } = await withWorkers(env, store, activities, async () => {
      const handle = await start(store);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'issued');
      await waitIdle(handle);
      const first = await handle.executeUpdate(invoiceUpdate, { args: [{ receiver }] });
      const again = await handle.executeUpdate(invoiceUpdate, { args: [{ receiver }] });
      const state = await handle.query(orderStatusQuery);
      await handle.terminate('test over');
      return { first, again, state };
    });
    expect(first).toMatchObject({ alreadyExisted: false, creditNote: { label: `JS-${ORDER_ID}-NC1`, folio: '77' }, factura: { label: `JS-${ORDER_ID}-FA1`, folio: '88' } });
    expect(again).toMatchObject({ alreadyExisted: true, creditNote: first.creditNote, factura: first.factura });
    expect(state).toMatchObject({ documentType: 33, folio: '88', relbaseDocumentId: '7001' });
    expect(state.creditNotes.map((c) => c.label)).toEqual([`JS-${ORDER_ID}-NC1`]);
    expect(returnCalls()).toEqual([
      'planInvoice',
      'readDocumentToCredit',
      'planInvoice',
      'findCustomerPage',
      'beginIssue',
      'prepareCreate',
      'sendCreate',
      'beginIssue',
      'prepareCreate',
      'sendCreate',
      // The repeat: both are issued; no customer is looked up.
      'planInvoice',
      'beginIssue',
      'beginIssue',
      'beginIssue',
    ]);
  });
});

function startWithLimit(store: TestStore, continueAsNewAfterEvents: number) {
  return env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
    workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
    taskQueue: store.taskQueue,
    args: [{ storeCode: store.storeCode, orderId: ORDER_ID, continueAsNewAfterEvents }],
  });
}

/**
 * The history length of a run at rest in `state` with these fakes (the same every time): a limit set
 * just past it makes the run hand over at its next pass and not before.
 */
async function idleHistoryLength(probe: ReturnType<typeof fakes>, state: string): Promise<number> {
  const store = newStore();
  return withWorkers(env, store, probe.activities, async () => {
    const h = await startWithLimit(store, 100_000);
    await probe.f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === state);
    await waitIdle(h);
    const n = (await h.fetchHistory()).events?.length ?? 0;
    await h.terminate('test: calibrated');
    return n;
  });
}

/** The fakes with the return's planning held open until `release()`; `planningStarted` once it is. */
function holdPlanReturn(activities: ReturnType<typeof fakes>['activities']) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let planning!: () => void;
  const planningStarted = new Promise<void>((r) => (planning = r));
  return {
    release,
    planningStarted,
    activities: {
      ...activities,
      planReturn: async (input: { document: unknown }) => {
        planning();
        await held;
        return activities.planReturn(input);
      },
    },
  };
}

/**
 * Waits until `ready()`, then until the run has nothing to do but the held return's activity. With a
 * `limit`, its history is past it: it would hand over now, so it waits for the return (the case under
 * test, not a run that just listens on).
 */
async function untilWaitingForReturn(handle: WorkflowHandle, ready: () => boolean, limit?: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the run did not come to wait for the return');
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitIdle(handle, 30_000, 1);
  if (limit !== undefined) expect(Number((await handle.describe()).raw.workflowExecutionInfo?.historyLength)).toBeGreaterThanOrEqual(limit);
}

describe('a listening run that would continue as new while it serves a return', () => {
  it('a cancellation that arrives while it waits for the return to finish is read before any hand-over', async () => {
    const idleLength = await idleHistoryLength(fakes([PLANNED]), 'issued');

    const store = newStore();
    // creditNoteOnCancel off: reading the cancellation ends the run at once, saying so.
    const { f, activities } = fakes([PLANNED], [], { creditNoteOnCancel: false });
    const gate = holdPlanReturn(activities);
    const limit = idleLength + 3;
    const { status, runs } = await withWorkers(env, store, gate.activities, async () => {
      const handle = await startWithLimit(store, limit);
      await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === 'issued');
      await waitIdle(handle);
      // A return whose planning is held open: the run serves it beside its listening.
      const update = handle.executeUpdate(returnUpdate, { args: [request] });
      await gate.planningStarted;
      // A webhook that is not a cancellation: the run reads the order (paid), then, past its limit,
      // waits for the return to finish before handing over.
      await handle.signal(orderEventSignal, { event: 'order_updated', statusEnum: 'paid', deliveryId: 'd-updated' });
      await untilWaitingForReturn(handle, () => f.calls.count('fetchOrder') >= 2, limit);
      // Now the cancellation, and then the return finishes.
      f.setStatuses(['canceled']);
      await handle.signal(orderEventSignal, { event: 'order_canceled', statusEnum: 'canceled', deliveryId: 'd-canceled' });
      gate.release();
      await update;
      const status = await handle.result();
      return { status, runs: await runIdsOf(env.client, handle.workflowId) };
    });
    expect(f.calls.count('planCancellationCredit')).toBe(1);
    expect(status.state).toBe('issued');
    expect(status.reason).toContain('creditNoteOnCancel is off');
    // Read for in the run that received it: no hand-over in between.
    expect(runs).toHaveLength(1);
  });
});

describe("an operator's retry while a waiting run serves a return before handing over", () => {
  it('is planned for and answered at once; the run hands over once the return is done', async () => {
    // Products missing: the order waits (pending_products), where retry is accepted. The return is
    // refused in the end (no document yet), but while its planning is held open it runs.
    const refused: ReturnPlan = { kind: 'refused', reason: 'the order has no document yet' };
    const outcome = await retryWhileHandingOver({
      returnPlan: refused,
      plan: { kind: 'missing_products', skus: ['SKU-1'] },
      state: 'pending_products',
      counted: 'planOrderDocument',
    });
    expect(outcome.answer).not.toBe('unanswered');
    expect(outcome.answer).toMatchObject({ state: 'pending_products' });
    // The first plan, the webhook's, and the retry's.
    expect(outcome.countedAtAnswer).toBe(3);
    // No hand-over while the return ran; one after it ended (refused: the order has no document).
    expect(outcome.runsBeforeRelease).toHaveLength(1);
    expect(outcome.returned).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((outcome.returned as WorkflowUpdateFailedError).cause as ApplicationFailure).message).toContain('no document yet');
    expect(outcome.runs).toHaveLength(2);
    expect(outcome.now.state).toBe('pending_products');
  });

  it('after the SII rejected the document (needs_attention, listening): answered once the status was looked at again; the return is served, then the hand-over', async () => {
    // The first look at the SII status a second after issuing, in real time.
    const outcome = await retryWhileHandingOver({
      returnPlan: PLANNED,
      plan: readyPlan({ settleSeconds: 300, alwaysLookFirst: false, siiFirstCheckSeconds: 1 }),
      siiStatuses: [{ siiStatus: 'rejected', statusName: 'Rechazado por el SII' }],
      state: 'needs_attention',
      counted: 'readSiiStatus',
    });
    expect(outcome.answer).not.toBe('unanswered');
    expect(outcome.answer).toMatchObject({ state: 'needs_attention' });
    // The first look, the webhook's, and the retry's.
    expect(outcome.countedAtAnswer).toBe(3);
    expect(outcome.runsBeforeRelease).toHaveLength(1);
    expect((outcome.returned as ReturnAnswer).creditNote.label).toBe(LABEL);
    expect(outcome.runs).toHaveLength(2);
    // The next run still waits for the operator about the rejection.
    expect(outcome.now.state).toBe('needs_attention');
    expect(outcome.now.reason).toContain('the SII rejected document');
  });

  it('a run continued as new after the rejection, serving a return as it starts: answered with its state, and the retry still looks again', async () => {
    const store = newStore();
    const { f, activities } = fakes([PLANNED], [], { alreadyIssued: true, siiStatuses: [{ siiStatus: 'rejected', statusName: 'Rechazado' }] });
    const gate = holdPlanReturn(activities);
    // The run's first look for the document is held too, so the return comes before the run shows its state.
    let found!: () => void;
    const lookHeld = new Promise<void>((r) => (found = r));
    const look = (activities as unknown as Record<string, () => Promise<unknown>>)['findIssuedDocument']!;
    const held = { ...gate.activities, findIssuedDocument: async () => (await lookHeld, look()) };
    const attention = 'the SII rejected document 321: Rechazado; send retry';
    const sii = { relbaseId: ISSUED.relbaseId, startedAt: Date.now(), firstMs: 1000, checks: 1, nextAt: null, status: 'rejected', attention };
    const outcome = await withWorkers(env, store, held, async () => {
      const handle = await env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(store.storeCode, ORDER_ID),
        taskQueue: store.taskQueue,
        args: [
          {
            storeCode: store.storeCode,
            orderId: ORDER_ID,
            carried: { paid: true, override: null, eventsReceived: 1, history: [], watchUntil: new Date(Date.now() + 86_400_000).toISOString(), sii },
          },
        ],
      });
      const update = handle.executeUpdate(returnUpdate, { args: [request] });
      await gate.planningStarted;
      found();
      // It shows needs_attention, then waits for the return before it listens.
      await untilWaitingForReturn(handle, () => f.calls.count('recordOrderState') > 0);
      const retry = handle.executeUpdate(retryUpdate);
      const answer = await answerWithin(retry, 15_000);
      const looksAtAnswer = f.calls.count('readSiiStatus');
      gate.release();
      await update;
      // The retry's wake-up is still counted: the run reads the order and looks at the SII status.
      await f.calls.waitFor('readSiiStatus');
      const now = await handle.query(orderStatusQuery);
      await handle.terminate('test over');
      retry.catch(() => undefined);
      return { answer, looksAtAnswer, now };
    });
    expect(outcome.answer).not.toBe('unanswered');
    expect(outcome.answer).toMatchObject({ state: 'needs_attention', reason: attention });
    expect(outcome.looksAtAnswer).toBe(0);
    expect(f.calls.count('fetchOrder')).toBe(1);
    expect(outcome.now.state).toBe('needs_attention');
  });
});

/**
 * The scenario of the retry tests: a run at rest in `state` (its history limit set so that its next
 * pass hands over) serves a return held open; a webhook makes it pass (one more call of `counted`)
 * and wait for the return before handing over; then an operator's retry. Gives what the retry
 * answered, the calls of `counted` then, the runs before and after the return was released, what
 * the return answered and the latest run's state.
 */
async function retryWhileHandingOver(setup: { returnPlan: ReturnPlan; plan: OrderDocumentPlan; siiStatuses?: SiiStatusRead[]; state: string; counted: string }) {
  const fakesOf = () => {
    const made = fakes([setup.returnPlan], [], setup.siiStatuses ? { siiStatuses: setup.siiStatuses } : {});
    made.f.setPlans([setup.plan]);
    return made;
  };
  const idleLength = await idleHistoryLength(fakesOf(), setup.state);
  const store = newStore();
  const { f, activities } = fakesOf();
  const gate = holdPlanReturn(activities);
  const limit = idleLength + 3;
  return withWorkers(env, store, gate.activities, async () => {
    const handle = await startWithLimit(store, limit);
    await f.calls.waitFor<{ state: string }>('recordOrderState', (r) => r.state === setup.state);
    await waitIdle(handle);
    const update = handle.executeUpdate(returnUpdate, { args: [request] }).then(
      (answer) => answer,
      (e: unknown) => e,
    );
    await gate.planningStarted;
    await handle.signal(orderEventSignal, { event: 'order_updated', statusEnum: 'paid', deliveryId: 'd-updated' });
    await untilWaitingForReturn(handle, () => f.calls.count(setup.counted) >= 2, limit);
    const retry = handle.executeUpdate(retryUpdate);
    const answer = await answerWithin(retry, 15_000);
    const countedAtAnswer = f.calls.count(setup.counted);
    const runsBeforeRelease = await runIdsOf(env.client, handle.workflowId);
    gate.release();
    const returned = await update;
    const runs = await runsWhenHandedOver(handle);
    const now = await settledState(handle);
    await handle.terminate('test over');
    retry.catch(() => undefined);
    return { answer, countedAtAnswer, runsBeforeRelease, returned, runs, now };
  });
}

/** The state of the order's latest run once it has left 'checking' (or after 10 s). */
async function settledState(handle: WorkflowHandle): Promise<OrderStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await env.client.workflow.getHandle(handle.workflowId).query(orderStatusQuery);
    if (now.state !== 'checking' || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The runs of the order once the first has handed over to a second (or after 30 s). */
async function runsWhenHandedOver(handle: WorkflowHandle): Promise<string[]> {
  // The latest run's id is one describe; the chain of runs (a history read per run) only once it changed.
  const latest = env.client.workflow.getHandle(handle.workflowId);
  const first = (await latest.describe()).runId;
  const deadline = Date.now() + 30_000;
  while ((await latest.describe()).runId === first && Date.now() <= deadline) await new Promise((r) => setTimeout(r, 100));
  return runIdsOf(env.client, handle.workflowId);
}
