/**
 * Activities of product sync and catalog sync. Each API activity makes about one call (a page, a
 * lookup, a create, an update, an upload) so it runs on that API's rate-limited queue and the queue's
 * rate is the API's rate; the workflows decide which queue. relBase writes are idempotent by
 * construction: a create looks for what an earlier attempt may have made before making it.
 */
import { activityInfo } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { classifyFailures } from './failures.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { downloadImage, type ImageDownloadOptions } from './product-images.js';
import { relbaseEntryOf, syncItemsOf } from './product-items.js';
import {
  deactivateLinksOfProduct,
  findLinksBySku,
  markImageSynced,
  upsertLink,
  upsertLinks,
  withSkuLock,
} from '../db/product-links-repository.js';
import { startSyncReport, updateSyncReport } from '../db/sync-reports-repository.js';
import { claimSkus, type ClaimOutcome, type SkuClaim } from '../db/sku-claims-repository.js';
import { isApiError } from '../http/api-errors.js';
import { orderWorkflowId, productsSyncedSignal } from '../workflows/order/contracts.js';
import {
  productChangedSignal,
  productWorkflowId,
  type LinkState,
  type ProductChangedSignal,
  type ProductSyncInput,
  type RelbaseEntry,
  type SyncItem,
} from '../workflows/product/contracts.js';

export interface ProductActivityOptions {
  image?: ImageDownloadOptions;
}

/** A link to record: the SKU's relBase product for this Jumpseller product or variant. */
export interface LinkRecord {
  sku: string;
  jsProductId: string;
  jsVariantId: string | null;
  relbaseProductId: number;
  imageSynced?: boolean;
}

export type ProductRead = { found: false } | { found: true; name: string; items: SyncItem[] };

export interface CreatedOrFound {
  relbaseProductId: number;
  /** False when an earlier attempt, another sync or a person had already made it: then `entry` says what it holds. */
  created: boolean;
  entry: RelbaseEntry;
}

