/**
 * How the admin API reaches the catalog sync and stock workflows: ids, types, signal and query names.
 * Catalog sync's come from its contract module; the stock refresh's follow DESIGN.md
 * (`stock-reconcile:{store}`) until its contract lands. Addressed by name through the client: the
 * HTTP app never imports workflow or activity code.
 */
import {
  CATALOG_REPORT_KIND,
  CATALOG_WORKFLOW_TYPE,
  cancelCatalogSignal,
  catalogProgressQuery,
  catalogWorkflowId,
  type CatalogSyncInput,
} from '../../workflows/catalog/contracts.js';

export const CATALOG_SYNC = {
  workflowType: CATALOG_WORKFLOW_TYPE,
  workflowId: catalogWorkflowId,
  cancelSignal: cancelCatalogSignal.name,
  progressQuery: catalogProgressQuery.name,
  reportKind: CATALOG_REPORT_KIND,
  input: (storeCode: string): CatalogSyncInput => ({ storeCode }),
} as const;

export const STOCK_REFRESH = {
  workflowType: 'stockReconcileWorkflow',
  workflowId: (storeCode: string) => `stock-reconcile:${storeCode}`,
  input: (storeCode: string) => ({ storeCode }),
} as const;
