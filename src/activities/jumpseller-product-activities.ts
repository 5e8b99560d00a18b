/**
 * Product activities on the store's Jumpseller queue: one Jumpseller call each (a product, a page of
 * the catalog, the product count). Pages are a loop in the catalog workflow.
 */
import { recordScanItems, type ScanItem } from '../db/catalog-state-repository.js';
import { isSkuAcceptable } from '../domain/sku.js';
import { isApiError } from '../http/api-errors.js';
import type { SyncItem } from '../workflows/product/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures } from './failures.js';
import { syncItemsOf } from './product-items.js';

export type ProductRead = { found: false } | { found: true; name: string; items: SyncItem[] };

export function createJumpsellerProductActivities(deps: ActivityDeps) {
  return {
    /** The product and its variants as relBase products to be; `found: false` once Jumpseller no longer has it. */
    async readProductForSync(input: { storeCode: string; productId: string }): Promise<ProductRead> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        try {
          const product = await store.jumpseller.getProduct(Number(input.productId));
          return { found: true, name: product.name, items: syncItemsOf(product) };
        } catch (err) {
          if (isApiError(err) && err.code === 'notFound') return { found: false };
          throw err;
        }
      });
    },

    /**
     * One page of the Jumpseller catalog as relBase products to be. The list carries each product's
     * variants and images (documented product fields), so a catalog costs one call per 100 products.
     */
    async readCatalogPage(input: { storeCode: string; page: number; limit: number }): Promise<{ products: number; items: SyncItem[] }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const products = await store.jumpseller.listProducts({ page: input.page, limit: input.limit });
        return { products: products.length, items: products.flatMap(syncItemsOf) };
      });
    },

    /**
     * One page of the catalog for the store-wide duplicate check: its SKUs go into the catalog sync's
     * scan (PostgreSQL, keyed by the report), not back to the workflow. Missing and invalid SKUs are
     * left to the sync pass, which reports them.
     */
    async scanCatalogPageInto(input: { storeCode: string; reportId: string; page: number; limit: number }): Promise<{ products: number; skus: number }> {
      const store = await requireStore(deps, input.storeCode);
      const products = await classifyFailures(() => store.jumpseller.listProducts({ page: input.page, limit: input.limit }));
      const items: ScanItem[] = [];
      for (const item of products.flatMap(syncItemsOf)) {
        const sku = (item.sku ?? '').trim();
        if (sku !== '' && isSkuAcceptable(sku)) items.push({ sku, itemKey: item.key, label: item.label });
      }
      await recordScanItems(deps.db, input.reportId, items);
      return { products: products.length, skus: items.length };
    },

    async countCatalogProducts(input: { storeCode: string }): Promise<number> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(() => store.jumpseller.countProducts());
    },
  };
}

export type JumpsellerProductActivities = ReturnType<typeof createJumpsellerProductActivities>;
