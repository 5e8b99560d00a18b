/**
 * What relBase's `sii_status` of an emitted document says about the SII's answer
 * (relbase-api.md A4: `accepted`, `accepted_objection`, `sent_sii` pending, `cancel`), and when an
 * order looks at it again.
 *
 * The reference has never seen a rejection: the value is ASSUMED to be `rejected` (any value that
 * starts with "reject" or "rechaz" counts, in any case), with the SII's reason in `sii_status_name`
 * (docs/architecture.md "SII status"). A value not known here is treated as still pending, so an
 * unexpected word never ends the follow-up with a wrong verdict.
 */
import { maskRut } from './rut.js';

export type SiiVerdict = 'accepted' | 'rejected' | 'canceled' | 'pending';

export function siiVerdictOf(siiStatus: string | null): SiiVerdict {
  const s = (siiStatus ?? '').trim().toLowerCase();
  if (s === 'accepted' || s === 'accepted_objection') return 'accepted';
  if (s.startsWith('reject') || s.startsWith('rechaz')) return 'rejected';
  if (s === 'cancel' || s === 'canceled' || s === 'cancelled') return 'canceled';
  return 'pending';
}

/** Longest reason kept from relBase: enough for the SII's message, bounded for memos and search. */
const REASON_MAX = 300;
const RUT_IN_TEXT = /\b\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]\b/g;

/** relBase's words about the answer, with any RUT in them masked and the length bounded. */
export function siiReasonText(statusName: string | null, siiStatus: string | null): string {
  const text = (statusName ?? '').trim() || (siiStatus ?? '').trim() || 'no reason given';
  const masked = text.replace(RUT_IN_TEXT, (rut) => maskRut(rut));
  return masked.length > REASON_MAX ? `${masked.slice(0, REASON_MAX - 1)}…` : masked;
}

/** How long an order follows its document's SII status: the SII answers within hours, rarely a day. */
export const SII_FOLLOW_FOR_MS = 3 * 24 * 60 * 60 * 1000;
/** The longest wait between two looks. */
export const SII_MAX_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * When to look at the status next, after `checksDone` looks (the last at `lastAt`) of a follow-up
 * that began at `startedAt`: the waits double from `firstMs` up to SII_MAX_INTERVAL_MS, and the last
 * look falls on the end of SII_FOLLOW_FOR_MS. Null when the follow-up is over. Pure: the workflow
 * computes it from its own clock.
 */
export function nextSiiCheckAt(startedAt: number, lastAt: number, checksDone: number, firstMs: number): number | null {
  const end = startedAt + SII_FOLLOW_FOR_MS;
  if (lastAt >= end) return null;
  const wait = Math.min(Math.max(1, firstMs) * 2 ** Math.min(checksDone, 40), SII_MAX_INTERVAL_MS);
  return Math.min(lastAt + wait, end);
}
