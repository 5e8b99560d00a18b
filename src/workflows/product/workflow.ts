/**
 * Product sync: one workflow per Jumpseller product (`product:{store}:{productId}`), started or
 * signalled by its webhooks and by orders waiting for its SKUs. A burst of webhooks coalesces into
 * one pass after a short quiet period; each pass re-reads the product from Jumpseller (payloads are
 * only hints), checks its SKUs, links or creates one relBase product per SKU, updates what changed,
 * records the links, wakes the orders waiting for them, and only then uploads missing images, so an
 * image problem never holds a link or an order back. A product gone from Jumpseller keeps its
 * relBase products (documents refer to them): its links are marked inactive, and the state says so.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { LinkRecord, ProductActivities } from '../../activities/product-activities.js';
import { databaseProfile, jumpsellerApiProfile, relbaseApiProfile } from '../activity-profiles.js';
import { StoreCode, SyncProgress } from '../search-attributes.js';
import {
  productChangedSignal,
  productSyncStatusQuery,
  type ProductSyncInput,
  type ProductSyncState,
  type ProductSyncStatus,
  type RelbaseEntry,
  type SkuOutcome,
  type SkuProblem,
  type SyncItem,
} from './contracts.js';
import { describeProblem, planSku, screenSkus } from './plan.js';

/** Quiet time after the last hint before a pass: a product edit fires several webhooks at once. */
/** Runs started before SKU claims existed replay without them (src/db/sku-claims-repository.ts). */
const SKU_CLAIMS_PATCH = 'product-sku-claims';
const DEBOUNCE = '2 seconds';
/** A product edited without pause still syncs at least this often. */
const MAX_DEBOUNCE_ROUNDS = 15;
/** Passes per run; a product busy for longer continues as new to keep its history small. */
const MAX_PASSES = 20;

/** Image uploads retry a few times, then give up for this pass: the link is already recorded. */
export const IMAGE_RETRY = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 } as const;

