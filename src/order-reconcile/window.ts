/**
 * Which orders a paid-order reconcile looks at. Jumpseller filters orders by whole days of their
 * creation in the store's timezone, and page numbers drift while orders change, so a run asks for
 * more than it needs and the runs overlap: a run looks at least `lookbackDays` back (payments come
 * after creation) and back to where the last complete run started (a service that was down catches
 * up), never before the store was connected here, and never more than MAX_WINDOW_DAYS.
 */
import type { OrderReconcileWindow } from '../workflows/order-reconcile/contracts.js';

const DAY_MS = 86_400_000;
/** The furthest back a run looks, whatever happened before: a month of orders. */
export const MAX_WINDOW_DAYS = 31;
/** Jumpseller's clock and ours need not agree to the second. */
const CLOCK_MARGIN_MS = 10 * 60_000;

export interface WindowInput {
  now: Date;
  /** When the store was connected to this service: orders before it are not this service's. */
  storeSince: Date;
  /** When the last run that went through every page started; undefined before the first. */
  previousStart: Date | undefined;
  lookbackDays: number;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function reconcileWindow(w: WindowInput): OrderReconcileWindow {
  const now = w.now.getTime();
  const lookback = now - w.lookbackDays * DAY_MS;
  const since = Math.min(lookback, w.previousStart?.getTime() ?? lookback) - CLOCK_MARGIN_MS;
  const from = Math.max(since, w.storeSince.getTime() - CLOCK_MARGIN_MS, now - MAX_WINDOW_DAYS * DAY_MS);
  // A store's day can start up to 14 h before or after UTC's: one day of padding on each side.
  return { from: new Date(from).toISOString(), to: new Date(now).toISOString(), initialDate: day(from - DAY_MS), finalDate: day(now + DAY_MS) };
}

/** `2023-02-10 13:56:35 UTC` (today's format) or ISO 8601 (older payloads); NaN when neither. */
export function parseJumpsellerTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*UTC$/.exec(text.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Date.parse(text);
}

/**
 * Whether an order created at `createdAt` is one the run looks at: created since the window's start
 * (orders created while the run goes are kept too). An unreadable date is kept: one signal too many
 * costs nothing, an order missed costs a document.
 */
export function createdSince(createdAt: string | null, window: OrderReconcileWindow): boolean {
  if (createdAt === null) return true;
  const t = parseJumpsellerTime(createdAt);
  return Number.isNaN(t) || t >= Date.parse(window.from);
}
