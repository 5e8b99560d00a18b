/**
 * Product activities on the store's relBase queue. Each makes one relBase call (a page, a read, a
 * create, an update, an upload), so the queue's rate is relBase's rate, and a throttling answer goes
 * back to Temporal's retry; the workflows loop over pages and decide what to call next.
 */
import { ApplicationFailure } from '@temporalio/common';
import { recordIndexEntries } from '../db/catalog-state-repository.js';
import { CREATE_CALL_WINDOW_MS, CREATE_INTENT_TTL_MS, markCreateSent } from '../db/create-intents-repository.js';
import { markImageSynced } from '../db/product-links-repository.js';
import { isApiError } from '../http/api-errors.js';
import { sameProductCode } from '../relbase/matching.js';
import type { CreateOutcome, RelbaseEntry } from '../workflows/product/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures } from './failures.js';
import { downloadImage, type ImageDownloadOptions } from './product-images.js';
import { relbaseEntryOf } from './product-items.js';

export interface RelbaseProductActivityOptions {
  image?: ImageDownloadOptions;
}

export function createRelbaseProductActivities(deps: ActivityDeps, options: RelbaseProductActivityOptions = {}) {
  return {
    /** One relBase product by id, with its code; null when relBase no longer has it. */
    async readRelbaseProduct(input: { storeCode: string; relbaseProductId: number }): Promise<(RelbaseEntry & { code: string | null }) | null> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        try {
          const p = await store.relbase.getProduct(input.relbaseProductId);
          return { ...relbaseEntryOf(p), code: p.code };
        } catch (err) {
          if (isApiError(err) && err.code === 'notFound') return null;
          throw err;
        }
      });
    },

    /**
     * One page of relBase's fuzzy search for a code, reduced to the exact matches: looking a SKU up
     * walks every code that contains it, one page per activity, and the workflow decides when to stop.
     */
    async findRelbaseProductsPage(input: { storeCode: string; code: string; page: number }): Promise<{ matches: RelbaseEntry[]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const { products, nextPage } = await store.relbase.searchProducts(input.code.trim(), input.page);
        return { matches: products.filter((p) => sameProductCode(p.code, input.code)).map(relbaseEntryOf), nextPage };
      });
    },

    /**
     * One page of relBase's whole product list (an empty query lists every active product), kept in
     * the catalog sync's index for the codes its scan saw.
     */
    async indexRelbasePage(input: { storeCode: string; reportId: string; page: number }): Promise<{ nextPage: number | null; products: number; indexed: number }> {
      const store = await requireStore(deps, input.storeCode);
      const { products, nextPage } = await classifyFailures(() => store.relbase.searchProducts('', input.page));
      const entries = products
        .filter((p) => (p.code?.trim() ?? '') !== '')
        .map((p) => ({ code: p.code!.trim(), relbaseProductId: p.id, fingerprint: relbaseEntryOf(p).fingerprint, hasImage: relbaseEntryOf(p).hasImage }));
      const indexed = await recordIndexEntries(deps.db, input.reportId, entries);
      return { nextPage, products: products.length, indexed };
    },

    /**
     * Sends one create for a SKU whose create intent `owner` holds, and says what came of it without
     * retrying: the workflow looks the code up before any second create (run this activity with a
     * single attempt). The intent is checked and counted just before the call, by one short
     * statement; nothing is held open across it.
     */
    async createRelbaseProductOnce(input: { storeCode: string; owner: string; sku: string; name: string; price: number; taxAffected?: boolean }): Promise<CreateOutcome> {
      const store = await requireStore(deps, input.storeCode);
      if (!(await markCreateSent(deps.db, input.storeCode, input.sku, input.owner, CREATE_INTENT_TTL_MS, CREATE_CALL_WINDOW_MS))) return { kind: 'claimLost' };
      try {
        // Exento when Jumpseller charges no IVA on it; taxed otherwise, and when Jumpseller does not say.
        const created = await store.relbase.createProduct({ name: input.name, code: input.sku, price: input.price, taxAffected: input.taxAffected ?? true });
        return { kind: 'created', entry: relbaseEntryOf(created) };
      } catch (err) {
        if (!isApiError(err)) return { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
        // A 403 is an answer: relBase refused (throttling, as it says over its limit), so nothing was made.
        if (err.status === 403) return { kind: 'refused', reason: err.message };
        // No answer, a 5xx, or a 2xx we could not read: the product may exist now.
        if (err.transient || err.code === 'badResponse') return { kind: 'unknown', reason: err.message };
        throw ApplicationFailure.nonRetryable(err.message, err.type, { status: err.status ?? null });
      }
    },

    /** Brings a relBase product's name, gross price and (when Jumpseller says) tax status in line with Jumpseller (a PUT is idempotent). */
    async updateRelbaseProduct(input: { storeCode: string; relbaseProductId: number; name: string; price: number; taxAffected?: boolean }): Promise<void> {
      const store = await requireStore(deps, input.storeCode);
      const tax = input.taxAffected === undefined ? {} : { tax_affected: input.taxAffected };
      await classifyFailures(() => store.relbase.updateProduct(input.relbaseProductId, { name: input.name, price: input.price, ...tax }));
    },

    /**
     * Downloads the Jumpseller image and uploads it to a relBase product that had none: one relBase
     * call. Before trying again after a failure, the workflow reads the product (an earlier attempt
     * may have got there), so an image a person put there meanwhile is never replaced.
     */
    async uploadProductImage(input: { storeCode: string; sku: string; relbaseProductId: number; imageUrl: string }): Promise<'uploaded' | 'present'> {
      const store = await requireStore(deps, input.storeCode);
      await classifyFailures(async () => {
        const image = await downloadImage(input.imageUrl, { ...(deps.imageSources ? { policy: deps.imageSources } : {}), ...options.image });
        await store.relbase.uploadProductImage(input.relbaseProductId, image);
      });
      await markImageSynced(deps.db, input.storeCode, input.sku);
      return 'uploaded';
    },
  };
}

export type RelbaseProductActivities = ReturnType<typeof createRelbaseProductActivities>;
