/** The Kysely instance over a `pg` pool. Callers own its lifetime (`db.destroy()`). */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// bigint columns (document totals) hold pesos far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface DatabaseOptions {
  /** Pool size. The embedded PGlite serves one session at a time, so it runs with 1. */
  maxConnections?: number;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
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
