/**
 * Paid-order reconcile (`order-reconcile:{store}`), run by a schedule every few minutes and by
 * operators. Webhooks get lost, and Jumpseller deletes a hook after repeated failed deliveries, so
 * this run (1) makes sure the store's hooks still exist and creates the missing ones, and (2) lists
 * the orders Jumpseller reports paid in its window, a page per activity, and for each one without
 * an issued document starts or signals its order workflow, as a delivery would. Its report (orders
 * seen, dispatched, already documented, hooks recreated, failures) is kept in `sync_reports`.
 *
 * (3) Then it lists the orders Jumpseller reports canceled over a longer window (the store's
 * `orderReconcileCancellationDays`, by creation: orders carry no update time) and, for each whose
 * document is issued and not annulled, starts or signals its order workflow as the lost
 * `order_canceled` delivery would have: the workflow reads the order and credits it once.
 *
 * Nothing here can issue a second document: the order workflow decides, and an order that has its
 * document is not even signalled (unless it was canceled and its document stands). Runs overlap in what they look at, so an order a run missed (a
 * page that drifted, a failed dispatch) is looked at again by the next.
 */
import { ActivityFailure, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { databaseProfile, jumpsellerApiProfile } from '../activity-profiles.js';
import { databaseActivities, jumpsellerActivities } from '../activity-proxies.js';
import { orderReconcileProgressQuery, type OrderReconcileCancellations, type OrderReconcileInput, type OrderReconcileProgress } from './contracts.js';

/** Runs from here on list canceled orders after the paid ones (older histories replay without it). */
const PATCH_CANCELLATIONS = 'order-reconcile-cancellations';

/** Pages per run before continuing as new (a page is three activities). */
const PAGES_PER_RUN = 40;
const MAX_IDS_KEPT = 300;
const MAX_FAILURES_KEPT = 100;

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure) return err.cause?.message ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

