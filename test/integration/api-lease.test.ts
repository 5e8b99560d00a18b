/**
 * The API lease on the real PostgreSQL: one process at a time serves a store's API queues, and it
 * serves only while the database session that took the lock lives (that is what keeps two workers
 * from calling relBase at once, doubling its rate).
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createPgApiLease, LOCK_CLASS, type ApiLease } from '../../src/runtime/api-lease.js';

const embedded = inject('embeddedDatabase');
const databaseUrl = inject('databaseUrl');
const logger = createLogger('silent');
let admin: pg.Client;
const leases: ApiLease[] = [];
let keySeq = 0;

beforeAll(async () => {
  if (embedded) return;
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
});
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  await admin?.end();
});

/** A lease checking every 50 ms, and what it serves: how often `start` and `stop` ran. */
function lease(settleMs: number) {
  const l = createPgApiLease(databaseUrl, logger, { intervalMs: 50, settleMs });
  leases.push(l);
  return l;
}

function serveCounting(l: ApiLease, key: string) {
  const counts = { starts: 0, stops: 0 };
  l.serve(key, () => {
    counts.starts++;
    return Promise.resolve(() => {
      counts.stops++;
      return Promise.resolve();
    });
  });
  return counts;
}

/** Backend pids holding the key's advisory lock (granted), from pg_locks. */
async function lockHolders(key: string): Promise<number[]> {
  const r = await admin.query<{ pid: number }>(
    `select l.pid from pg_locks l
     where l.locktype = 'advisory' and l.granted and l.objsubid = 2
       and l.classid = $1::bigint::oid and l.objid = (hashtext($2)::bigint & 4294967295)::oid`,
    [LOCK_CLASS, key],
  );
  return r.rows.map((row) => row.pid);
}

/** Waits for `check` (a deadline, generous for a loaded machine; not a timed assertion). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Two workers' leases wanting one key: `a` serves it, `b` stands by. */
async function holderAndStandby() {
  const key = `lease-test-${++keySeq}`;
  const a = lease(100);
  const first = serveCounting(a, key);
  await until('the first lease serving', () => a.held().includes(key));
  const b = lease(100);
  const second = serveCounting(b, key);
  return { key, a, first, b, second };
}

const terminate = (pid: number) => admin.query('select pg_terminate_backend($1)', [pid]);

describe.skipIf(embedded)('the API lease (needs a real PostgreSQL: the embedded one has no second session)', () => {
  it('one of two workers serves a key; the other takes over only when the holder lets go', async () => {
    const { key, a, first, b, second } = await holderAndStandby();
    await new Promise((r) => setTimeout(r, 500));
    expect(b.held()).toEqual([]);
    expect(second.starts).toBe(0);

    await a.close();
    expect(first).toEqual({ starts: 1, stops: 1 });
    await until('the second lease serving', () => b.held().includes(key));
    expect(await lockHolders(key)).toHaveLength(1);
  });

  it('a holder whose database session is cut stops serving, and the other worker takes over', async () => {
    const { key, a, first, b, second } = await holderAndStandby();

    const [holder] = await lockHolders(key);
    await terminate(holder!);
    await until('the cut holder to stop serving', () => first.stops === 1);
    await until('the lock to be held by a session again and served', async () => (await lockHolders(key)).length === 1 && a.held().length + b.held().length === 1);
    // Whichever took it (the cut one may win it back on its new session), exactly one serves.
    await new Promise((r) => setTimeout(r, 300));
    expect(a.held().length + b.held().length).toBe(1);
    expect(first.starts - first.stops + second.starts - second.stops).toBe(1);
  });

  it('a session cut while it waits to start serving does not serve on a lock it no longer holds', async () => {
    const key = `lease-test-${++keySeq}`;
    // A settle time long enough that the cut below lands inside it even on a loaded machine.
    const a = lease(3000);
    const counts = serveCounting(a, key);
    // It holds the lock and is waiting out the settle time: cut the session now.
    await until('the lease to take the lock', async () => (await lockHolders(key)).length === 1);
    const [holder] = await lockHolders(key);
    await terminate(holder!);
    await until('the lease serving', () => a.held().includes(key));
    // It serves on a new session that holds the lock, not on the lost one.
    const holders = await lockHolders(key);
    expect(holders).toHaveLength(1);
    expect(holders[0]).not.toBe(holder);
    expect(counts.starts).toBe(1);
  });
});
