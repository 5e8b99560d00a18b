/**
 * How the admin API reaches the catalog sync and stock workflows: ids, types, signal and query names.
 * Both come from the workflows' contract modules. Addressed by name through the client: the HTTP app
 * never imports workflow or activity code.
 */
import {
  CATALOG_REPORT_KIND,
  CATALOG_WORKFLOW_TYPE,
  cancelCatalogSignal,
  catalogProgressQuery,
  catalogWorkflowId,
  type CatalogSyncInput,
} from '../../workflows/catalog/contracts.js';
import { STOCK_RECONCILE_WORKFLOW_TYPE, stockReconcileScheduleId, stockReconcileWorkflowId, type StockReconcileInput } from '../../workflows/stock/contracts.js';

export const CATALOG_SYNC = {
  workflowType: CATALOG_WORKFLOW_TYPE,
  workflowId: catalogWorkflowId,
  cancelSignal: cancelCatalogSignal.name,
  progressQuery: catalogProgressQuery.name,
  reportKind: CATALOG_REPORT_KIND,
  input: (storeCode: string): CatalogSyncInput => ({ storeCode }),
} as const;

export const STOCK_REFRESH = {
  workflowType: STOCK_RECONCILE_WORKFLOW_TYPE,
  workflowId: stockReconcileWorkflowId,
  scheduleId: stockReconcileScheduleId,
  input: (storeCode: string): StockReconcileInput => ({ storeCode }),
} as const;
