/**
 * The paid-order reconcile (`order-reconcile:{store}`): its ids, input, progress and query.
 * Workflow-safe: no Node or I/O imports.
 */
import { defineQuery } from '@temporalio/workflow';

export { ORDER_RECONCILE_WORKFLOW_TYPE } from '../workflow-types.js';

export function orderReconcileWorkflowId(storeCode: string): string {
  return `order-reconcile:${storeCode}`;
}

export function orderReconcileScheduleId(storeCode: string): string {
  return `order-reconcile-schedule:${storeCode}`;
}

export interface OrderReconcileInput {
  storeCode: string;
  /** Where the store's webhooks must point (`PUBLIC_URL/webhooks/jumpseller`); null: do not check the hooks. */
  hookUrl: string | null;
  /** Continue-as-new carries where it got to. */
  progress?: OrderReconcileProgress | null;
}

/**
 * Which orders a run lists: those Jumpseller reports paid whose creation falls from `from` to `to`
 * (ISO instants). The API filters by whole days in the store's timezone, so the days asked for
 * (`initialDate`, `finalDate`) are padded by one on each side and the rest is filtered on `created_at`.
 */
export interface OrderReconcileWindow {
  from: string;
  to: string;
  initialDate: string;
  finalDate: string;
}

export interface OrderReconcileHooks {
  /** The hook URL checked, or null when the check was off. */
  url: string | null;
  /** Events whose hook was missing. */
  missing: string[];
  recreated: string[];
}

/**
 * The second part of a run: orders Jumpseller lists as canceled in `window` (by creation) whose
 * document is issued and not annulled get the cancellation their lost webhook would have brought.
 */
export interface OrderReconcileCancellations {
  window: OrderReconcileWindow;
  nextPage: number;
  pages: number;
  /** Canceled orders listed in the window. */
  ordersSeen: number;
  /** Of those, orders with an issued document already annulled by a credit note. */
  alreadyCredited: number;
  /** Orders with an issued document an operator is looking at (needs attention, crediting): left alone. */
  leftToOperator: number;
  /** Canceled orders with an issued document whose workflow was started or signalled. */
  dispatched: number;
  dispatchedOrderIds: string[];
}

export interface OrderReconcileProgress {
  reportId: string;
  window: OrderReconcileWindow;
  /** The next page of the listing to read. */
  nextPage: number;
  pages: number;
  /** Paid orders listed in the window. */
  ordersSeen: number;
  /** Items of a page without a readable id. */
  unreadable: number;
  /** Paid orders whose document is already issued. */
  alreadyDocumented: number;
  /** Paid orders without a document, waiting in a running workflow for products or an operator. */
  waiting: number;
  /** Paid orders without a document whose workflow was started or signalled, by what the dispatch said. */
  dispatched: number;
  outcomes: Record<string, number>;
  /** Paid orders without a document whose dispatch failed (the run is then `partial`, not `completed`). */
  ordersFailed: number;
  /** The first orders dispatched (at most a few hundred are kept). */
  dispatchedOrderIds: string[];
  hooks: OrderReconcileHooks;
  /** What could not be done (an order's dispatch, a hook, a page), first ones kept. */
  failures: { what: string; error: string }[];
  /** Absent on runs before the cancellation sweep, and when the store turned it (or credit notes) off. */
  cancellations?: OrderReconcileCancellations | null;
  /** Every page of paid orders was read; the run goes on with the cancellations. */
  paidListed?: boolean;
}

export const orderReconcileProgressQuery = defineQuery<OrderReconcileProgress | null>('progress');
