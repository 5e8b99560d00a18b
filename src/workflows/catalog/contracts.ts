/**
 * Catalog sync's contract: `catalog:{store}`, one at a time per store (start it with
 * `workflowIdConflictPolicy: 'USE_EXISTING'`: a second start gets the running one), the `cancel`
 * signal, the `progress` query and the report it stores in `sync_reports` (kind 'catalog').
 * The admin API addresses the same names (src/api/admin/sync-contracts.ts). No Node or I/O imports.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SkuProblem } from '../product/contracts.js';

export { CATALOG_WORKFLOW_TYPE } from '../workflow-types.js';
export const CATALOG_REPORT_KIND = 'catalog';

export function catalogWorkflowId(storeCode: string): string {
  return `catalog:${storeCode}`;
}

export interface CatalogSyncInput {
  storeCode: string;
  /** Jumpseller products per page, at most 100 (the API's maximum, and the fewest calls). */
  pageSize?: number;
  /** SKUs worked on at once; enough to keep relBase's queue busy at its rate. Default 16. */
  concurrency?: number;
  /** Hand over to a fresh run past this many history events (default 8,000; tests lower it). */
  handOverAfterEvents?: number;
  /**
   * Set by the workflow itself when it continues as new: cursors and counters only, whatever the
   * catalog's size (the scan, the relBase index and the problems are in PostgreSQL, by report id).
   * A run started before that (`LegacyCatalogCarry`, which carried everything) finishes the old way.
   */
  resume?: CatalogCarry | LegacyCatalogCarry;
}

export interface CatalogCounts {
  pages: number;
  productsSeen: number;
  skusSeen: number;
  /** SKUs already in relBase by code, linked now (never duplicated). */
  linked: number;
  created: number;
  /** relBase products whose name or gross price were brought in line. */
  updated: number;
  /** Already linked and equal: nothing to do. */
  unchanged: number;
  imagesUploaded: number;
  imageFailures: number;
  /** SKUs relBase refused (permanent failures), each named in `problems`. */
  failed: number;
  missingSkus: number;
  duplicatedSkus: number;
  invalidSkus: number;
}

export function emptyCounts(): CatalogCounts {
  return {
    pages: 0,
    productsSeen: 0,
    skusSeen: 0,
    linked: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    imagesUploaded: 0,
    imageFailures: 0,
    failed: 0,
    missingSkus: 0,
    duplicatedSkus: 0,
    invalidSkus: 0,
  };
}

export type CatalogPhase = 'scanning' | 'indexing' | 'syncing' | 'completed' | 'cancelled';

/** What one run hands the next when it continues as new: where it got to, and the counts so far. */
export interface CatalogCarry {
  /** Tells this carry from one written before the state moved to PostgreSQL. */
  version: 2;
  phase: 'scanning' | 'indexing' | 'syncing';
  reportId: string;
  startedAt: string;
  /** Next page of the current phase (Jumpseller for scanning and syncing, relBase for indexing). */
  page: number;
  totalProducts: number | null;
  counts: CatalogCounts;
  cancelRequested: boolean;
}

/**
 * The carry of runs started before this version: it held the scan, the relBase index and the
 * problems themselves. Such a run finishes with the code it started with (catalog/legacy-workflow.ts).
 */
export interface LegacyCatalogCarry {
  phase: 'scanning' | 'indexing' | 'syncing';
  reportId: string;
  startedAt: string;
  page: number;
  totalProducts: number | null;
  firstSeen: Record<string, string>;
  scannedSkus: string[];
  duplicated: Record<string, string[]>;
  index: Record<string, { id: number; fingerprint: string; hasImage: boolean }>;
  conflicts: Record<string, number[]>;
  counts: CatalogCounts;
  problems: SkuProblem[];
  problemsOmitted: number;
  imageFailures: { sku: string; reason: string }[];
  cancelRequested: boolean;
}

export function isLegacyCarry(carry: CatalogCarry | LegacyCatalogCarry | undefined): carry is LegacyCatalogCarry {
  return carry !== undefined && !('version' in carry);
}

export interface CatalogProgress {
  storeCode: string;
  phase: CatalogPhase;
  /** The page being worked on in the current phase. */
  page: number;
  totalProducts: number | null;
  counts: CatalogCounts;
  cancelRequested: boolean;
}

/** The report stored in `sync_reports` and returned by the workflow. */
export interface CatalogReport {
  storeCode: string;
  /** 'running' from the start to the end of the sync, across every run it continues as new into. */
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  totalProducts: number | null;
  counts: CatalogCounts;
  /** Every SKU kept out of sync, by name (the first 1,000; `problemsOmitted` counts the rest). */
  problems: SkuProblem[];
  problemsOmitted: number;
  imageFailures: { sku: string; reason: string }[];
  /** Why a failed sync stopped. */
  error?: string;
}

/** Stops after the SKUs in flight; the report says what was done. (Temporal cancellation works too.) */
export const cancelCatalogSignal = defineSignal<[]>('cancel');
export const catalogProgressQuery = defineQuery<CatalogProgress>('progress');
