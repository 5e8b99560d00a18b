/**
 * The workflow types the worker registers, by the names callers start them with. Clients (the
 * dispatcher, the admin API, schedules, activities that signal-with-start) address a workflow by
 * this string, not by importing its code; test/unit/workflows/workflow-types.test.ts ties each one
 * to an export of the bundle's entry (index.ts), so a renamed workflow cannot leave a caller behind.
 * No Node or I/O imports: workflow-safe.
 */
export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';
export const PRODUCT_SYNC_WORKFLOW_TYPE = 'productSyncWorkflow';
export const CATALOG_WORKFLOW_TYPE = 'catalogSyncWorkflow';
export const STOCK_PUSH_WORKFLOW_TYPE = 'stockPushWorkflow';
export const STOCK_RECONCILE_WORKFLOW_TYPE = 'stockReconcileWorkflow';
export const ORDER_RECONCILE_WORKFLOW_TYPE = 'orderReconcileWorkflow';
export const DELIVERY_RETENTION_WORKFLOW_TYPE = 'deliveryRetentionWorkflow';
export const INSTALL_WORKFLOW_TYPE = 'installWorkflow';

/** Every workflow type, one per export of index.ts. */
export const WORKFLOW_TYPES = [
  ORDER_WORKFLOW_TYPE,
  PRODUCT_SYNC_WORKFLOW_TYPE,
  CATALOG_WORKFLOW_TYPE,
  STOCK_PUSH_WORKFLOW_TYPE,
  STOCK_RECONCILE_WORKFLOW_TYPE,
  ORDER_RECONCILE_WORKFLOW_TYPE,
  DELIVERY_RETENTION_WORKFLOW_TYPE,
  INSTALL_WORKFLOW_TYPE,
] as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];
