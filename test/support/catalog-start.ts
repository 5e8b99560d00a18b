/**
 * Starting a catalog sync straight from a Temporal client, for the tests and the bench that drive it
 * with options the admin API does not take (concurrency, page size). One at a time per store:
 * `USE_EXISTING` makes a second start while one runs return the running one instead of failing or
 * starting another; after it ends, a start begins a new sync.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { CATALOG_WORKFLOW_TYPE, catalogWorkflowId, type CatalogSyncInput } from '../../src/workflows/catalog/contracts.js';
import type { catalogSyncWorkflow } from '../../src/workflows/catalog/workflow.js';

export async function startCatalogSync(
  client: Client,
  storeCode: string,
  o: { taskQueue: string; options?: Omit<CatalogSyncInput, 'storeCode' | 'resume'> },
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof catalogSyncWorkflow>> {
  return client.workflow.start<typeof catalogSyncWorkflow>(CATALOG_WORKFLOW_TYPE, {
    workflowId: catalogWorkflowId(storeCode),
    taskQueue: o.taskQueue,
    args: [{ storeCode, ...o.options }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
