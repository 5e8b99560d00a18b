/**
 * Turns a stored webhook delivery (or the paid-order reconcile's finding) into the workflow call it
 * stands for. Idempotent by construction: signal-with-start on a business-key workflow id, so a
 * delivery dispatched twice only adds a hint.
 *
 * An order's workflow id may be started again after its run closed (`ALLOW_DUPLICATE`): a run ends
 * without a document when the order was canceled, abandoned or never paid in time, or is deleted by
 * retention, and a payment after that must still get its document. A second document is prevented
 * elsewhere, twice: this dispatcher starts nothing for an order whose document the `documents` table
 * holds (the delivery is recorded as `after_issue`), and a new run checks that table first and ends
 * as issued when the document is there (a webhook racing with the run that just issued it).
 * `ALLOW_DUPLICATE_FAILED_ONLY` would not do: a run that ends without a document completes normally.
 *
 * One exception: a webhook that may mean the issued order was canceled (`order_canceled`, or a
 * payload saying so) is signalled to the order's run, or starts one, until the document is annulled:
 * the run reads the order and issues the credit note, exactly once (workflow.ts, credit-note.ts).
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database.js';
import { isAnnulled } from '../db/credit-notes-repository.js';
import { findCurrentDocument } from '../db/returns-repository.js';
import { findDocument } from '../db/documents-repository.js';
import { MAIN_TASK_QUEUE } from '../workflows/task-queues.js';
import { ORDER_WORKFLOW_TYPE, PRODUCT_SYNC_WORKFLOW_TYPE } from '../workflows/workflow-types.js';
import { orderEventSignal, orderWorkflowId, type OrderEventSignal } from '../workflows/order/contracts.js';
import type { orderWorkflow } from '../workflows/order/workflow.js';
import { productChangedSignal, productWorkflowId, type ProductChangedSignal } from '../workflows/product/contracts.js';
import type { productSyncWorkflow } from '../workflows/product/workflow.js';
import { ORDER_EVENTS, PRODUCT_EVENTS } from '../jumpseller/webhook-payloads.js';

export interface DispatchInput {
  deliveryId: string;
  storeCode: string;
  event: string;
  resourceId: string;
  /** `status_enum` of an order payload, when there was one. */
  statusEnum: string | null;
}

/**
 * What became of a delivery; stored as its status. `after_issue`: the order's document is already
 * issued, so nothing was started.
 */
export type DispatchOutcome = 'dispatched' | 'after_issue' | 'ignored';

const orderEvents: ReadonlySet<string> = new Set(ORDER_EVENTS);
const productEvents: ReadonlySet<string> = new Set(PRODUCT_EVENTS);

export interface Dispatcher {
  dispatch(input: DispatchInput): Promise<DispatchOutcome>;
}

export interface DispatcherOptions {
  /** Where the order's document is looked up before anything is started. */
  db: Db;
  mainTaskQueue?: string;
}

/** Only a hint: the workflow reads the order from Jumpseller before it credits anything. */
function mayBeCancellation(input: DispatchInput): boolean {
  return input.event === 'order_canceled' || input.statusEnum === 'canceled';
}

export function createDispatcher(temporal: Client, options: DispatcherOptions): Dispatcher {
  const taskQueue = options.mainTaskQueue ?? MAIN_TASK_QUEUE;
  return {
    async dispatch(input) {
      if (orderEvents.has(input.event)) {
        // A late webhook for an issued order starts nothing (not even a run that would end at once),
        // unless it may be the cancellation of an order whose document is not annulled yet.
        const document = await findDocument(options.db, input.storeCode, input.resourceId);
        if (document?.state === 'issued') {
          if (!mayBeCancellation(input)) return 'after_issue';
          // A boleta turned into a factura is annulled, but the factura is the order's document now.
          const current = (await findCurrentDocument(options.db, input.storeCode, input.resourceId)) ?? document;
          if (await isAnnulled(options.db, input.storeCode, current.label_value)) return 'after_issue';
        }
        await temporal.workflow.signalWithStart<typeof orderWorkflow, [OrderEventSignal]>(ORDER_WORKFLOW_TYPE, {
          workflowId: orderWorkflowId(input.storeCode, input.resourceId),
          taskQueue,
          args: [{ storeCode: input.storeCode, orderId: input.resourceId }],
          signal: orderEventSignal,
          signalArgs: [{ event: input.event, statusEnum: input.statusEnum, deliveryId: input.deliveryId }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        });
        return 'dispatched';
      }
      if (productEvents.has(input.event)) {
        // Stock edited in Jumpseller never flows back to relBase: that event is kept as a record only.
        if (input.event === 'product_stock_updated') return 'ignored';
        // A product's workflow ends after each quiet spell; a later webhook starts it again.
        await temporal.workflow.signalWithStart<typeof productSyncWorkflow, [ProductChangedSignal]>(PRODUCT_SYNC_WORKFLOW_TYPE, {
          workflowId: productWorkflowId(input.storeCode, input.resourceId),
          taskQueue,
          args: [{ storeCode: input.storeCode, productId: input.resourceId }],
          signal: productChangedSignal,
          signalArgs: [{ event: input.event, deliveryId: input.deliveryId }],
        });
        return 'dispatched';
      }
      return 'ignored';
    },
  };
}
