/**
 * Activities of the paid-order reconcile. Each Jumpseller activity makes one HTTP call (a page of
 * paid orders, the hook list, one hook created) on the store's Jumpseller queue; the dispatch of a
 * page's orders runs on the workflow's own queue and starts or signals order workflows exactly as a
 * webhook delivery does, through the dispatcher. Nothing personal leaves these activities: a listed
 * order is reduced to its id before it reaches Temporal.
 */
import { activityInfo } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { findStore } from '../db/stores-repository.js';
import { lastCompleteReconcileStart, ORDER_RECONCILE_REPORT_KIND, orderReadModelStates, ordersWithIssuedDocument } from '../db/order-reconcile-repository.js';
import { startSyncReport, updateSyncReport } from '../db/sync-reports-repository.js';
import { createDispatcher } from '../dispatch/dispatcher.js';
import { missingHookEvents } from '../install/install-plan.js';
import { createdSince, reconcileWindow } from '../order-reconcile/window.js';
import { orderWorkflowId, WAITING_STATES } from '../workflows/order/contracts.js';
import type { OrderReconcileProgress, OrderReconcileWindow } from '../workflows/order-reconcile/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure } from './failures.js';

/** Orders per listing page: the API's maximum. */
export const PAID_ORDERS_PAGE_SIZE = 100;
/** Deadline of each Temporal call the dispatch makes. */
const TEMPORAL_CALL_DEADLINE_MS = 10_000;

/**
 * The event a reconcile dispatch carries. It goes through the same routing as Jumpseller's own
 * `order_paid` (Jumpseller does report the order paid); the delivery id (`order-reconcile:…`) is what
 * says, in the workflow's history, that the signal came from the reconcile and not from a webhook.
 */
export const RECONCILE_DISPATCH_EVENT = 'order_paid';
/** The event a cancellation found by the reconcile carries: the one whose delivery was lost. */
export const RECONCILE_CANCELLATION_EVENT = 'order_canceled';
/**
 * Read-model states in which an issued order is an operator's (a rejection, a credit note on its way
 * or refused): a wake-up from every reconcile would only re-read it.
 */
const LEFT_TO_OPERATOR = new Set(['needs_attention', 'crediting']);

/** A page of a listing of orders by status, reduced to ids. */
export interface OrderIdsPage {
  orderIds: string[];
  received: number;
  unreadable: number;
  /** A short page is the last one. */
  last: boolean;
}

export interface CanceledOrdersDispatch {
  alreadyCredited: number;
  leftToOperator: number;
  dispatched: { orderId: string; outcome: string }[];
  failures: { what: string; error: string }[];
}

export interface PaidOrdersDispatch {
  alreadyDocumented: number;
  waiting: number;
  dispatched: { orderId: string; outcome: string }[];
  failures: { what: string; error: string }[];
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createOrderReconcileActivities(deps: ActivityDeps) {
  const withDeadline = <R>(fn: () => Promise<R>) => deps.temporal.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, fn);