export async function orderReconcileWorkflow(input: OrderReconcileInput): Promise<OrderReconcileProgress> {
  const { storeCode, hookUrl } = input;
  const db = databaseActivities();
  // A scheduled run that cannot reach Jumpseller gives up after a few tries and says so in its
  // report: the next run comes within minutes, and overlapping runs are skipped by the schedule.
  const jumpseller = jumpsellerActivities(storeCode, { ...jumpsellerApiProfile(storeCode), retry: { maximumAttempts: 5, initialInterval: '2s' } });
  // Up to a page of signal-with-starts, each with its own deadline.
  const dispatch = databaseActivities({ ...databaseProfile, startToCloseTimeout: '3 minutes' });

  let progress: OrderReconcileProgress | null = input.progress ?? null;
  setHandler(orderReconcileProgressQuery, () => progress);

  const fail = (p: OrderReconcileProgress, what: string, err: unknown) => {
    if (!(err instanceof ActivityFailure)) throw err;
    if (p.failures.length < MAX_FAILURES_KEPT) p.failures.push({ what, error: failureMessage(err) });
  };

  if (!progress) {
    const { reportId, window, cancellationWindow } = await db.startOrderReconcile({ storeCode, workflowId: workflowInfo().workflowId, startedAt: new Date().toISOString() });
    progress = {
      reportId,
      window,
      nextPage: 1,
      pages: 0,
      ordersSeen: 0,
      unreadable: 0,
      alreadyDocumented: 0,
      waiting: 0,
      dispatched: 0,
      outcomes: {},
      ordersFailed: 0,
      dispatchedOrderIds: [],
      hooks: { url: hookUrl, missing: [], recreated: [] },
      failures: [],
      cancellations: cancellationWindow
        ? { window: cancellationWindow, nextPage: 1, pages: 0, ordersSeen: 0, alreadyCredited: 0, leftToOperator: 0, dispatched: 0, dispatchedOrderIds: [] }
        : null,
    };
    if (hookUrl !== null) {
      const p = progress;
      try {
        p.hooks.missing = await jumpseller.findMissingHooks({ storeCode, hookUrl });
        for (const event of p.hooks.missing) {
          try {
            await jumpseller.recreateHook({ storeCode, event, hookUrl });
            p.hooks.recreated.push(event);
          } catch (err) {
            fail(p, `hook ${event}`, err);
          }
        }
      } catch (err) {
        fail(p, 'hooks', err);
      }
    }
  }
  const p = progress;

  const source = () => `order-reconcile:${workflowInfo().workflowId}/${workflowInfo().runId}`;
  const finalStatus = () => (p.ordersFailed > 0 ? 'partial' : 'completed');

  for (let n = 0; n < PAGES_PER_RUN; n++) {
    if (p.paidListed && p.cancellations) {
      if (await cancellationsPage(p, p.cancellations)) return p;
      continue;
    }
    let page;
    try {
      page = await jumpseller.listPaidOrdersPage({ storeCode, page: p.nextPage, window: p.window });
    } catch (err) {
      fail(p, `page ${p.nextPage} of paid orders`, err);
      await db.saveOrderReconcileReport({ progress: p, status: 'failed' });
      return p;
    }
    p.pages++;
    p.nextPage++;
    p.ordersSeen += page.orderIds.length;
    p.unreadable += page.unreadable;
    if (page.orderIds.length > 0) {
      const r = await dispatch.dispatchPaidOrders({ storeCode, orderIds: page.orderIds, source: source() });
      p.alreadyDocumented += r.alreadyDocumented;
      p.waiting += r.waiting;
      p.dispatched += r.dispatched.length;
      for (const d of r.dispatched) {
        p.outcomes[d.outcome] = (p.outcomes[d.outcome] ?? 0) + 1;
        if (p.dispatchedOrderIds.length < MAX_IDS_KEPT) p.dispatchedOrderIds.push(d.orderId);
      }
      p.ordersFailed += r.failures.length;
      for (const f of r.failures) if (p.failures.length < MAX_FAILURES_KEPT) p.failures.push(f);
    }
    if (page.last) {
      if (p.cancellations && patched(PATCH_CANCELLATIONS)) {
        p.paidListed = true;
        await db.saveOrderReconcileReport({ progress: p, status: 'running' });
        continue;
      }
      // A run with orders it could not dispatch is `partial`: the next run reaches back to the last
      // complete one, so those orders are looked at again however old they are.
      await db.saveOrderReconcileReport({ progress: p, status: finalStatus() });
      return p;
    }
    await db.saveOrderReconcileReport({ progress: p, status: 'running' });
  }
  return continueAsNew<typeof orderReconcileWorkflow>({ storeCode, hookUrl, progress: p });

  /** Reads and dispatches one page of canceled orders; true when the run has ended (last page or failure). */
  async function cancellationsPage(p: OrderReconcileProgress, c: OrderReconcileCancellations): Promise<boolean> {
    let page;
    try {
      page = await jumpseller.listCanceledOrdersPage({ storeCode, page: c.nextPage, window: c.window });
    } catch (err) {
      // The paid orders were all looked at: the run is partial, not failed.
      fail(p, `page ${c.nextPage} of canceled orders`, err);
      await db.saveOrderReconcileReport({ progress: p, status: 'partial' });
      return true;
    }
    c.pages++;
    c.nextPage++;
    c.ordersSeen += page.orderIds.length;
    p.unreadable += page.unreadable;
    if (page.orderIds.length > 0) {
      const r = await dispatch.dispatchCanceledOrders({ storeCode, orderIds: page.orderIds, source: source() });
      c.alreadyCredited += r.alreadyCredited;
      c.leftToOperator += r.leftToOperator;
      c.dispatched += r.dispatched.length;
      for (const d of r.dispatched) if (c.dispatchedOrderIds.length < MAX_IDS_KEPT) c.dispatchedOrderIds.push(d.orderId);
      p.ordersFailed += r.failures.length;
      for (const f of r.failures) if (p.failures.length < MAX_FAILURES_KEPT) p.failures.push(f);
    }
    await db.saveOrderReconcileReport({ progress: p, status: page.last ? finalStatus() : 'running' });
    return page.last;
  }
}