export function createProductActivities(deps: ActivityDeps, options: ProductActivityOptions = {}) {
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

    /** One page of the catalog reduced to SKUs and labels: the store-wide duplicate check reads the whole catalog first. */
    async scanCatalogPage(input: { storeCode: string; page: number; limit: number }): Promise<{ products: number; skus: [string | null, string][] }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const products = await store.jumpseller.listProducts({ page: input.page, limit: input.limit });
        return { products: products.length, skus: products.flatMap(syncItemsOf).map((i): [string | null, string] => [i.sku, i.label]) };
      });
    },

    async countCatalogProducts(input: { storeCode: string }): Promise<number> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(() => store.jumpseller.countProducts());
    },

    /**
     * One page of relBase's whole product list (an empty query lists every active product), reduced
     * to what sync decides on. Codes held by two relBase products come back as conflicts: linking
     * either would be a guess.
     */
    async readRelbaseIndexPage(input: { storeCode: string; page: number }): Promise<{ entries: [string, RelbaseEntry][]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const { products, nextPage } = await store.relbase.searchProducts('', input.page);
        const entries: [string, RelbaseEntry][] = [];
        for (const p of products) {
          const code = p.code?.trim() ?? '';
          if (code !== '') entries.push([code, relbaseEntryOf(p)]);
        }
        return { entries, nextPage };
      });
    },

    /**
     * The relBase product for one SKU: the linked one when it still exists (one call), else an
     * exact match of relBase's fuzzy search. Two relBase products with the code is permanent: a
     * person must merge them.
     */
    async lookupRelbaseProduct(input: { storeCode: string; sku: string; linkedId: number | null }): Promise<RelbaseEntry | null> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        if (input.linkedId !== null) {
          try {
            const p = await store.relbase.getProduct(input.linkedId);
            if (p.code?.trim() === input.sku) return relbaseEntryOf(p);
          } catch (err) {
            if (!(isApiError(err) && err.code === 'notFound')) throw err;
          }
        }
        const found = await store.relbase.findProductByCode(input.sku);
        return found ? relbaseEntryOf(found) : null;
      });
    },

    /**
     * Creates the relBase product of a SKU exactly once, and records its link in the same
     * transaction, under a per-SKU lock. It creates nothing when the SKU got linked meanwhile (a
     * webhook and a catalog sync at once), or when an exact lookup finds it: asked for (`lookFirst`)
     * or on any retry, since an earlier attempt may have created it and lost the answer.
     */
    async createRelbaseProduct(input: { storeCode: string; item: SyncItem & { sku: string }; lookFirst: boolean }): Promise<CreatedOrFound> {
      const store = await requireStore(deps, input.storeCode);
      const { item } = input;
      return classifyFailures(() =>
        withSkuLock(deps.db, input.storeCode, item.sku, async (trx) => {
          const link = (await findLinksBySku(trx, input.storeCode, [item.sku])).get(item.sku);
          if (link?.active) {
            const p = await store.relbase.getProduct(Number(link.relbase_product_id)).catch((err: unknown) => {
              if (isApiError(err) && err.code === 'notFound') return null;
              throw err;
            });
            if (p && p.code?.trim() === item.sku) return { relbaseProductId: p.id, created: false, entry: relbaseEntryOf(p) };
          }
          if (input.lookFirst || activityInfo().attempt > 1) {
            const found = await store.relbase.findProductByCode(item.sku);
            if (found) return { relbaseProductId: found.id, created: false, entry: relbaseEntryOf(found) };
          }
          const created = await store.relbase.createProduct({ name: item.name, code: item.sku, price: item.price });
          await upsertLink(trx, {
            storeCode: input.storeCode,
            sku: item.sku,
            jsProductId: item.jsProductId,
            jsVariantId: item.jsVariantId,
            relbaseProductId: String(created.id),
            imageSynced: false,
          });
          return { relbaseProductId: created.id, created: true, entry: relbaseEntryOf(created) };
        }),
      );
    },

    /** Brings a relBase product's name and gross price in line with Jumpseller (a PUT is idempotent). */
    async updateRelbaseProduct(input: { storeCode: string; relbaseProductId: number; name: string; price: number }): Promise<void> {
      const store = await requireStore(deps, input.storeCode);
      await classifyFailures(() => store.relbase.updateProduct(input.relbaseProductId, { name: input.name, price: input.price }));
    },

    /**
     * Uploads the Jumpseller image to a relBase product that has none. A retry first asks relBase
     * whether an earlier attempt got there. The workflow decided relBase had no image; the upload
     * never replaces one a person put there since, because that needs a person's decision.
     */
    async uploadProductImage(input: { storeCode: string; sku: string; relbaseProductId: number; imageUrl: string }): Promise<'uploaded' | 'present'> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        if (activityInfo().attempt > 1) {
          const p = await store.relbase.getProduct(input.relbaseProductId);
          if (p.url_image) {
            await markImageSynced(deps.db, input.storeCode, input.sku);
            return 'present';
          }
        }
        const image = await downloadImage(input.imageUrl, options.image);
        await store.relbase.uploadProductImage(input.relbaseProductId, image);
        await markImageSynced(deps.db, input.storeCode, input.sku);
        return 'uploaded';
      });
    },

    /**
     * Our links of these SKUs, and the store-wide SKU check the links table allows: a SKU linked,
     * actively, to another Jumpseller product is shared by two products of the store.
     */
    async loadProductLinks(input: {
      storeCode: string;
      skus: string[];
      /** When syncing one product: report SKUs another product holds. */
      jsProductId: string | null;
    }): Promise<{ links: Record<string, LinkState>; sharedElsewhere: Record<string, string[]> }> {
      const rows = await findLinksBySku(deps.db, input.storeCode, input.skus);
      const links: Record<string, LinkState> = {};
      const sharedElsewhere: Record<string, string[]> = {};
      for (const [sku, r] of rows) {
        links[sku] = {
          relbaseProductId: Number(r.relbase_product_id),
          jsProductId: r.js_product_id,
          jsVariantId: r.js_variant_id,
          active: r.active,
          imageSynced: r.image_synced,
        };
        if (input.jsProductId !== null && r.active && r.js_product_id !== input.jsProductId) {
          sharedElsewhere[sku] = [`product ${r.js_product_id}${r.js_variant_id ? ` variant ${r.js_variant_id}` : ''}`];
        }
      }
      return { links, sharedElsewhere };
    },

    async recordProductLinks(input: { storeCode: string; links: LinkRecord[] }): Promise<void> {
      await upsertLinks(
        deps.db,
        input.links.map((l) => ({
          storeCode: input.storeCode,
          sku: l.sku,
          jsProductId: l.jsProductId,
          jsVariantId: l.jsVariantId,
          relbaseProductId: String(l.relbaseProductId),
          ...(l.imageSynced === undefined ? {} : { imageSynced: l.imageSynced }),
        })),
      );
    },

    /** Marks inactive the product's links whose SKU it no longer has (all of them when it was deleted). */
    /** Product sync's store-wide SKU check (src/db/sku-claims-repository.ts); no claims releases the product's. */
    async claimProductSkus(input: { storeCode: string; jsProductId: string; claims: SkuClaim[] }): Promise<ClaimOutcome> {
      return claimSkus(deps.db, input.storeCode, input.jsProductId, input.claims);
    },

    async deactivateProductLinks(input: { storeCode: string; jsProductId: string; keepSkus: string[] }): Promise<string[]> {
      return deactivateLinksOfProduct(deps.db, input.storeCode, input.jsProductId, input.keepSkus);
    },

    /**
     * Signals `productsSynced` to every order of the store waiting for one of these SKUs, found
     * through the `orders` read model. An order that finished meanwhile is not an error.
     */
    async wakePendingOrders(input: { storeCode: string; skus: string[] }): Promise<number> {
      if (input.skus.length === 0) return 0;
      const rows = await deps.db
        .selectFrom('orders')
        .select(['order_id', 'missing_skus'])
        .where('store_code', '=', input.storeCode)
        .where('state', '=', 'pending_products')
        .where(sql<boolean>`missing_skus && ${sql.val(input.skus)}::text[]`)
        .execute();
      let signalled = 0;
      for (const row of rows) {
        const skus = row.missing_skus.filter((s) => input.skus.includes(s));
        try {
          await deps.temporal.workflow.getHandle(orderWorkflowId(input.storeCode, row.order_id)).signal(productsSyncedSignal, { skus });
          signalled++;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return signalled;
    },

    /**
     * Asks product sync to run for these Jumpseller products (an order waits for their SKUs):
     * signal-with-start, so a sync already running for one only gets a hint. Runs on the main
     * queue (the workflow's), where the product workflows run too.
     */
    async requestProductSync(input: { storeCode: string; jsProductIds: string[]; reason: string }): Promise<void> {
      const taskQueue = activityInfo().taskQueue;
      for (const productId of [...new Set(input.jsProductIds)]) {
        await deps.temporal.workflow.signalWithStart<(i: ProductSyncInput) => Promise<unknown>, [ProductChangedSignal]>('productSyncWorkflow', {
          workflowId: productWorkflowId(input.storeCode, productId),
          taskQueue,
          args: [{ storeCode: input.storeCode, productId }],
          signal: productChangedSignal,
          signalArgs: [{ event: input.reason, deliveryId: null }],
        });
      }
    },

    async startCatalogReport(input: { storeCode: string; workflowId: string; startedAt: string }): Promise<string> {
      return startSyncReport(deps.db, { storeCode: input.storeCode, kind: 'catalog', workflowId: input.workflowId, startedAt: input.startedAt });
    },

    async saveCatalogReport(input: { reportId: string; status?: string; finished: boolean; report: Record<string, unknown> }): Promise<void> {
      await updateSyncReport(deps.db, input.reportId, { report: input.report, finished: input.finished, ...(input.status ? { status: input.status } : {}) });
    },
  };
}

export type ProductActivities = ReturnType<typeof createProductActivities>;
