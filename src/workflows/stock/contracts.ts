/**
 * Stock push and stock reconcile: ids, signals, queries and the shapes they carry. Workflow-safe.
 * Stock flows one way only, relBase → Jumpseller.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One long-lived workflow per store and SKU coalesces every change notice for that SKU. */
export function stockPushWorkflowId(storeCode: string, sku: string): string {
  return `stock:${storeCode}:${sku}`;
}

export function stockReconcileWorkflowId(storeCode: string): string {
  return `stock-reconcile:${storeCode}`;
}

export function stockReconcileScheduleId(storeCode: string): string {
  return `stock-reconcile-schedule:${storeCode}`;
}

export { STOCK_PUSH_WORKFLOW_TYPE, STOCK_RECONCILE_WORKFLOW_TYPE } from '../workflow-types.js';
export const STOCK_RECONCILE_REPORT_KIND = 'stock-reconcile';

/**
 * "This SKU's stock may have changed." `observed` is relBase's raw stock when the sender has just
 * read it (the reconcile), so the push need not read it again; a notice without it makes the push read.
 */
export interface StockChange {
  observed?: number | null;
}

export const stockChangedSignal = defineSignal<[StockChange]>('stockChanged');

export interface StockPushInput {
  storeCode: string;
  sku: string;
  /** A change not yet pushed when the previous run continued as new. */
  carried?: StockChange | null;
  /** Rounds (notices acted on) per run before continuing as new (default 100; tests lower it). */
  roundsPerRun?: number;
}

export interface StockPushStatus {
  storeCode: string;
  sku: string;
  /** 'waiting' for a notice, 'debouncing', 'reading' or 'pushing'. */
  state: string;
  /** What the last notice led to: 'pushed N', 'unchanged (N)', 'stock sync off', 'unlinked…'. */
  lastOutcome: string | null;
  lastRead: number | null;
  lastPushed: number | null;
  pushes: number;
  skipped: number;
}

export const stockPushStatusQuery = defineQuery<StockPushStatus>('state');

export interface StockReconcileInput {
  storeCode: string;
  /** Continue-as-new carries where it got to. */
  progress?: StockReconcileProgress | null;
}

export interface StockDrift {
  sku: string;
  /** relBase's raw stock (may be fractional or negative). */
  relbase: number;
  /** What the shop shows for it: the last quantity this service pushed, null if it never pushed one. */
  jumpseller: number | null;
}

export interface StockReconcileProgress {
  reportId: string;
  afterSku: string | null;
  checked: number;
  changed: number;
  failed: number;
  /** The first drifts found (the report keeps at most a few thousand). */
  drift: StockDrift[];
  failures: { sku: string; error: string }[];
}

export const stockReconcileProgressQuery = defineQuery<StockReconcileProgress | null>('progress');
