/**
 * Asking stock push workflows to look at SKUs: signal-with-start `stock:{store}:{sku}`. Shared by
 * the stock notice endpoint, the admin refresh and the reconcile (through an activity).
 */
import type { Client } from '@temporalio/client';
import { stockChangedSignal, stockPushWorkflowId, type StockChange, type StockPushInput } from '../workflows/stock/contracts.js';
import type { stockPushWorkflow } from '../workflows/stock/push-workflow.js';
import { STOCK_PUSH_WORKFLOW_TYPE } from '../workflows/workflow-types.js';

export async function requestStockPushes(client: Client, taskQueue: string, storeCode: string, changes: readonly { sku: string; observed?: number | null }[]): Promise<number> {
  // A few at a time: a reconcile page can change hundreds of SKUs.
  for (let i = 0; i < changes.length; i += 16) {
    await Promise.all(
      changes.slice(i, i + 16).map((change) =>
        client.workflow.signalWithStart<typeof stockPushWorkflow, [StockChange]>(STOCK_PUSH_WORKFLOW_TYPE, {
          workflowId: stockPushWorkflowId(storeCode, change.sku),
          taskQueue,
          args: [{ storeCode, sku: change.sku } satisfies StockPushInput],
          signal: stockChangedSignal,
          signalArgs: [{ observed: change.observed ?? null }],
        }),
      ),
    );
  }
  return changes.length;
}
