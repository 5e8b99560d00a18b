/**
 * How the admin API reaches the catalog sync and stock workflows: their ids, types, signal and query
 * names, as DESIGN.md fixes them (`catalog:{store}` with a `cancel` signal; `stock-reconcile:{store}`).
 * Addressed by name through the client (the HTTP app never imports workflow code), and gathered here
 * so they change in one place if those workflows' contracts name them differently.
 */
export const CATALOG_SYNC = {
  workflowType: 'catalogSyncWorkflow',
  workflowId: (storeCode: string) => `catalog:${storeCode}`,
  cancelSignal: 'cancel',
  progressQuery: 'progress',
  input: (storeCode: string) => ({ storeCode }),
} as const;

export const STOCK_REFRESH = {
  workflowType: 'stockReconcileWorkflow',
  workflowId: (storeCode: string) => `stock-reconcile:${storeCode}`,
  input: (storeCode: string) => ({ storeCode }),
} as const;
