/**
 * Catalog sync as it ran before its state moved to PostgreSQL: the scan, the relBase index and the
 * problems travelled in every continue-as-new input. Only runs started before that finish here:
 * catalog/workflow.ts sends a run replaying an old history (no `catalog-state-in-postgres` marker),
 * and a run continued from one (a `LegacyCatalogCarry`), to this function. Delete it with
 * src/activities/legacy-sync-activities.ts once no catalog sync started before is open.
 */
import { CancellationScope, continueAsNew, isCancellation, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { LinkRecord } from '../../activities/product-activities.js';
import { isSkuAcceptable } from '../../domain/sku.js';
import { relbaseApiProfile } from '../activity-profiles.js';
import { databaseActivities, jumpsellerActivities, relbaseActivities } from '../activity-proxies.js';
import type { LinkState, RelbaseEntry, SkuProblem, SyncItem } from '../product/contracts.js';
import { describeProblem, planSku, screenSkus } from '../product/plan.js';
import { IMAGE_RETRY } from '../product/legacy-pass.js';
import { failureMessage } from '../failures.js';
import { StoreCode, SyncProgress } from '../search-attributes.js';
import {
  cancelCatalogSignal,
  catalogProgressQuery,
  emptyCounts,
  type CatalogPhase,
  type CatalogProgress,
  type CatalogReport,
  type CatalogSyncInput,
  type LegacyCatalogCarry,
} from './contracts.js';

type CatalogCarry = LegacyCatalogCarry;

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 16;
/** Continue as new past this many events (Temporal suggests it by size too); a page adds a few thousand. */
const HISTORY_EVENTS_LIMIT = 8_000;
const PROBLEMS_KEPT = 1_000;

export async function legacyCatalogSyncWorkflow(input: CatalogSyncInput & { resume?: LegacyCatalogCarry }): Promise<CatalogReport> {
  const { storeCode } = input;
  const pageSize = Math.min(100, Math.max(1, input.pageSize ?? DEFAULT_PAGE_SIZE));
  const concurrency = Math.max(1, input.concurrency ?? DEFAULT_CONCURRENCY);
  const db = databaseActivities();
  const jumpseller = jumpsellerActivities(storeCode);
  const relbase = relbaseActivities(storeCode);
  const images = relbaseActivities(storeCode, { ...relbaseApiProfile(storeCode), retry: IMAGE_RETRY });

  const c: CatalogCarry = input.resume ?? {
    phase: 'scanning',
    reportId: '',
    startedAt: new Date().toISOString(),
    page: 1,
    totalProducts: null,
    firstSeen: {},
    scannedSkus: [],
    duplicated: {},
    index: {},
    conflicts: {},
    counts: emptyCounts(),
    problems: [],
    problemsOmitted: 0,
    imageFailures: [],
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

  function report(status: CatalogReport['status']): CatalogReport {
    return {
      storeCode,
      status,
      startedAt: c.startedAt,
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      totalProducts: c.totalProducts,
      counts: c.counts,
      problems: c.problems,
      problemsOmitted: c.problemsOmitted,
      imageFailures: c.imageFailures,
    };
  }

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

  function addProblem(p: SkuProblem): void {
    if (p.kind === 'missing') c.counts.missingSkus++;
    else if (p.kind === 'duplicated') c.counts.duplicatedSkus++;
    else if (p.kind === 'invalid') c.counts.invalidSkus++;
    else c.counts.failed++;
    if (c.problems.length < PROBLEMS_KEPT) c.problems.push(p);
    else c.problemsOmitted++;
  }

  async function finish(status: 'completed' | 'cancelled'): Promise<CatalogReport> {
    phase = status;
    showProgress();
    const final = report(status);
    await db.saveCatalogReport({ reportId: c.reportId, status, finished: true, report: { ...final } });
    log.info('catalog sync finished', { storeCode, status, counts: c.counts });
    return final;
  }

  /** Between pages: hand over to a fresh run when the history grows. */
  async function maybeContinueAsNew(): Promise<void> {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_LIMIT) {
      await db.saveCatalogReport({ reportId: c.reportId, finished: false, report: { ...report('running') } });
      await continueAsNew<(i: CatalogSyncInput) => Promise<CatalogReport>>({ ...input, resume: c });
    }
  }

  try {
    if (c.reportId === '') {
      c.reportId = await db.startCatalogReport({ storeCode, workflowId: workflowInfo().workflowId, startedAt: c.startedAt });
      c.totalProducts = await jumpseller.countCatalogProducts({ storeCode });
    }
    showProgress();

    // 1. Scan: every SKU of the store, to find those shared by two products or variants.
    while (c.phase === 'scanning' && !c.cancelRequested) {
      const { products, skus } = await jumpseller.scanCatalogPage({ storeCode, page: c.page, limit: pageSize });
      for (const [raw, label] of skus) {
        const sku = (raw ?? '').trim();
        if (sku === '' || !isSkuAcceptable(sku)) continue;
        const first = c.firstSeen[sku];
        if (first === undefined) c.firstSeen[sku] = label;
        else c.duplicated[sku] = [...(c.duplicated[sku] ?? [first]), label];
      }
      if (products < pageSize) {
        c.scannedSkus = Object.keys(c.firstSeen);
        c.firstSeen = {};
        // Each shared SKU is reported once, naming every product and variant that holds it.
        for (const sku of Object.keys(c.duplicated).sort()) {
          const holders = c.duplicated[sku]!;
          addProblem({ kind: 'duplicated', sku, items: holders, reason: `SKU ${sku} is shared by ${holders.length} products or variants of the store; each needs its own` });
        }
        c.phase = 'indexing';
        c.page = 1;
      } else {
        c.page++;
      }
      showProgress();
      await maybeContinueAsNew();
    }
    phase = c.phase;

    // 2. Index relBase by code, for the scanned SKUs only (the index is carried across runs).
    const scanned = new Set(c.scannedSkus);
    while (c.phase === 'indexing' && !c.cancelRequested) {
      const { entries, nextPage } = await relbase.readRelbaseIndexPage({ storeCode, page: c.page });
      for (const [code, entry] of entries) {
        if (!scanned.has(code)) continue;
        const known = c.conflicts[code] ?? (c.index[code] ? [c.index[code].id] : []);
        if (known.length > 0 && !known.includes(entry.id)) {
          c.conflicts[code] = [...known, entry.id];
          delete c.index[code];
        } else if (known.length === 0) {
          c.index[code] = entry;
        }
      }
      if (nextPage === null) {
        c.phase = 'syncing';
        c.page = 1;
      } else {
        c.page = nextPage;
      }
      phase = c.phase;
      showProgress();
      await maybeContinueAsNew();
    }

    // 3. Sync, page by page; the next page is read while this one is worked on.
    const duplicated = new Set(Object.keys(c.duplicated));
    let next = c.phase === 'syncing' && !c.cancelRequested ? jumpseller.readCatalogPage({ storeCode, page: c.page, limit: pageSize }) : null;
    while (c.phase === 'syncing' && !c.cancelRequested && next) {
      const { products, items } = await next;
      const last = products < pageSize;
      next = last ? null : jumpseller.readCatalogPage({ storeCode, page: c.page + 1, limit: pageSize });
      await syncPage(items, duplicated);
      c.counts.pages++;
      c.counts.productsSeen += products;
      if (last) break;
      c.page++;
      showProgress();
      await db.saveCatalogReport({ reportId: c.reportId, finished: false, report: { ...report('running') } });
      if (!c.cancelRequested) await maybeContinueAsNew();
    }
    return await finish(c.cancelRequested ? 'cancelled' : 'completed');
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (c.reportId !== '') await finish('cancelled');
      });
    } else if (c.reportId !== '') {
      // A permanent failure (the store was removed, Jumpseller refuses the credentials): the report
      // must not claim to be running still.
      await db.saveCatalogReport({
        reportId: c.reportId,
        status: 'failed',
        finished: true,
        report: { ...report('running'), status: 'failed' as const, error: failureMessage(err) },
      });
    }
    throw err;
  }

  async function syncPage(items: SyncItem[], duplicated: Set<string>): Promise<void> {
    c.counts.skusSeen += items.length;
    // Store-wide duplicates were reported by the scan, with every holder; they stay out.
    const { valid, problems } = screenSkus(items.filter((i) => !duplicated.has((i.sku ?? '').trim())));
    for (const p of problems) addProblem(p);

    const { links } = await db.loadProductLinks({ storeCode, skus: valid.map((v) => v.sku), jsProductId: null });
    const toLink: LinkRecord[] = [];
    const done: string[] = [];
    let nextItem = 0;
    const lanes = Array.from({ length: Math.min(concurrency, valid.length) }, async () => {
      while (nextItem < valid.length && !c.cancelRequested) {
        const item = valid[nextItem++]!;
        await syncSku(item, links[item.sku], toLink, done);
      }
    });
    await Promise.all(lanes);
    if (toLink.length > 0) await db.recordProductLinks({ storeCode, links: toLink });
    if (done.length > 0) await db.wakePendingOrders({ storeCode, skus: done });
  }

  async function syncSku(item: SyncItem & { sku: string }, link: LinkState | undefined, toLink: LinkRecord[], done: string[]): Promise<void> {
    const conflict = c.conflicts[item.sku];
    if (conflict) {
      addProblem({
        kind: 'failed',
        sku: item.sku,
        items: [item.label],
        reason: `relBase holds ${conflict.length} products with code ${item.sku} (ids ${conflict.join(', ')}); merge them in relBase`,
      });
      return;
    }
    try {
      const indexed: RelbaseEntry | null = c.index[item.sku] ?? null;
      let plan = planSku(item, indexed, link, true);
      let entry: RelbaseEntry;
      let created = false;
      if (indexed === null) {
        const made = await relbase.createRelbaseProduct({ storeCode, item, lookFirst: plan.lookFirst });
        entry = made.entry;
        created = made.created;
        plan = created ? { ...plan, uploadImage: item.imageUrl !== null } : planSku(item, entry, link);
      } else {
        entry = indexed;
      }
      if (created) {
        c.counts.created++;
      } else {
        if (plan.update) {
          await relbase.updateRelbaseProduct({ storeCode, relbaseProductId: entry.id, name: item.name, price: item.price });
          c.counts.updated++;
        }
        if (plan.recordLink) c.counts.linked++;
        else if (!plan.update) c.counts.unchanged++;
      }
      let imageSynced = entry.hasImage;
      if (plan.uploadImage) {
        try {
          await images.uploadProductImage({ storeCode, sku: item.sku, relbaseProductId: entry.id, imageUrl: item.imageUrl! });
          c.counts.imagesUploaded++;
          imageSynced = true;
        } catch (err) {
          if (isCancellation(err)) throw err;
          c.counts.imageFailures++;
          if (c.imageFailures.length < PROBLEMS_KEPT) c.imageFailures.push({ sku: item.sku, reason: failureMessage(err) });
        }
      }
      if (!created && plan.recordLink) {
        toLink.push({ sku: item.sku, jsProductId: item.jsProductId, jsVariantId: item.jsVariantId, relbaseProductId: entry.id, imageSynced });
      }
      done.push(item.sku);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const p: SkuProblem = { kind: 'failed', sku: item.sku, items: [item.label], reason: failureMessage(err) };
      addProblem(p);
      log.warn('catalog sync: SKU not synced', { storeCode, problem: describeProblem(p) });
    }
  }
}
