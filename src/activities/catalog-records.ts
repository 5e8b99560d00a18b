/**
 * Catalog sync's database activities: its report in `sync_reports`, and its working state (scan,
 * relBase index, problems) in the tables of src/db/catalog-state-repository.ts, keyed by the report
 * id. The workflow reads and writes a page's worth at a time and carries only cursors and counters.
 */
import { closeScan, dropEarlierState, dropWorkingState, readPageState, readProblems, recordProblems } from '../db/catalog-state-repository.js';
import { findLinksBySku } from '../db/product-links-repository.js';
import { startSyncReport, updateSyncReport } from '../db/sync-reports-repository.js';
import { CATALOG_REPORT_KIND, type CatalogCounts, type CatalogReport } from '../workflows/catalog/contracts.js';
import type { LinkState, RelbaseLookup, SkuProblem } from '../workflows/product/contracts.js';
import type { ActivityDeps } from './deps.js';

/** Problems (and image failures) the stored report names; the rest are counted. */
export const PROBLEMS_IN_REPORT = 1_000;

export interface CatalogPageState {
  links: Record<string, LinkState>;
  /** What relBase holds under each SKU the scan saw (SKUs added to the catalog since are absent: look them up). */
  lookups: Record<string, RelbaseLookup>;
  /** SKUs the scan found on several products or variants: reported once, kept out. */
  duplicated: string[];
}

export interface CatalogReportState {
  reportId: string;
  storeCode: string;
  status: CatalogReport['status'];
  startedAt: string;
  totalProducts: number | null;
  counts: CatalogCounts;
  /** Why a sync failed. */
  error?: string;
}

/** The stable subject of a problem: its SKU, or the item that has none. */
function subjectOf(p: SkuProblem): string {
  return p.sku ?? p.items.join('; ');
}

export function createCatalogRecordActivities(deps: ActivityDeps) {
  return {
    /** A new sync's report row, reading "running"; what earlier syncs of the store left behind goes. */
    async startCatalogReport(input: { storeCode: string; workflowId: string; startedAt: string }): Promise<string> {
      const reportId = String(await startSyncReport(deps.db, { storeCode: input.storeCode, kind: CATALOG_REPORT_KIND, workflowId: input.workflowId, startedAt: input.startedAt }));
      await dropEarlierState(deps.db, input.storeCode, reportId);
      return reportId;
    },

    /** The scan is complete: SKUs shared store-wide become problems. */
    async closeCatalogScan(input: { reportId: string }): Promise<{ skus: number; duplicated: number }> {
      return closeScan(deps.db, input.reportId);
    },

    /** Links, relBase index entries and the duplicate check for one page's SKUs. */
    async loadCatalogPage(input: { storeCode: string; reportId: string; skus: string[] }): Promise<CatalogPageState> {
      const [rows, state] = await Promise.all([findLinksBySku(deps.db, input.storeCode, input.skus), readPageState(deps.db, input.reportId, input.skus)]);
      const links: Record<string, LinkState> = {};
      for (const [sku, r] of rows) {
        links[sku] = { relbaseProductId: Number(r.relbase_product_id), jsProductId: r.js_product_id, jsVariantId: r.js_variant_id, active: r.active, imageSynced: r.image_synced };
      }
      const lookups: Record<string, RelbaseLookup> = {};
      for (const sku of state.scanned) {
        const entries = state.index.get(sku) ?? [];
        lookups[sku] =
          entries.length === 0
            ? { kind: 'absent' }
            : entries.length === 1
              ? { kind: 'found', entry: { id: entries[0]!.relbaseProductId, fingerprint: entries[0]!.fingerprint, hasImage: entries[0]!.hasImage } }
              : { kind: 'conflict', ids: entries.map((e) => e.relbaseProductId) };
      }
      return { links, lookups, duplicated: [...state.duplicated] };
    },

    /** SKU problems and image failures found on a page (a retried page records each once). */
    async recordCatalogProblems(input: { reportId: string; problems: SkuProblem[]; imageFailures: { sku: string; reason: string }[] }): Promise<void> {
      await recordProblems(deps.db, input.reportId, [
        ...input.problems.map((p) => ({ kind: p.kind, subject: subjectOf(p), sku: p.sku, items: p.items, reason: p.reason })),
        ...input.imageFailures.map((f) => ({ kind: 'image', subject: f.sku, sku: f.sku, items: [], reason: f.reason })),
      ]);
    },

    /**
     * Stores the report (counts from the workflow, problems from the table). A running sync's report
     * reads "running" whatever run of it is current; a final one ends the sync's working state and is
     * returned, the workflow's result.
     */
    async saveCatalogProgress(input: CatalogReportState): Promise<CatalogReport | null> {
      const final = input.status !== 'running';
      const p = await readProblems(deps.db, input.reportId, PROBLEMS_IN_REPORT);
      const report: CatalogReport = {
        storeCode: input.storeCode,
        status: input.status,
        startedAt: input.startedAt,
        finishedAt: final ? new Date().toISOString() : null,
        totalProducts: input.totalProducts,
        counts: input.counts,
        problems: p.problems.map((r) => ({ kind: r.kind as SkuProblem['kind'], sku: r.sku, items: r.items, reason: r.reason })),
        problemsOmitted: Math.max(0, p.problemCount - p.problems.length),
        imageFailures: p.imageFailures.map((r) => ({ sku: r.sku ?? r.subject, reason: r.reason })),
        ...(input.error !== undefined ? { error: input.error } : {}),
      };
      await updateSyncReport(deps.db, input.reportId, { report: { ...report }, status: input.status, finished: final });
      if (!final) return null;
      await dropWorkingState(deps.db, input.reportId);
      return report;
    },
  };
}

export type CatalogRecordActivities = ReturnType<typeof createCatalogRecordActivities>;
