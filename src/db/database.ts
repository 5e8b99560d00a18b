/**
 * The Kysely instance over a `pg` pool. Callers own its lifetime (`db.destroy()`).
 *
 * Every session gets two budgets from the server itself, so no bug can pin a connection or a lock:
 * `statement_timeout` (a query running longer is cancelled) and `idle_in_transaction_session_timeout`
 * (a transaction left open while its holder waits on something else, e.g. an HTTP call, is ended and
 * its locks freed). Nothing in this service holds a transaction across an outside call; the second
 * budget is the guarantee that a future change cannot either. Pool sizes are each process's budget
 * (runtime/pool-budgets.ts, docs/production.md "Database connections").
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// bigint columns (document totals) hold pesos far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

export interface DatabaseOptions {
  /** Pool size. The embedded PGlite serves one session at a time, so it runs with 1. */
  maxConnections?: number;
  /** Longest a statement may run; 0: no limit (migrations). Default 30 s. */
  statementTimeoutMs?: number;
  /** Longest a transaction may sit idle; 0: no limit. Default 60 s. */
  idleInTransactionTimeoutMs?: number;
  /** Shown in `pg_stat_activity`, to tell the API's connections from a worker's. */
  applicationName?: string;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Sent as session parameters when each connection starts: the server enforces them.
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: options.applicationName ?? 'jumpseller-relbase',
  });
  // An idle client losing its connection (database restart) must not crash the process:
  // the pool drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  // A checked-out client is not covered by that: when its connection dies between two queries (the
  // server answers a terminated backend with an error, then closes the socket) it emits 'error' with
  // no listener and the process crashes. The query in flight still fails and is retried by its caller.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Used by /readyz. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
