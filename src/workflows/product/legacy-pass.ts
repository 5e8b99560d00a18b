/**
 * A product sync pass as it ran before the single-call sync (lookups and creates inside one
 * activity each, links recorded by the create, every waiting order woken by one activity). Only
 * runs whose history already holds such a pass replay it (product/workflow.ts decides with
 * `patched`); every new pass takes the shared per-SKU sync. Delete with
 * src/activities/legacy-sync-activities.ts once no product sync started before it is open.
 */
import { log, patched } from '@temporalio/workflow';
import type { LinkRecord } from '../../activities/product-activities.js';
import type { DatabaseProxy, JumpsellerProxy, RelbaseProxy } from '../activity-proxies.js';
import { failureMessage } from '../failures.js';
import type { ProductSyncState, ProductSyncStatus, RelbaseEntry, SkuOutcome, SyncItem } from './contracts.js';
import { describeProblem, planSku, screenSkus } from './plan.js';

/** Runs started before SKU claims existed replay without them (src/db/sku-claims-repository.ts). */
export const SKU_CLAIMS_PATCH = 'product-sku-claims';

/** Image uploads retry a few times, then give up for this pass: the link is already recorded. */
export const IMAGE_RETRY = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 } as const;

export interface LegacyPassContext {
  storeCode: string;
  productId: string;
  status: ProductSyncStatus;
  enter: (state: ProductSyncState, reason: string | null) => void;
  db: DatabaseProxy;
  jumpseller: JumpsellerProxy;
  relbase: RelbaseProxy;
  images: RelbaseProxy;
}

export async function legacyProductPass(ctx: LegacyPassContext): Promise<void> {
  const { storeCode, productId, status, enter, db, jumpseller, relbase, images } = ctx;
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
  const claimsOf = (items: readonly SyncItem[]) => items.filter((i) => (i.sku ?? '').trim() !== '').map((i) => ({ sku: (i.sku ?? '').trim(), label: i.label }));
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
