/**
 * Turns a stored webhook delivery into the workflow call it stands for. Idempotent by construction:
 * signal-with-start on a business-key workflow id, so a delivery dispatched twice only adds a hint.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MAIN_TASK_QUEUE } from '../../workflows/task-queues.js';
import { orderEventSignal, orderWorkflowId, type OrderEventSignal } from '../../workflows/order/contracts.js';
import type { orderWorkflow } from '../../workflows/order/workflow.js';
import { productChangedSignal, productWorkflowId, type ProductChangedSignal } from '../../workflows/product/contracts.js';
import type { productSyncWorkflow } from '../../workflows/product/workflow.js';
import { ORDER_EVENTS, PRODUCT_EVENTS } from '../../jumpseller/webhook-payloads.js';

export interface DispatchInput {
  deliveryId: string;
  storeCode: string;
  event: string;
  resourceId: string;
  /** `status_enum` of an order payload, when there was one. */
  statusEnum: string | null;
}

/** What became of a delivery; stored as its status. */
export type DispatchOutcome = 'dispatched' | 'after_close' | 'ignored';

const orderEvents: ReadonlySet<string> = new Set(ORDER_EVENTS);
const productEvents: ReadonlySet<string> = new Set(PRODUCT_EVENTS);

export interface Dispatcher {
  dispatch(input: DispatchInput): Promise<DispatchOutcome>;
}

export function createDispatcher(temporal: Client, options: { mainTaskQueue?: string } = {}): Dispatcher {
  const taskQueue = options.mainTaskQueue ?? MAIN_TASK_QUEUE;
  return {
    async dispatch(input) {
      if (orderEvents.has(input.event)) {
        try {
          await temporal.workflow.signalWithStart<typeof orderWorkflow, [OrderEventSignal]>('orderWorkflow', {
            workflowId: orderWorkflowId(input.storeCode, input.resourceId),
            taskQueue,
            args: [{ storeCode: input.storeCode, orderId: input.resourceId }],
            signal: orderEventSignal,
            signalArgs: [{ event: input.event, statusEnum: input.statusEnum, deliveryId: input.deliveryId }],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          return 'dispatched';
        } catch (err) {
          // The order's workflow already finished (issued, or closed without a document): the
          // delivery is kept as a record and never re-issues anything.
          if (err instanceof WorkflowExecutionAlreadyStartedError) return 'after_close';
          throw err;
        }
      }
      if (productEvents.has(input.event)) {
        // Stock edited in Jumpseller never flows back to relBase: that event is kept as a record only.
        if (input.event === 'product_stock_updated') return 'ignored';
        // A product's workflow ends after each quiet spell; a later webhook starts it again.
        await temporal.workflow.signalWithStart<typeof productSyncWorkflow, [ProductChangedSignal]>('productSyncWorkflow', {
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
