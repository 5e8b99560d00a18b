/**
 * Named timeout and retry profiles for activities. Transient failures retry without a cap: an order
 * must never be lost to an outage, and a stuck activity shows in the Web UI with its last failure.
 * Permanent failures are thrown non-retryable by the activities themselves.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { jumpsellerQueue, relbaseQueue } from './task-queues.js';

/** Calls to an outside API: the clients time out after 10–15 s, well inside startToClose. */
const externalApi: ActivityOptions = {
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m' },
};

/** Options of database activities: they run on the workflow's own queue, so they name none. */
export type DatabaseActivityOptions = Omit<ActivityOptions, 'taskQueue'> & { taskQueue?: never };

/** Short reads and writes on our own PostgreSQL, on the workflow's own queue. */
export const databaseProfile: DatabaseActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
};

export function jumpsellerApiProfile(storeCode: string): ActivityOptions {
  return { ...externalApi, taskQueue: jumpsellerQueue(storeCode) };
}

export function relbaseApiProfile(storeCode: string): ActivityOptions {
  return { ...externalApi, taskQueue: relbaseQueue(storeCode) };
}

/**
 * The relBase steps of issuing that only read (a page of a search): one HTTP attempt per activity
 * attempt, so Temporal's backoff is the only retry and every attempt shows in the run's history.
 */
export function relbaseSingleCallProfile(storeCode: string): ActivityOptions {
  return {
    startToCloseTimeout: '60s',
    taskQueue: relbaseQueue(storeCode),
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
  };
}

/**
 * The relBase creates of issuing (a document, a customer): one attempt, never retried by Temporal.
 * The activity answers what became of its one POST; when the activity itself fails or times out the
 * workflow counts the outcome as unknown and looks for the result. A task still waiting in the queue
 * after a minute is dropped unsent (its claim window would have passed): the workflow prepares a new one.
 */
export function relbaseCreateProfile(storeCode: string): ActivityOptions {
  return {
    startToCloseTimeout: '60s',
    scheduleToStartTimeout: '60s',
    taskQueue: relbaseQueue(storeCode),
    retry: { maximumAttempts: 1 },
  };
}

/**
 * Only for runs started before single-call issuing (legacy-document-step.ts). Creating a document:
 * the first retry waits long enough for a request the client abandoned to have
 * committed or died on relBase's side before the retry looks for it by label. The activity heartbeats
 * around each call (each bounded by the client's 15 s timeout), so a dead worker is noticed in 20 s.
 */
export function issueDocumentProfile(storeCode: string): ActivityOptions {
  return {
    ...externalApi,
    taskQueue: relbaseQueue(storeCode),
    heartbeatTimeout: '20s',
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m' },
  };
}

/**
 * A look at an issued document's SII status: a few attempts, then the look counts as unanswered and
 * the next one is scheduled, so an outage never holds the run (and a cancellation waiting behind it)
 * for more than about a minute.
 */
export function relbaseStatusReadProfile(storeCode: string): ActivityOptions {
  return {
    startToCloseTimeout: '20s',
    taskQueue: relbaseQueue(storeCode),
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
  };
}
