/**
 * Catalog sync (`catalog:{store}`): what a merchant runs once when relBase already holds their
 * products. Three phases, each paging within the APIs' rate limits, one call per activity:
 *
 * 1. scanning: the whole Jumpseller catalog, SKUs only (100 products a call), into PostgreSQL, so a
 *    SKU shared by two products on different pages is caught before either is synced;
 * 2. indexing: relBase's whole product list, once, into an index by code for the scanned SKUs.
 *    relBase's search is fuzzy and walked page by page: looking up `SKU-1` alone walks every code
 *    containing it (hundreds in a 5,000-product catalog), so one lookup per SKU would cost more
 *    calls than the catalog has SKUs. The list costs one call per page of products, whatever the
 *    SKUs look like, and it is read at the start of every sync, never trusted from an earlier one;
 * 3. syncing: the catalog again, page by page, through the per-SKU sync it shares with product sync
 *    (product/sku-sync.ts), uploading each image relBase lacks right after its SKU, with several SKUs
 *    in flight so relBase's queue is always busy at its rate. A second run finds everything linked and equal,
 *    and writes nothing.
 *
 * The scan, the index and the problems live in PostgreSQL under the sync's report id; the workflow
 * carries only cursors and counters, so each run's continue-as-new input stays a few hundred bytes
 * whatever the catalog's size. The stored report reads "running" from start to end, across every
 * run; progress is also in the `progress` query and the SyncProgress search attribute. `cancel` (or
 * a Temporal cancellation) stops it after the SKUs in flight, with a report of what was done.
 */
