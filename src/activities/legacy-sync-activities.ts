/**
 * Activities that only runs started before the single-call sync still call, kept so that those runs
 * (a product sync or stock push mid-pass, a catalog sync mid-run at the deploy) finish: their
 * histories name these activities, and replaying them with the current workflow code takes the old
 * branch (see the `patched` calls in the workflows). None of them holds a transaction or a lock
 * across an HTTP call any more. Remove this file, and the old branches, once no such run is open
 * (product syncs and stock pushes last minutes; a catalog sync hours).
 */
import { activityInfo } from '@temporalio/activity';
import { claimCreateIntents, CREATE_CALL_WINDOW_MS, CREATE_INTENT_TTL_MS, markCreateSent, releaseCreateIntents } from '../db/create-intents-repository.js';
import { findLinksBySku, upsertLink } from '../db/product-links-repository.js';
import { recordPush } from '../db/stock-pushes-repository.js';
import { updateSyncReport } from '../db/sync-reports-repository.js';
import { isApiError } from '../http/api-errors.js';
import type { RelbaseEntry, SyncItem } from '../workflows/product/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures } from './failures.js';
import { createProductRecordActivities } from './product-records.js';
import { relbaseEntryOf, syncItemsOf } from './product-items.js';

export interface CreatedOrFound {
  relbaseProductId: number;
  /** False when an earlier attempt, another sync or a person had already made it: then `entry` says what it holds. */
  created: boolean;
  entry: RelbaseEntry;
}

export function createLegacySyncActivities(deps: ActivityDeps) {
  const records = createProductRecordActivities(deps);
  return {
    /** One page of the catalog reduced to SKUs and labels (catalog runs that carry their scan). */
    async scanCatalogPage(input: { storeCode: string; page: number; limit: number }): Promise<{ products: number; skus: [string | null, string][] }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const products = await store.jumpseller.listProducts({ page: input.page, limit: input.limit });
        return { products: products.length, skus: products.flatMap(syncItemsOf).map((i): [string | null, string] => [i.sku, i.label]) };
      });
    },

    /** One page of relBase's product list, returned to the workflow (catalog runs that carry their index). */
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

    /** The relBase product for one SKU: the linked one when it still exists, else an exact match of relBase's search. */
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
     * Creates the relBase product of a SKU exactly once and records its link, holding the SKU's
     * create intent (no lock across the calls). It creates nothing when the SKU got linked meanwhile,
     * or when a lookup finds it: asked for, on a retry, or after a create whose outcome is unknown.
     */
    async createRelbaseProduct(input: { storeCode: string; item: SyncItem & { sku: string }; lookFirst: boolean }): Promise<CreatedOrFound> {
      const store = await requireStore(deps, input.storeCode);
      const { item, storeCode } = input;
      const info = activityInfo();
      const owner = `${info.workflowExecution?.workflowId ?? info.workflowType}/${info.workflowExecution?.runId ?? ''}/${info.activityId}`;
      const [claim] = await claimCreateIntents(deps.db, storeCode, owner, [item.sku], CREATE_INTENT_TTL_MS);
      if (!claim || claim.state !== 'claimed') throw new Error(`another sync is creating ${item.sku} in relBase; retrying`);
      const release = (linked: boolean) => releaseCreateIntents(deps.db, storeCode, owner, [item.sku], linked ? [item.sku] : []);
      const found = await classifyFailures(async () => {
        const link = (await findLinksBySku(deps.db, storeCode, [item.sku])).get(item.sku);
        if (link?.active) {
          const p = await store.relbase.getProduct(Number(link.relbase_product_id)).catch((err: unknown) => {
            if (isApiError(err) && err.code === 'notFound') return null;
            throw err;
          });
          if (p && p.code?.trim() === item.sku) return { relbaseProductId: p.id, created: false, entry: relbaseEntryOf(p) };
        }
        if (input.lookFirst || info.attempt > 1 || claim.createsUnconfirmed > 0) {
          const p = await store.relbase.findProductByCode(item.sku);
          if (p) return { relbaseProductId: p.id, created: false, entry: relbaseEntryOf(p) };
        }
        return null;
      });
      if (found) {
        await release(false);
        return found;
      }
      if (!(await markCreateSent(deps.db, storeCode, item.sku, owner, CREATE_INTENT_TTL_MS, CREATE_CALL_WINDOW_MS)))
        throw new Error(`the create intent of ${item.sku} expired; retrying`);
      const created = await classifyFailures(() => store.relbase.createProduct({ name: item.name, code: item.sku, price: item.price }));
      await upsertLink(deps.db, {
        storeCode,
        sku: item.sku,
        jsProductId: item.jsProductId,
        jsVariantId: item.jsVariantId,
        relbaseProductId: String(created.id),
        imageSynced: false,
      });
      await release(true);
      return { relbaseProductId: created.id, created: true, entry: relbaseEntryOf(created) };
    },

    /** Signals every order waiting for these SKUs, a page at a time. */
    async wakePendingOrders(input: { storeCode: string; skus: string[] }): Promise<number> {
      let signalled = 0;
      let after: string | null = null;
      do {
        const page: { signalled: number; next: string | null } = await records.wakePendingOrdersPage({ storeCode: input.storeCode, skus: input.skus, afterOrderId: after });
        signalled += page.signalled;
        after = page.next;
      } while (after !== null);
      return signalled;
    },

    async saveCatalogReport(input: { reportId: string; status?: string; finished: boolean; report: Record<string, unknown> }): Promise<void> {
      await updateSyncReport(deps.db, input.reportId, { report: input.report, finished: input.finished, ...(input.status ? { status: input.status } : {}) });
    },

    /** Reads the shop's stock on a first push, writes it unless equal, and records it. */
    async pushStockToShop(input: {
      storeCode: string;
      sku: string;
      jsProductId: number;
      jsVariantId: number | null;
      quantity: number;
      firstPush: boolean;
    }): Promise<'pushed' | 'already there'> {
      const store = await requireStore(deps, input.storeCode);
      const outcome = await classifyFailures(async () => {
        if (input.firstPush) {
          const current =
            input.jsVariantId !== null ? await store.jumpseller.getVariant(input.jsProductId, input.jsVariantId) : await store.jumpseller.getProduct(input.jsProductId);
          if (current.stock === input.quantity && !current.stock_unlimited) return 'already there' as const;
        }
        if (input.jsVariantId !== null) await store.jumpseller.updateVariantStock(input.jsProductId, input.jsVariantId, input.quantity);
        else await store.jumpseller.updateProductStock(input.jsProductId, input.quantity);
        return 'pushed' as const;
      });
      await recordPush(deps.db, input.storeCode, input.sku, input.quantity);
      return outcome;
    },
  };
}

export type LegacySyncActivities = ReturnType<typeof createLegacySyncActivities>;