  /** True when the order's workflow runs (it waits for products or an operator, correctly). */
  async function workflowRunning(storeCode: string, orderId: string): Promise<boolean> {
    try {
      const d = await withDeadline(() => deps.temporal.workflow.getHandle(orderWorkflowId(storeCode, orderId)).describe());
      return d.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async function listOrdersPage(status: 'paid' | 'canceled', input: { storeCode: string; page: number; window: OrderReconcileWindow }): Promise<OrderIdsPage> {
    const store = await requireStore(deps, input.storeCode);
    const page = await classifyFailures(() =>
      store.jumpseller.listOrderRefsByDate({
        page: input.page,
        limit: PAID_ORDERS_PAGE_SIZE,
        status,
        initialDate: input.window.initialDate,
        finalDate: input.window.finalDate,
      }),
    );
    return {
      orderIds: page.orders.filter((o) => createdSince(o.created_at, input.window)).map((o) => String(o.id)),
      received: page.received,
      unreadable: page.unreadable,
      last: page.received < PAID_ORDERS_PAGE_SIZE,
    };
  }

  return {
    /** Opens the run's report and decides its window (see src/order-reconcile/window.ts). */
    async startOrderReconcile(input: {
      storeCode: string;
      workflowId: string;
      startedAt: string;
    }): Promise<{ reportId: string; window: OrderReconcileWindow; cancellationWindow: OrderReconcileWindow | null }> {
      const store = await requireStore(deps, input.storeCode);
      const row = await findStore(deps.db, input.storeCode);
      if (!row) throw permanentFailure(`store ${input.storeCode} has no row`, FAILURE_TYPES.unknownStore);
      const now = new Date(input.startedAt);
      const window = reconcileWindow({
        now,
        storeSince: row.created_at,
        previousStart: await lastCompleteReconcileStart(deps.db, input.storeCode),
        lookbackDays: store.settings.orderReconcileLookbackDays,
      });
      // Credit notes off: a canceled issued order is the operator's, so there is nothing to look for.
      const { orderReconcileCancellationDays: days, creditNoteOnCancel } = store.settings;
      const cancellationWindow = days > 0 && creditNoteOnCancel ? reconcileWindow({ now, storeSince: row.created_at, previousStart: undefined, lookbackDays: days }) : null;
      const reportId = await startSyncReport(deps.db, {
        storeCode: input.storeCode,
        kind: ORDER_RECONCILE_REPORT_KIND,
        workflowId: input.workflowId,
        startedAt: input.startedAt,
        report: { window },
      });
      return { reportId, window, cancellationWindow };
    },

    /** The events whose hook no longer points at `hookUrl` (one call: the hook list). */
    async findMissingHooks(input: { storeCode: string; hookUrl: string }): Promise<string[]> {
      const store = await requireStore(deps, input.storeCode);
      return missingHookEvents(await classifyFailures(() => store.jumpseller.listHooks()), input.hookUrl);
    },

    /** Registers one hook again (one call). */
    async recreateHook(input: { storeCode: string; event: string; hookUrl: string }): Promise<void> {
      const store = await requireStore(deps, input.storeCode);
      await classifyFailures(() => store.jumpseller.createHook({ event: input.event, url: input.hookUrl }));
      deps.logger.warn({ store: input.storeCode, event: input.event }, 'a Jumpseller webhook was missing and has been created again');
    },

    /** One page of the orders Jumpseller reports paid in the window's days, as ids (one call). */
    listPaidOrdersPage: (input: { storeCode: string; page: number; window: OrderReconcileWindow }) => listOrdersPage('paid', input),

    /** One page of the orders Jumpseller reports canceled in the window's days, as ids (one call). */
    listCanceledOrdersPage: (input: { storeCode: string; page: number; window: OrderReconcileWindow }) => listOrdersPage('canceled', input),

    /**
     * For each canceled order whose document is issued, starts or signals its workflow as the lost
     * `order_canceled` delivery would have: the workflow reads the order and credits it once. Orders
     * without a document, already annulled, or in an operator's hands are left alone.
     */
    async dispatchCanceledOrders(input: { storeCode: string; orderIds: string[]; source: string }): Promise<CanceledOrdersDispatch> {
      const { storeCode } = input;
      const issued = [...(await ordersWithIssuedDocument(deps.db, storeCode, input.orderIds))];
      const states = await orderReadModelStates(deps.db, storeCode, issued);
      const dispatcher = createDispatcher(deps.temporal, { db: deps.db, mainTaskQueue: activityInfo().taskQueue });
      const result: CanceledOrdersDispatch = { alreadyCredited: 0, leftToOperator: 0, dispatched: [], failures: [] };
      for (const orderId of issued) {
        try {
          if (LEFT_TO_OPERATOR.has(states.get(orderId) ?? '')) {
            result.leftToOperator++;
            continue;
          }
          // The dispatcher starts nothing for an order whose document (the factura after boleta →
          // factura) is annulled already: it answers 'after_issue'.
          const outcome = await withDeadline(() =>
            dispatcher.dispatch({ deliveryId: input.source, storeCode, event: RECONCILE_CANCELLATION_EVENT, resourceId: orderId, statusEnum: 'canceled' }),
          );
          if (outcome === 'after_issue') result.alreadyCredited++;
          else result.dispatched.push({ orderId, outcome });
        } catch (err) {
          result.failures.push({ what: `canceled order ${orderId}`, error: messageOf(err) });
        }
      }
      if (result.dispatched.length > 0) {
        deps.logger.info({ store: storeCode, orders: result.dispatched.map((d) => d.orderId) }, 'canceled orders with an issued document dispatched by the reconcile');
      }
      return result;
    },

    /**
     * For each paid order without an issued document, starts or signals its workflow as a delivery
     * would; an order whose workflow runs and waits for products or an operator is left waiting (a
     * wake-up every period would only re-read it). A failed dispatch is reported, not retried here:
     * the next run looks at the order again.
     */
    async dispatchPaidOrders(input: { storeCode: string; orderIds: string[]; source: string }): Promise<PaidOrdersDispatch> {
      const { storeCode } = input;
      const documented = await ordersWithIssuedDocument(deps.db, storeCode, input.orderIds);
      const undocumented = input.orderIds.filter((id) => !documented.has(id));
      const states = await orderReadModelStates(deps.db, storeCode, undocumented);
      const dispatcher = createDispatcher(deps.temporal, { db: deps.db, mainTaskQueue: activityInfo().taskQueue });
      const result: PaidOrdersDispatch = { alreadyDocumented: documented.size, waiting: 0, dispatched: [], failures: [] };
      for (const orderId of undocumented) {
        try {
          const state = states.get(orderId);
          if (state !== undefined && (WAITING_STATES as readonly string[]).includes(state) && (await workflowRunning(storeCode, orderId))) {
            result.waiting++;
            continue;
          }
          const outcome = await withDeadline(() =>
            dispatcher.dispatch({ deliveryId: input.source, storeCode, event: RECONCILE_DISPATCH_EVENT, resourceId: orderId, statusEnum: 'paid' }),
          );
          result.dispatched.push({ orderId, outcome });
        } catch (err) {
          result.failures.push({ what: `order ${orderId}`, error: messageOf(err) });
        }
      }
      if (result.dispatched.length > 0) {
        deps.logger.info({ store: storeCode, orders: result.dispatched.map((d) => d.orderId) }, 'paid orders without a document dispatched by the reconcile');
      }
      return result;
    },

    async saveOrderReconcileReport(input: { progress: OrderReconcileProgress; status: 'running' | 'completed' | 'partial' | 'failed' }): Promise<void> {
      const { reportId, ...report } = input.progress;
      await updateSyncReport(deps.db, reportId, { report: { ...report }, ...(input.status === 'running' ? {} : { status: input.status, finished: true }) });
    },
  };
}

export type OrderReconcileActivities = ReturnType<typeof createOrderReconcileActivities>;