import { CancellationScope, continueAsNew, isCancellation, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { databaseActivities, jumpsellerActivities, relbaseActivities } from '../activity-proxies.js';
import { failureMessage } from '../failures.js';
import type { SkuProblem, SyncItem } from '../product/contracts.js';
import { describeProblem, screenSkus } from '../product/plan.js';
import { syncSkuBatch, type SkuWork } from '../product/sku-sync.js';
import { catalogIndexProfile, catalogPageProfile } from '../product/sync-profiles.js';
import { wakeOrdersWaitingFor } from '../product/wake-orders.js';
import { StoreCode, SyncProgress } from '../search-attributes.js';
import {
  cancelCatalogSignal,
  catalogProgressQuery,
  emptyCounts,
  isLegacyCarry,
  type CatalogCarry,
  type CatalogPhase,
  type CatalogProgress,
  type CatalogReport,
  type CatalogSyncInput,
} from './contracts.js';
import { legacyCatalogSyncWorkflow } from './legacy-workflow.js';

/** Runs from before the state moved to PostgreSQL replay without this marker and finish the old way. */
const CATALOG_STATE_PATCH = 'catalog-state-in-postgres';
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 16;
/** Continue as new past this many events (Temporal suggests it by size too); a page adds up to a few thousand. */
const HISTORY_EVENTS_LIMIT = 8_000;

export async function catalogSyncWorkflow(input: CatalogSyncInput): Promise<CatalogReport> {
  if (isLegacyCarry(input.resume)) return legacyCatalogSyncWorkflow({ ...input, resume: input.resume });
  if (!patched(CATALOG_STATE_PATCH)) return legacyCatalogSyncWorkflow({ ...input, resume: undefined });

  const { storeCode } = input;
  const pageSize = Math.min(100, Math.max(1, input.pageSize ?? DEFAULT_PAGE_SIZE));
  const concurrency = Math.max(1, input.concurrency ?? DEFAULT_CONCURRENCY);
  const handOverAfterEvents = input.handOverAfterEvents ?? HISTORY_EVENTS_LIMIT;
  const db = databaseActivities();
  const jumpseller = jumpsellerActivities(storeCode, catalogPageProfile(storeCode));
  const relbase = relbaseActivities(storeCode, catalogIndexProfile(storeCode));

  const c: CatalogCarry = input.resume ?? {
    version: 2,
    phase: 'scanning',
    reportId: '',
    startedAt: new Date().toISOString(),
    page: 1,
    totalProducts: null,
    counts: emptyCounts(),
    cancelRequested: false,
  };
  let phase: CatalogPhase = c.phase;

  setHandler(
    catalogProgressQuery,
    (): CatalogProgress => ({
      storeCode,
      phase,
      page: c.page,
      totalProducts: c.totalProducts,
      counts: c.counts,
      cancelRequested: c.cancelRequested,
    }),
  );
  setHandler(cancelCatalogSignal, () => {
    c.cancelRequested = true;
  });

  function showProgress(): void {
    const k = c.counts;
    const total = c.totalProducts === null ? '' : `/${Math.ceil(c.totalProducts / pageSize)}`;
    upsertSearchAttributes([
      { key: StoreCode, value: storeCode },
      {
        key: SyncProgress,
        value: `${phase} page ${c.page}${phase === 'indexing' ? '' : total}: ${k.productsSeen} products, ${k.linked} linked, ${k.created} created, ${k.updated} updated, ${k.failed} failed`,
      },
    ]);
  }

  function save(status: CatalogReport['status'], error?: string): Promise<CatalogReport | null> {
    return db.saveCatalogProgress({
      reportId: c.reportId,
      storeCode,
      status,
      startedAt: c.startedAt,
      totalProducts: c.totalProducts,
      counts: c.counts,
      ...(error !== undefined ? { error } : {}),
    });
  }

  async function finish(status: 'completed' | 'cancelled'): Promise<CatalogReport> {
    phase = status;
    showProgress();
    const final = await save(status);
    log.info('catalog sync finished', { storeCode, status, counts: c.counts });
    return final!;
  }

  /** Between pages: hand over to a fresh run when the history grows (the state is all in PostgreSQL). */
  function timeToHandOver(): boolean {
    const info = workflowInfo();
    return !c.cancelRequested && (info.continueAsNewSuggested || info.historyLength > handOverAfterEvents);
  }

  let outcome: 'done' | 'hand-over';
  try {
    outcome = await run();
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (c.reportId !== '') await finish('cancelled');
      });
    } else if (c.reportId !== '') {
      // A permanent failure (the store was removed, Jumpseller refuses the credentials, a page kept
      // failing): the report must not claim to be running still.
      await save('failed', failureMessage(err));
    }
    throw err;
  }
  if (outcome === 'hand-over') {
    // Not an ending: the report keeps reading "running", with the counts so far.
    await save('running');
    return continueAsNew<typeof catalogSyncWorkflow>({ ...input, resume: { ...c, counts: { ...c.counts } } });
  }
  return finish(c.cancelRequested ? 'cancelled' : 'completed');

  async function run(): Promise<'done' | 'hand-over'> {
    if (c.reportId === '') {
      c.reportId = await db.startCatalogReport({ storeCode, workflowId: workflowInfo().workflowId, startedAt: c.startedAt });
      c.totalProducts = await jumpseller.countCatalogProducts({ storeCode });
    }
    showProgress();

    // 1. Scan: every SKU of the store, to find those shared by two products or variants.
    while (c.phase === 'scanning' && !c.cancelRequested) {
      const { products } = await jumpseller.scanCatalogPageInto({ storeCode, reportId: c.reportId, page: c.page, limit: pageSize });
      if (products < pageSize) {
        // Each shared SKU is reported once, naming every product and variant that holds it.
        const scan = await db.closeCatalogScan({ reportId: c.reportId });
        c.counts.duplicatedSkus += scan.duplicated;
        c.phase = 'indexing';
        c.page = 1;
      } else {
        c.page++;
      }
      phase = c.phase;
      showProgress();
      if (timeToHandOver()) return 'hand-over';
    }

    // 2. Index relBase by code, for the scanned SKUs only.
    while (c.phase === 'indexing' && !c.cancelRequested) {
      const { nextPage } = await relbase.indexRelbasePage({ storeCode, reportId: c.reportId, page: c.page });
      if (nextPage === null || nextPage <= c.page) {
        c.phase = 'syncing';
        c.page = 1;
      } else {
        c.page = nextPage;
      }
      phase = c.phase;
      showProgress();
      if (timeToHandOver()) return 'hand-over';
    }

    // 3. Sync, page by page; the next page is read while this one is worked on.
    let next = c.phase === 'syncing' && !c.cancelRequested ? jumpseller.readCatalogPage({ storeCode, page: c.page, limit: pageSize }) : null;
    while (c.phase === 'syncing' && !c.cancelRequested && next) {
      const { products, items } = await next;
      const last = products < pageSize;
      next = last ? null : jumpseller.readCatalogPage({ storeCode, page: c.page + 1, limit: pageSize });
      await syncPage(items);
      c.counts.pages++;
      c.counts.productsSeen += products;
      if (last) break;
      c.page++;
      showProgress();
      await save('running');
      if (timeToHandOver()) return 'hand-over';
    }
    return 'done';
  }

  async function syncPage(items: SyncItem[]): Promise<void> {
    c.counts.skusSeen += items.length;
    const skus = [...new Set(items.map((i) => (i.sku ?? '').trim()).filter((s) => s !== ''))];
    const state = await db.loadCatalogPage({ storeCode, reportId: c.reportId, skus });
    // Store-wide duplicates were reported by the scan, with every holder; they stay out.
    const duplicated = new Set(state.duplicated);
    const { valid, problems } = screenSkus(items.filter((i) => !duplicated.has((i.sku ?? '').trim())));
    const work: SkuWork[] = valid.map((item) => ({ item, link: state.links[item.sku], ...(state.lookups[item.sku] ? { known: state.lookups[item.sku] } : {}) }));

    const { workflowId, runId } = workflowInfo();
    // Images go up in the same lane right after each SKU (imagesInline): relBase's queue stays busy.
    const batch = await syncSkuBatch(storeCode, `${workflowId}/${runId}`, work, { concurrency, stopped: () => c.cancelRequested, imagesInline: true });
    const imageFailures: { sku: string; reason: string }[] = [];
    for (const d of batch.done) {
      if (d.outcome === 'created') c.counts.created++;
      else {
        if (d.updated) c.counts.updated++;
        if (d.linkedNow) c.counts.linked++;
        else if (!d.updated) c.counts.unchanged++;
      }
      if (d.image?.kind === 'failed') {
        c.counts.imageFailures++;
        imageFailures.push({ sku: d.item.sku, reason: d.image.reason });
      } else if (d.image) c.counts.imagesUploaded++;
    }
    const found: SkuProblem[] = [...problems, ...batch.failed];
    for (const p of found) count(p);
    for (const p of batch.failed) log.warn('catalog sync: SKU not synced', { storeCode, problem: describeProblem(p) });

    if (found.length > 0 || imageFailures.length > 0) await db.recordCatalogProblems({ reportId: c.reportId, problems: found, imageFailures });
    await wakeOrdersWaitingFor(
      storeCode,
      batch.done.map((d) => d.item.sku),
    );
  }

  function count(p: SkuProblem): void {
    if (p.kind === 'missing') c.counts.missingSkus++;
    else if (p.kind === 'duplicated') c.counts.duplicatedSkus++;
    else if (p.kind === 'invalid') c.counts.invalidSkus++;
    else c.counts.failed++;
  }
}