export async function productSyncWorkflow(input: ProductSyncInput): Promise<ProductSyncStatus> {
  const { storeCode, productId } = input;
  const db = proxyActivities<ProductActivities>(databaseProfile);
  const jumpseller = proxyActivities<ProductActivities>(jumpsellerApiProfile(storeCode));
  const relbase = proxyActivities<ProductActivities>(relbaseApiProfile(storeCode));
  const images = proxyActivities<ProductActivities>({ ...relbaseApiProfile(storeCode), retry: IMAGE_RETRY });

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
    await syncOnce();
    status.passes++;
    if (status.signals === seen) return status;
    if (status.passes >= MAX_PASSES) {
      await continueAsNew<typeof productSyncWorkflow>(input);
    }
  }

  async function syncOnce(): Promise<void> {
    enter('syncing', 'reading the product from Jumpseller');
    const read = await jumpseller.readProductForSync({ storeCode, productId });
    if (!read.found) {
      // Its SKUs are free for other products again (behind a patch: older runs replay without claims).
      if (patched(SKU_CLAIMS_PATCH)) await db.claimProductSkus({ storeCode, jsProductId: productId, claims: [] });
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
    const claimsOf = (items: readonly SyncItem[]) =>
      items.filter((i) => (i.sku ?? '').trim() !== '').map((i) => ({ sku: (i.sku ?? '').trim(), label: i.label }));
    const claimed = patched(SKU_CLAIMS_PATCH) ? await db.claimProductSkus({ storeCode, jsProductId: productId, claims: claimsOf(read.items) }) : null;
    const { valid, problems } = screenSkus(read.items, claimed?.sharedElsewhere ?? known.sharedElsewhere);
    // Links of SKUs this product no longer holds (a variant removed, a SKU changed or now shared) stop counting.
    const released = await db.deactivateProductLinks({ storeCode, jsProductId: productId, keepSkus: valid.map((v) => v.sku) });
    status.deactivated = [...new Set([...released, ...(claimed?.deactivated ?? [])])].sort();

    const results: ProductSyncStatus['skus'] = [];
    const toLink: LinkRecord[] = [];
    const uploads: { item: SyncItem & { sku: string }; relbaseProductId: number }[] = [];
    await Promise.all(
      valid.map(async (item) => {
        try {
          const link = known.links[item.sku];
          const entry: RelbaseEntry | null = await relbase.lookupRelbaseProduct({
            storeCode,
            sku: item.sku,
            linkedId: link?.active ? link.relbaseProductId : null,
          });
          let plan = planSku(item, entry, link);
          let outcome: SkuOutcome;
          let current: RelbaseEntry;
          if (entry === null) {
            const made = await relbase.createRelbaseProduct({ storeCode, item, lookFirst: false });
            current = made.entry;
            if (made.created) {
              outcome = 'created';
              plan = { ...plan, uploadImage: item.imageUrl !== null };
            } else {
              plan = planSku(item, current, link);
              outcome = plan.recordLink ? 'linked' : 'unchanged';
            }
          } else {
            current = entry;
            outcome = plan.recordLink ? 'linked' : 'unchanged';
          }
          const relbaseProductId = current.id;
          if (outcome !== 'created') {
            if (plan.update) {
              await relbase.updateRelbaseProduct({ storeCode, relbaseProductId, name: item.name, price: item.price });
              outcome = 'updated';
            }
            if (plan.recordLink) {
              toLink.push({ sku: item.sku, jsProductId: item.jsProductId, jsVariantId: item.jsVariantId, relbaseProductId, imageSynced: current.hasImage });
            }
          }
          if (plan.uploadImage) uploads.push({ item, relbaseProductId });
          results.push({ sku: item.sku, relbaseProductId, outcome, image: plan.uploadImage ? 'failed' : current.hasImage ? 'present' : 'none' });
        } catch (err) {
          problems.push({ kind: 'failed', sku: item.sku, items: [item.label], reason: failureMessage(err) });
        }
      }),
    );
    if (toLink.length > 0) await db.recordProductLinks({ storeCode, links: toLink });
    if (claimed && results.length > 0) {
      // Claimed again now the links exist: a product that claimed one of these SKUs while this sync
      // worked on relBase saw no link yet, so the link just made is undone here and both are reported.
      const again = await db.claimProductSkus({ storeCode, jsProductId: productId, claims: claimsOf(valid) });
      for (const [sku, others] of Object.entries(again.sharedElsewhere)) {
        const i = results.findIndex((r) => r.sku === sku);
        if (i < 0) continue;
        results.splice(i, 1);
        uploads.splice(0, uploads.length, ...uploads.filter((u) => u.item.sku !== sku));
        const item = valid.find((v) => v.sku === sku)!;
        problems.push({ kind: 'duplicated', sku, items: [item.label, ...others], reason: `SKU ${sku} is also used by ${others.join(', ')}; each needs its own` });
      }
      status.deactivated = [...new Set([...status.deactivated, ...again.deactivated])].sort();
    }
    const synced = results.map((r) => r.sku);
    if (synced.length > 0) await db.wakePendingOrders({ storeCode, skus: synced });

    status.skus = results.sort((a, b) => a.sku.localeCompare(b.sku));
    status.problems = problems;
    if (problems.length > 0) log.warn('product sync: SKUs kept out of sync', { storeCode, productId, problems: problems.map(describeProblem) });
    enter('syncing', `${synced.length} SKU(s) linked; uploading ${uploads.length} image(s)`);

    // Images last: the links and the orders waiting for them do not wait for a download.
    await Promise.all(
      uploads.map(async ({ item, relbaseProductId }) => {
        const row = results.find((r) => r.sku === item.sku)!;
        try {
          const done = await images.uploadProductImage({ storeCode, sku: item.sku, relbaseProductId, imageUrl: item.imageUrl! });
          row.image = done === 'uploaded' ? 'uploaded' : 'present';
        } catch (err) {
          row.image = 'failed';
          log.warn('product image not uploaded to relBase', { storeCode, productId, sku: item.sku, reason: failureMessage(err) });
        }
      }),
    );
    const imageFailures = results.filter((r) => r.image === 'failed').map((r) => r.sku);
    const parts = [
      `${synced.length} SKU(s) in relBase`,
      ...(problems.length > 0 ? [`${problems.length} kept out: ${problems.map(describeProblem).join('; ')}`] : []),
      ...(imageFailures.length > 0 ? [`image upload failed for ${imageFailures.join(', ')} (the next change retries)`] : []),
      ...(status.deactivated.length > 0 ? [`links marked inactive: ${status.deactivated.join(', ')}`] : []),
    ];
    enter('synced', parts.join('; '));
  }
}

/** A failure's own message (the permanent cause behind an activity failure), for state and reports. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export type { SkuProblem };
