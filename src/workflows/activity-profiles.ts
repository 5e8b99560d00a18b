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

/** Short reads and writes on our own PostgreSQL, on the workflow's own queue. */
export const databaseProfile: ActivityOptions = {
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
 * Creating a document: the first retry waits long enough for a request the client abandoned to have
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
