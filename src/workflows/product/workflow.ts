/**
 * Product sync: one workflow per Jumpseller product (`product:{store}:{productId}`), started or
 * signalled by its webhooks and by orders waiting for its SKUs. A burst of webhooks coalesces into
 * one pass after a short quiet period; each pass re-reads the product from Jumpseller (payloads are
 * only hints), checks its SKUs, links or creates one relBase product per SKU and updates what changed
 * (the per-SKU sync it shares with catalog sync, sku-sync.ts), wakes the orders waiting for them, and
 * only then uploads missing images, so an image problem never holds a link or an order back. A SKU
 * that keeps failing is reported as failed in the state, not retried forever. A product gone from
 * Jumpseller keeps its relBase products (documents refer to them): its links are marked inactive,
 * and the state says so.
 */
import { condition, continueAsNew, isCancellation, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ProductRead } from '../../activities/product-activities.js';
import { relbaseApiProfile } from '../activity-profiles.js';
import { databaseActivities, jumpsellerActivities, relbaseActivities } from '../activity-proxies.js';
import { failureMessage } from '../failures.js';
import { StoreCode, SyncProgress } from '../search-attributes.js';
import { productChangedSignal, productSyncStatusQuery, type ProductSyncInput, type ProductSyncState, type ProductSyncStatus, type SkuProblem, type SyncItem } from './contracts.js';
import { IMAGE_RETRY, legacyProductPass } from './legacy-pass.js';
import { describeProblem, screenSkus } from './plan.js';
import { syncSkuBatch, uploadImages } from './sku-sync.js';
import { syncJumpsellerProfile } from './sync-profiles.js';
import { wakeOrdersWaitingFor } from './wake-orders.js';

/**
 * Passes made of single-call steps and the shared per-SKU sync. A run whose history holds a pass
 * from before replays it with the old code (legacy-pass.ts); its later passes are new ones.
 */
const SINGLE_CALL_SYNC_PATCH = 'product-sync-single-calls';
/** Quiet time after the last hint before a pass: a product edit fires several webhooks at once. */
const DEBOUNCE = '2 seconds';
/** A product edited without pause still syncs at least this often. */
const MAX_DEBOUNCE_ROUNDS = 15;
/** Passes per run; a product busy for longer continues as new to keep its history small. */
const MAX_PASSES = 20;
/** SKUs of one product worked on at once (a product with many variants still leaves relBase's queue to others). */
const SKU_CONCURRENCY = 8;

