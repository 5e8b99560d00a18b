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
 * Server-side activity rates per API queue. These, not the clients' limiters, are what hold across
 * worker processes: each process's client limiter (exactly the API's limit) only paces its own
 * calls, so with N workers the queue rate is the only cap, and it counts activities, not calls.
 * - relBase, about 7 calls/s: an activity makes up to two calls (look up then create a document, a
 *   product or a customer; read then upload an image), so 3.4 activities/s is at most 6.8 calls/s.
 *   At 6.8 activities/s three workers sent relBase up to 13 calls/s; its 403s outlasted the client's
 *   retries and failed issuing activities for good (the cluster chaos test saw 7 of 300 orders stuck).
 *   One worker loses nothing on orders (two calls each); one-call activities run at half the speed
 *   one process could manage, the price of a cap that holds for any number of workers.
 * - Jumpseller, 20/s and 800/min: one call per activity. 10/s keeps a full burst plus a second of
 *   refill within 20 in any second, and 600/min under 800 (18/s was 1,080/min across workers).
 * After an idle spell the server hands out up to ceil(rate) tasks at once (its token bucket's burst);
 * the cluster runs one partition per queue so that burst is not multiplied by four
 * (src/cluster/config-files.ts).
 */
export const API_QUEUE_RATES = {
  jumpseller: 10,
  relbase: 3.4,
} as const;
