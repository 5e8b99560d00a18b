/**
 * Task queues. Workflows and database-only activities run on the main queue (database activities
 * default to their workflow's queue). Every activity that calls an outside API runs on a queue of
 * that API *for that store*, whose `maxTaskQueueActivitiesPerSecond` the Temporal server enforces
 * across all workers: each store's limit holds however many workers run, and stores never share a
 * budget (Jumpseller and relBase count per store and per company).
 */
export const MAIN_TASK_QUEUE = 'jumpseller-relbase';

export function jumpsellerQueue(storeCode: string): string {
  return `jumpseller-api.${storeCode}`;
}

export function relbaseQueue(storeCode: string): string {
  return `relbase-api.${storeCode}`;
}

/**
 * Server-side activity rates per API queue, a little under each API's published limit (Jumpseller
 * 20/s per store, relBase about 7/s): an activity makes about one call, and the clients' own limiters
 * and throttling back-off absorb the rest.
 */
export const API_QUEUE_RATES = {
  jumpseller: 18,
  relbase: 6.5,
} as const;
