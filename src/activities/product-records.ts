/**
 * Product sync's database activities (on the workflow's own queue): links, the store-wide SKU
 * claims, the create intents, and waking the orders that wait for SKUs. Short statements only.
 */
import { activityInfo } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { claimCreateIntents, CREATE_INTENT_TTL_MS, releaseCreateIntents, type IntentClaim } from '../db/create-intents-repository.js';
import { deactivateLinksOfProduct, findLinksBySku, markImageSynced, upsertLinks } from '../db/product-links-repository.js';
import { claimSkus, type ClaimOutcome, type SkuClaim } from '../db/sku-claims-repository.js';
import { orderWorkflowId, productsSyncedSignal } from '../workflows/order/contracts.js';
import { productChangedSignal, productWorkflowId, type LinkState, type ProductChangedSignal, type ProductSyncInput } from '../workflows/product/contracts.js';
import { PRODUCT_SYNC_WORKFLOW_TYPE } from '../workflows/workflow-types.js';
import type { ActivityDeps } from './deps.js';

/** A link to record: the SKU's relBase product for this Jumpseller product or variant. */
export interface LinkRecord {
  sku: string;
  jsProductId: string;
  jsVariantId: string | null;
  relbaseProductId: number;
  imageSynced?: boolean;
}

/** Orders signalled per activity: a SKU many orders wait for is woken over several short activities. */
export const WAKE_PAGE_SIZE = 50;

export function createProductRecordActivities(deps: ActivityDeps) {
  const toRows = (storeCode: string, links: readonly LinkRecord[]) =>
    links.map((l) => ({
      storeCode,
      sku: l.sku,
      jsProductId: l.jsProductId,
      jsVariantId: l.jsVariantId,
      relbaseProductId: String(l.relbaseProductId),
      ...(l.imageSynced === undefined ? {} : { imageSynced: l.imageSynced }),
    }));

  return {
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
      await upsertLinks(deps.db, toRows(input.storeCode, input.links));
    },

    /** Product sync's store-wide SKU check (src/db/sku-claims-repository.ts); no claims releases the product's. */
    async claimProductSkus(input: { storeCode: string; jsProductId: string; claims: SkuClaim[] }): Promise<ClaimOutcome> {
      return claimSkus(deps.db, input.storeCode, input.jsProductId, input.claims);
    },

    /** Marks inactive the product's links whose SKU it no longer has (all of them when it was deleted). */
    async deactivateProductLinks(input: { storeCode: string; jsProductId: string; keepSkus: string[] }): Promise<string[]> {
      return deactivateLinksOfProduct(deps.db, input.storeCode, input.jsProductId, input.keepSkus);
    },

    /** Claims the right to create these SKUs' relBase products (src/db/create-intents-repository.ts). */
    async claimCreateIntents(input: { storeCode: string; owner: string; skus: string[] }): Promise<IntentClaim[]> {
      return claimCreateIntents(deps.db, input.storeCode, input.owner, input.skus, CREATE_INTENT_TTL_MS);
    },

    /**
     * The end of a batch of SKUs: records their links (those made and those found) and gives up the
     * create intents the batch held, in one short transaction.
     */
    async finishSkuSync(input: { storeCode: string; owner: string; links: LinkRecord[]; release: string[] }): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        await upsertLinks(trx, toRows(input.storeCode, input.links));
        await releaseCreateIntents(
          trx,
          input.storeCode,
          input.owner,
          input.release,
          input.links.map((l) => l.sku),
        );
      });
    },

    /** Records that a SKU's relBase product has an image (found there when an upload was tried again). */
    async markProductImageSynced(input: { storeCode: string; sku: string }): Promise<void> {
      await markImageSynced(deps.db, input.storeCode, input.sku);
    },

    /**
     * Signals `productsSynced` to one page of the orders waiting for one of these SKUs (the `orders`
     * read model, in order id order after `afterOrderId`); the workflow asks for the next page until
     * `next` is null. An order that finished meanwhile is not an error.
     */
    async wakePendingOrdersPage(input: { storeCode: string; skus: string[]; afterOrderId: string | null }): Promise<{ signalled: number; next: string | null }> {
      if (input.skus.length === 0) return { signalled: 0, next: null };
      let q = deps.db
        .selectFrom('orders')
        .select(['order_id', 'missing_skus'])
        .where('store_code', '=', input.storeCode)
        .where('state', '=', 'pending_products')
        .where(sql<boolean>`missing_skus && ${sql.val(input.skus)}::text[]`);
      if (input.afterOrderId !== null) q = q.where('order_id', '>', input.afterOrderId);
      const rows = await q.orderBy('order_id').limit(WAKE_PAGE_SIZE).execute();
      const wanted = new Set(input.skus);
      let signalled = 0;
      for (const row of rows) {
        const skus = row.missing_skus.filter((s) => wanted.has(s));
        try {
          await deps.temporal.workflow.getHandle(orderWorkflowId(input.storeCode, row.order_id)).signal(productsSyncedSignal, { skus });
          signalled++;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return { signalled, next: rows.length === WAKE_PAGE_SIZE ? rows[rows.length - 1]!.order_id : null };
    },

    /**
     * Asks product sync to run for these Jumpseller products (an order waits for their SKUs):
     * signal-with-start, so a sync already running for one only gets a hint. Runs on the main
     * queue (the workflow's), where the product workflows run too.
     */
    async requestProductSync(input: { storeCode: string; jsProductIds: string[]; reason: string }): Promise<void> {
      const taskQueue = activityInfo().taskQueue;
      for (const productId of [...new Set(input.jsProductIds)]) {
        await deps.temporal.workflow.signalWithStart<(i: ProductSyncInput) => Promise<unknown>, [ProductChangedSignal]>(PRODUCT_SYNC_WORKFLOW_TYPE, {
          workflowId: productWorkflowId(input.storeCode, productId),
          taskQueue,
          args: [{ storeCode: input.storeCode, productId }],
          signal: productChangedSignal,
          signalArgs: [{ event: input.reason, deliveryId: null }],
        });
      }
    },
  };
}

export type ProductRecordActivities = ReturnType<typeof createProductRecordActivities>;
