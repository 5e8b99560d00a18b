/**
 * Stock reconcile (`stock-reconcile:{store}`), run by a schedule and by operators: relBase publishes
 * no stock webhooks that we know of, so this walks the store's linked SKUs, reads each one's relBase
 * stock once (on the relBase queue, within its rate), and hands the SKUs whose shop value would
 * change to their stock push workflows with the reading, so they push without reading again. The
 * report in `sync_reports` lists the drift found (SKU, relBase value, shop value).
 */
import { ActivityFailure, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { stockForShop } from '../../domain/stock.js';
import { relbaseApiProfile } from '../activity-profiles.js';
import { databaseActivities, relbaseActivities } from '../activity-proxies.js';
import { stockReconcileProgressQuery, type StockReconcileInput, type StockReconcileProgress } from './contracts.js';

const PAGE_SIZE = 250;
/** Pages per run before continuing as new (about 800 history events a page). */
const PAGES_PER_RUN = 4;
const MAX_DRIFT_KEPT = 5000;
const READS_IN_FLIGHT = 8;

/** `fn` over `items` with at most `limit` running, results in order (deterministic: no timing involved). */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

export async function stockReconcileWorkflow(input: StockReconcileInput): Promise<StockReconcileProgress> {
  const { storeCode } = input;
  const db = databaseActivities();
  // A SKU whose read keeps failing is reported, not retried forever: the next reconcile tries again.
  const relbase = relbaseActivities(storeCode, { ...relbaseApiProfile(storeCode), retry: { maximumAttempts: 5, initialInterval: '2s' } });

  let progress: StockReconcileProgress | null = input.progress ?? null;
  setHandler(stockReconcileProgressQuery, () => progress);

  if (!progress) {
    const reportId = await db.startStockReconcileReport({ storeCode, workflowId: workflowInfo().workflowId, startedAt: new Date().toISOString() });
    progress = { reportId, afterSku: null, checked: 0, changed: 0, failed: 0, drift: [], failures: [] };
    if (!(await db.stockSyncEnabled({ storeCode }))) {
      await db.saveStockReconcileReport({ progress, status: 'skipped' });
      return progress;
    }
  }
  const p = progress;

  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const skus = await db.listLinkedSkus({ storeCode, afterSku: p.afterSku, limit: PAGE_SIZE });
    if (skus.length === 0) {
      await db.saveStockReconcileReport({ progress: p, status: 'completed' });
      return p;
    }
    const read = async (s: (typeof skus)[number]) => {
      try {
        return { ...s, raw: await relbase.readRelbaseStock({ storeCode, relbaseProductId: Number(s.relbaseProductId) }) };
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        p.failed++;
        if (p.failures.length < 100) p.failures.push({ sku: s.sku, error: err.cause?.message ?? err.message });
        return null;
      }
    };
    // A few reads in flight, not the whole page: the store's relBase queue is shared with orders and
    // stock notices, which must not wait behind a hundred queued reconcile reads. A sliding window
    // (not batches) keeps the queue fed, so the reconcile uses relBase's whole rate.
    const readings = await mapWithConcurrency(skus, READS_IN_FLIGHT, read);
    const changed = readings.filter((r): r is NonNullable<typeof r> => r !== null && stockForShop(r.raw) !== r.lastPushed);
    for (const c of changed) if (p.drift.length < MAX_DRIFT_KEPT) p.drift.push({ sku: c.sku, relbase: c.raw, jumpseller: c.lastPushed });
    if (changed.length > 0) await db.requestStockPushes({ storeCode, changes: changed.map((c) => ({ sku: c.sku, observed: c.raw })) });
    p.checked += skus.length;
    p.changed += changed.length;
    p.afterSku = skus[skus.length - 1]!.sku;
    await db.saveStockReconcileReport({ progress: p, status: 'running' });
  }
  return continueAsNew<typeof stockReconcileWorkflow>({ storeCode, progress: p });
}