export async function productSyncWorkflow(input: ProductSyncInput): Promise<ProductSyncStatus> {
  const { storeCode, productId } = input;
  const db = databaseActivities();
  const jumpseller = jumpsellerActivities(storeCode, syncJumpsellerProfile(storeCode));

  const status: ProductSyncStatus = {
    storeCode,
    productId,
    state: 'waiting',
    reason: 'waiting for the burst of changes to settle',
    passes: 0,
    signals: 0,
    skus: [],
    problems: [],
    deactivated: [],
  };
  setHandler(productSyncStatusQuery, () => status);
  setHandler(productChangedSignal, () => {
    status.signals++;
  });

  function enter(state: ProductSyncState, reason: string | null): void {
    status.state = state;
    status.reason = reason;
    upsertSearchAttributes([
      { key: StoreCode, value: storeCode },
      { key: SyncProgress, value: state },
    ]);
  }

  enter('waiting', status.reason);
  for (;;) {
    // Coalesce: wait until no hint arrived for DEBOUNCE (bounded, so a busy product still syncs).
    for (let round = 0; round < MAX_DEBOUNCE_ROUNDS; round++) {
      const seen = status.signals;
      if (!(await condition(() => status.signals > seen, DEBOUNCE))) break;
    }
    const seen = status.signals;
    if (patched(SINGLE_CALL_SYNC_PATCH)) await syncOnce();
    else await legacyPass();
    status.passes++;
    if (status.signals === seen) return status;
    if (status.passes >= MAX_PASSES) {
      await continueAsNew<typeof productSyncWorkflow>(input);
    }
  }

  function legacyPass(): Promise<void> {
    // The old pass's activities, with the options they had then.
    return legacyProductPass({
      storeCode,
      productId,
      status,
      enter,
      db: databaseActivities(),
      jumpseller: jumpsellerActivities(storeCode),
      relbase: relbaseActivities(storeCode),
      images: relbaseActivities(storeCode, { ...relbaseApiProfile(storeCode), retry: IMAGE_RETRY }),
    });
  }

  async function syncOnce(): Promise<void> {
    enter('syncing', 'reading the product from Jumpseller');
    let read: ProductRead;
    try {
      read = await jumpseller.readProductForSync({ storeCode, productId });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Jumpseller kept failing past the bounded retries: say so; the next change tries again.
      enter('failed', `could not read product ${productId} from Jumpseller: ${failureMessage(err)}; the next change tries again`);
      return;
    }
    if (!read.found) {
      // Its SKUs are free for other products again.
      await db.claimProductSkus({ storeCode, jsProductId: productId, claims: [] });
      const deactivated = await db.deactivateProductLinks({ storeCode, jsProductId: productId, keepSkus: [] });
      status.deactivated = deactivated;
      status.skus = [];
      status.problems = [];
      const which = deactivated.length > 0 ? `: ${deactivated.join(', ')}` : '';
      enter(
        'deleted',
        `Jumpseller no longer has product ${productId}; ${deactivated.length} link(s) marked inactive${which}. Nothing was deleted in relBase: documents refer to its products`,
      );
      log.info('product gone from Jumpseller: links marked inactive, relBase untouched', { storeCode, productId, deactivated });
      return;
    }

    const presentSkus = [...new Set(read.items.map((i) => (i.sku ?? '').trim()).filter((s) => s !== ''))];
    const known = await db.loadProductLinks({ storeCode, skus: presentSkus, jsProductId: productId });
    // The store-wide check: links say which SKUs other products hold once synced, claims which
    // they hold while a sync of theirs runs at the same time as this one.
    const claimsOf = (items: readonly SyncItem[]) => items.filter((i) => (i.sku ?? '').trim() !== '').map((i) => ({ sku: (i.sku ?? '').trim(), label: i.label }));
    const claimed = await db.claimProductSkus({ storeCode, jsProductId: productId, claims: claimsOf(read.items) });
    const { valid, problems } = screenSkus(read.items, claimed.sharedElsewhere);
    // Links of SKUs this product no longer holds (a variant removed, a SKU changed or now shared) stop counting.
    const released = await db.deactivateProductLinks({ storeCode, jsProductId: productId, keepSkus: valid.map((v) => v.sku) });
    status.deactivated = [...new Set([...released, ...claimed.deactivated])].sort();

    const { workflowId, runId } = workflowInfo();
    const batch = await syncSkuBatch(
      storeCode,
      `${workflowId}/${runId}`,
      valid.map((item) => ({ item, link: known.links[item.sku] })),
      { concurrency: SKU_CONCURRENCY },
    );
    problems.push(...batch.failed);
    const results: ProductSyncStatus['skus'] = batch.done.map((d) => ({
      sku: d.item.sku,
      relbaseProductId: d.relbaseProductId,
      outcome: d.outcome,
      image: d.uploadImage ? 'failed' : d.hadImage ? 'present' : 'none',
    }));
    let uploads = batch.done.filter((d) => d.uploadImage);
    if (results.length > 0) {
      // Claimed again now the links exist: a product that claimed one of these SKUs while this sync
      // worked on relBase saw no link yet, so the link just made is undone here and both are reported.
      const again = await db.claimProductSkus({ storeCode, jsProductId: productId, claims: claimsOf(valid) });
      for (const [sku, others] of Object.entries(again.sharedElsewhere)) {
        const i = results.findIndex((r) => r.sku === sku);
        if (i < 0) continue;
        results.splice(i, 1);
        uploads = uploads.filter((u) => u.item.sku !== sku);
        const item = valid.find((v) => v.sku === sku)!;
        problems.push({ kind: 'duplicated', sku, items: [item.label, ...others], reason: `SKU ${sku} is also used by ${others.join(', ')}; each needs its own` });
      }
      status.deactivated = [...new Set([...status.deactivated, ...again.deactivated])].sort();
    }
    const synced = results.map((r) => r.sku);
    await wakeOrdersWaitingFor(storeCode, synced);

    status.skus = results.sort((a, b) => a.sku.localeCompare(b.sku));
    status.problems = problems;
    if (problems.length > 0) log.warn('product sync: SKUs kept out of sync', { storeCode, productId, problems: problems.map(describeProblem) });
    enter('syncing', `${synced.length} SKU(s) linked; uploading ${uploads.length} image(s)`);

    // Images last: the links and the orders waiting for them do not wait for a download.
    const images = await uploadImages(
      storeCode,
      uploads.map((u) => ({ sku: u.item.sku, relbaseProductId: u.relbaseProductId, imageUrl: u.item.imageUrl! })),
      { concurrency: SKU_CONCURRENCY },
    );
    for (const row of results) {
      const image = images.get(row.sku);
      if (!image) continue;
      row.image = image.kind === 'failed' ? 'failed' : image.kind;
      if (image.kind === 'failed') log.warn('product image not uploaded to relBase', { storeCode, productId, sku: row.sku, reason: image.reason });
    }
    enter(problems.some((p) => p.kind === 'failed') ? 'failed' : 'synced', summary(synced, problems, results, status.deactivated));
  }
}

function summary(synced: readonly string[], problems: readonly SkuProblem[], results: ProductSyncStatus['skus'], deactivated: readonly string[]): string {
  const imageFailures = results.filter((r) => r.image === 'failed').map((r) => r.sku);
  return [
    `${synced.length} SKU(s) in relBase`,
    ...(problems.length > 0 ? [`${problems.length} kept out: ${problems.map(describeProblem).join('; ')}`] : []),
    ...(imageFailures.length > 0 ? [`image upload failed for ${imageFailures.join(', ')} (the next change retries)`] : []),
    ...(deactivated.length > 0 ? [`links marked inactive: ${deactivated.join(', ')}`] : []),
  ].join('; ');
}

export type { SkuProblem };
