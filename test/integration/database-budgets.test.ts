/**
 * Every pool's sessions carry the server-enforced budgets: a statement running past
 * `statement_timeout` is cancelled, and a transaction left idle (its holder waiting on something
 * else, such as an HTTP call) past `idle_in_transaction_session_timeout` is ended and its row locks
 * freed, so nothing can pin a connection or a lock. (The embedded PGlite accepts no session budgets;
 * these run on PostgreSQL, which CI always has.)
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type Db } from '../../src/db/database.js';
import { ensureBasicStore } from '../../src/db/stores-repository.js';

const url = inject('databaseUrl');
const pools: Db[] = [];
const pool = (o: Parameters<typeof createDatabase>[1]) => {
  const db = createDatabase(url, o);
  pools.push(db);
  return db;
};

afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
});

describe.skipIf(inject('embeddedDatabase'))('database budgets', () => {
  it('every session starts with the default budgets', async () => {
    const db = pool({ maxConnections: 1 });
    const r = await sql<{ s: string; i: string }>`select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i`.execute(db);
    expect(r.rows[0]).toEqual({ s: '30s', i: '1min' });
  });

  it('cancels a statement that runs past its budget', async () => {
    const db = pool({ maxConnections: 1, statementTimeoutMs: 200 });
    await expect(sql`select pg_sleep(2)`.execute(db)).rejects.toThrow(/statement timeout/);
  });

  it('ends a transaction left idle past its budget and frees the row it locked', async () => {
    const code = `budget-${Date.now()}`;
    const db = pool({ maxConnections: 2, idleInTransactionTimeoutMs: 300 });
    await ensureBasicStore(db, code, {});
    const other = pool({ maxConnections: 1 });
    const held = db.transaction().execute(async (trx) => {
      await trx.selectFrom('stores').select('code').where('code', '=', code).forUpdate().execute();
      await new Promise((r) => setTimeout(r, 1000)); // waiting on "an HTTP call" with the row locked
      await trx.selectFrom('stores').select('code').where('code', '=', code).execute();
    });
    // The server closes the session; pg reports the broken connection on the next query.
    await expect(held).rejects.toThrow(/idle-in-transaction timeout|terminat|connection error/i);
    // The lock went with the session: another connection takes the row at once.
    const taken = await other.transaction().execute((trx) => sql`select code from stores where code = ${code} for update nowait`.execute(trx));
    expect(taken.rows).toHaveLength(1);
  });
});
