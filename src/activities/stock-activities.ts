/**
 * Activities of stock push and stock reconcile. Reads of relBase run on the store's relBase queue,
 * writes to Jumpseller on its Jumpseller queue; stock is never written to relBase by this service.
 */
import { activityInfo } from '@temporalio/activity';
import { findLinksBySku } from '../db/product-links-repository.js';
import { findLastPushed, listLinkedSkusForReconcile, recordPush, type LinkedSkuStock } from '../db/stock-pushes-repository.js';
import { startSyncReport, updateSyncReport } from '../db/sync-reports-repository.js';
import { requestStockPushes } from '../stock/request-pushes.js';
import { STOCK_RECONCILE_REPORT_KIND, type StockReconcileProgress } from '../workflows/stock/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure } from './failures.js';

export interface StockTarget {
  enabled: boolean;
  debounceMs: number;
  link: { relbaseProductId: number; jsProductId: number; jsVariantId: number | null } | null;
  lastPushed: number | null;
}

export function createStockActivities(deps: ActivityDeps) {
  return {
    /** What a push needs to know about one SKU: the setting, its link, the last quantity pushed. */
    async loadStockTarget(input: { storeCode: string; sku: string }): Promise<StockTarget> {
      const store = await requireStore(deps, input.storeCode);
      const link = (await findLinksBySku(deps.db, input.storeCode, [input.sku])).get(input.sku);
      return {
        enabled: store.settings.stockSyncEnabled,
        debounceMs: store.settings.stockDebounceMs,
        link:
          link && link.active
            ? {
                relbaseProductId: Number(link.relbase_product_id),
                jsProductId: Number(link.js_product_id),
                jsVariantId: link.js_variant_id === null ? null : Number(link.js_variant_id),
              }
            : null,
        lastPushed: await findLastPushed(deps.db, input.storeCode, input.sku),
      };
    },

    /** relBase's raw stock of one product in the store's warehouse (0 when the warehouse holds none). */
    async readRelbaseStock(input: { storeCode: string; relbaseProductId: number }): Promise<number> {
      const store = await requireStore(deps, input.storeCode);
      const warehouseId = store.settings.warehouseId;
      if (warehouseId === null) {
        throw permanentFailure('the store has no relBase warehouse configured (setting warehouseId, or RELBASE_WAREHOUSE_ID)', FAILURE_TYPES.storeNotConfigured);
      }
      return classifyFailures(async () => {
        const stocks = await store.relbase.getStockByWarehouse(input.relbaseProductId);
        return stocks.find((s) => s.warehouseId === warehouseId)?.currentStock ?? 0;
      });
    },

    /** What the shop shows now for one SKU (the variant, or the product without variants): one Jumpseller call. */
    async readShopStock(input: { storeCode: string; jsProductId: number; jsVariantId: number | null }): Promise<{ stock: number; unlimited: boolean }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const current = input.jsVariantId !== null ? await store.jumpseller.getVariant(input.jsProductId, input.jsVariantId) : await store.jumpseller.getProduct(input.jsProductId);
        return { stock: current.stock, unlimited: current.stock_unlimited };
      });
    },

    /** Sets the shop's stock of one SKU: one Jumpseller PUT (a number ends "unlimited"). */
    async writeShopStock(input: { storeCode: string; jsProductId: number; jsVariantId: number | null; quantity: number }): Promise<void> {
      const store = await requireStore(deps, input.storeCode);
      await classifyFailures(async () => {
        if (input.jsVariantId !== null) await store.jumpseller.updateVariantStock(input.jsProductId, input.jsVariantId, input.quantity);
        else await store.jumpseller.updateProductStock(input.jsProductId, input.quantity);
      });
    },

    /** Records what the shop shows for a SKU now (pushed, or found there already). */
    async recordStockPush(input: { storeCode: string; sku: string; quantity: number }): Promise<void> {
      await recordPush(deps.db, input.storeCode, input.sku, input.quantity);
    },

    /** One page of linked SKUs in SKU order, with what was last pushed for each. */
    async listLinkedSkus(input: { storeCode: string; afterSku: string | null; limit: number }): Promise<LinkedSkuStock[]> {
      return listLinkedSkusForReconcile(deps.db, input.storeCode, input.afterSku, input.limit);
    },

    /** Signals the stock push workflows of these SKUs, on the caller's own task queue. */
    async requestStockPushes(input: { storeCode: string; changes: { sku: string; observed: number | null }[] }): Promise<number> {
      return requestStockPushes(deps.temporal, activityInfo().taskQueue, input.storeCode, input.changes);
    },

    /** Whether stock sync is on for the store. */
    async stockSyncEnabled(input: { storeCode: string }): Promise<boolean> {
      return (await requireStore(deps, input.storeCode)).settings.stockSyncEnabled;
    },

    async startStockReconcileReport(input: { storeCode: string; workflowId: string; startedAt: string }): Promise<string> {
      return startSyncReport(deps.db, { storeCode: input.storeCode, kind: STOCK_RECONCILE_REPORT_KIND, workflowId: input.workflowId, startedAt: input.startedAt });
    },

    async saveStockReconcileReport(input: { progress: StockReconcileProgress; status: 'running' | 'completed' | 'skipped' }): Promise<void> {
      const { reportId, ...report } = input.progress;
      await updateSyncReport(deps.db, reportId, { report, ...(input.status === 'running' ? {} : { status: input.status, finished: true }) });
    },
  };
}

export type StockActivities = ReturnType<typeof createStockActivities>;
