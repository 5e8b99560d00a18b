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
 * Server-side activity rates per API queue, at or just under each API's published limit (Jumpseller 20/s
 * per store, relBase about 7/s). The queue rate counts activities, not calls (the order's issuing
 * steps make one relBase call each, product and stock activities may make more), and its token
 * bucket lets a burst through after an idle spell, so on its own it cannot hold a call rate across
 * processes: with several worker processes one of them at a time
 * serves a store's API queues (src/runtime/api-lease.ts), and that process's client limiters, exactly
 * the APIs' limits, pace the calls. The queue rate keeps the backlog in Temporal, where it is durable
 * and visible. relBase is the bottleneck of every sync, so its queue rate is its limit itself: the
 * serving process's client limiter, not this, is what keeps the calls under it.
 */
export const API_QUEUE_RATES = {
  jumpseller: 18,
  relbase: 7,
} as const;
