/**
 * Database connections per pool, by what the pool serves. Every user of a pool holds a connection for
 * one short statement or transaction (no transaction waits on an outside call, and the server ends
 * any that idles: db/database.ts), so a pool is sized for the statements in flight, not for the
 * activities running: a worker's up-to-100 concurrent activities spend almost all their time on HTTP
 * or timers, and a connection serves thousands of short statements a second.
 *
 * - `api`: webhook ingress (store and dedupe a delivery), the admin API, the install flow and the
 *   redispatcher: 10.
 * - `worker`: database activities (read models, links, intents, reports) and OAuth token bookkeeping:
 *   10, plus the one session of the API-queue lease (runtime/api-lease.ts).
 *
 * `npm start` gives each its own pool (webhook ingress never waits behind activities); the embedded
 * PGlite serves one session at a time, so there everything shares one connection. With PostgreSQL's
 * default `max_connections` of 100, an API and six workers use 10 + 6 × 11 = 76 and leave room for
 * psql and migrations; more workers need a larger `max_connections` or a smaller DATABASE_POOL_SIZE.
 */
export type PoolRole = 'api' | 'worker';

export const POOL_BUDGETS: Record<PoolRole, number> = { api: 10, worker: 10 };

export function poolSize(role: PoolRole, configured: number | undefined, embedded: boolean): number {
  if (embedded) return 1;
  return configured ?? POOL_BUDGETS[role];
}
