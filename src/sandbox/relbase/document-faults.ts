/**
 * Faults of relBase's document creation and search, the ones an exactly-once issuer must survive,
 * beside the generic faults every route gets (../faults.ts):
 *
 * - lateCommit: a `POST /dtes` is held `holdMs`, then committed, and its answer is dropped (the
 *   connection is closed). A client whose timeout is shorter has given up long before the commit:
 *   it sees a timeout; one with a longer timeout sees the connection close. Either way it cannot
 *   know that the document exists.
 * - hungCreate: a `POST /dtes` is held `holdMs` and then dropped without being committed.
 * - searchLagMs: a new document is found by `GET /dtes` searches only this long after it was made
 *   (relBase's search index lags its writes); `GET /dtes/{id}` finds it at once.
 *
 * - amountDrift: the next creates (`remaining`, null: all) compute their first line `pesos` off what
 *   the contract's arithmetic gives, as a relBase rounding rule unknown here would: the document is
 *   made and answered normally, with header amounts that differ from the client's plan.
 *
 * A create rule applies by default only to the first create of each `label_value` (`firstPerLabel`),
 * so the retry that follows is answered normally, and to at most `remaining` creates (null: all).
 */
import type { Context } from 'hono';

export interface CreateFaultRule {
  holdMs: number;
  firstPerLabel: boolean;
  remaining: number | null;
}

export interface AmountDriftRule {
  pesos: number;
  remaining: number | null;
}

export interface DocumentFaults {
  lateCommit: CreateFaultRule | null;
  hungCreate: CreateFaultRule | null;
  searchLagMs: number;
  amountDrift: AmountDriftRule | null;
}

export function noDocumentFaults(): DocumentFaults {
  return { lateCommit: null, hungCreate: null, searchLagMs: 0, amountDrift: null };
}

/** The pesos this create's first line is off by (0: none), counting the rule down. */
export function takeAmountDrift(state: DocumentFaultState): number {
  const rule = state.faults.amountDrift;
  if (rule === null || (rule.remaining !== null && rule.remaining <= 0)) return 0;
  if (rule.remaining !== null) rule.remaining--;
  return rule.pesos;
}

export interface DocumentFaultCounters {
  /** Creates held, committed and answered with a dropped connection. */
  lateCommits: number;
  /** Creates held and dropped without a commit. */
  hungCreates: number;
}

/** What the document routes keep to apply the faults: labels seen by `POST /dtes`, and counters. */
export interface DocumentFaultState {
  faults: DocumentFaults;
  documentFaultCounters: DocumentFaultCounters;
  createLabelsSeen: Set<string>;
}

export type CreateFault = { kind: 'late_commit' | 'hung'; holdMs: number };

/**
 * Decides whether this create is held, and records its label as seen. A hung create wins over a late
 * commit when both rules match.
 */
export function takeCreateFault(state: DocumentFaultState, label: string | null): CreateFault | null {
  const first = label !== null && !state.createLabelsSeen.has(label);
  if (label !== null) state.createLabelsSeen.add(label);
  const applies = (rule: CreateFaultRule | null): rule is CreateFaultRule => rule !== null && (rule.remaining === null || rule.remaining > 0) && (!rule.firstPerLabel || first);
  const take = (rule: CreateFaultRule, kind: CreateFault['kind']): CreateFault => {
    if (rule.remaining !== null) rule.remaining--;
    return { kind, holdMs: rule.holdMs };
  };
  if (applies(state.faults.hungCreate)) return take(state.faults.hungCreate, 'hung');
  if (applies(state.faults.lateCommit)) return take(state.faults.lateCommit, 'late_commit');
  return null;
}

/** True when a document made at `createdAt` (ISO) is already visible to searches at `now`. */
export function findableBySearch(faults: DocumentFaults, createdAt: string, now: number): boolean {
  return faults.searchLagMs <= 0 || Date.parse(createdAt) + faults.searchLagMs <= now;
}

/**
 * Drops the answer: closes the client's connection. Served over HTTP (`@hono/node-server` puts the
 * Node request in `c.env.incoming`) nothing reaches the client; called in-process through
 * `app.request()` there is no connection, so the caller gets a 502 that says the answer was lost.
 */
export function dropAnswer(c: Context): Response {
  const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
  incoming?.socket?.destroy();
  return c.json({ data: {}, meta: { code: 502, message: 'injected: the answer was lost' } }, 502);
}
