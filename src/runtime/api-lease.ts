/**
 * One worker process at a time serves a store's API task queues, chosen by a PostgreSQL advisory
 * lock on the database every worker already shares.
 *
 * Why: Temporal's `maxTaskQueueActivitiesPerSecond` counts activities, and an activity makes up to
 * two relBase calls; its token bucket also lets a burst through after an idle spell. Across several
 * processes neither is a call rate, and on the cluster three workers drew relBase 403s that outlasted
 * the client's retries. With one process per store serving those queues, that process's client
 * limiters (exactly 7/s for relBase, 20/s and 800/min for Jumpseller) are the store's real call rate,
 * however many workers run. Workflows and database activities still spread over every worker, and
 * an API rate of a few calls per second is far below what one process can send.
 *
 * Failover: the lock belongs to the holder's database session, so when that process dies (even by
 * SIGKILL) or loses its connection, PostgreSQL releases it and another worker takes over within one
 * `intervalMs`. A process that loses its connection stops serving before it tries again.
 */
import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** Stops serving; resolves once in-flight activities have finished. */
export type StopServing = () => Promise<void>;

export interface ApiLease {
  /** While this process holds `key`'s lock, `start` has run and its stop has not. */
  serve(key: string, start: () => Promise<StopServing>): void;
  /** Keys this process holds now. */
  held(): string[];
  /** Stops everything it serves and releases every lock. */
  close(): Promise<void>;
}

/** Advisory locks are (int4, int4): the first is this service's namespace, the second the key's hash. */
export const LOCK_CLASS = 0x4a52_4150; // "JRAP"

export function createPgApiLease(databaseUrl: string, logger: Logger, o: { intervalMs?: number; settleMs?: number } = {}): ApiLease {
  const intervalMs = o.intervalMs ?? 2000;
  const settleMs = o.settleMs ?? 5000;
  const wanted = new Map<string, () => Promise<StopServing>>();
  const serving = new Map<string, StopServing>();
  let client: pg.Client | undefined;
  let closed = false;
  let ticking = false;

  const stopAll = async (why: string) => {
    const entries = [...serving.entries()];
    serving.clear();
    for (const [key, stop] of entries) {
      logger.warn({ key, why }, 'no longer serving these API queues');
      await stop().catch((err: unknown) => logger.error({ err, key }, 'stopping API queue workers failed'));
    }
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000, application_name: 'jumpseller-relbase api-lease' });
    c.on('error', () => undefined); // reported through 'end'
    c.once('end', () => {
      if (client === c) client = undefined;
      // The session is gone, and its locks with it: another worker may be serving already.
      if (!closed) void stopAll('lost the database session that held the lock');
    });
    await c.connect();
    return c;
  };

  const tick = async () => {
    if (ticking || closed) return;
    ticking = true;
    try {
      const session = (client ??= await connect());
      for (const [key, start] of wanted) {
        if (serving.has(key) || closed) continue;
        const r = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int, hashtext($2)) as ok', [LOCK_CLASS, key]);
        if (!r.rows[0]?.ok) continue;
        // The previous holder's last calls still count against the APIs' windows, and a holder that
        // lost its session (rather than died) is still finishing its in-flight activities (at most
        // LEASED_API_QUEUE_CONCURRENCY, a few seconds at the APIs' rates): let both age out before
        // this process's limiters start from empty.
        await new Promise((r) => setTimeout(r, settleMs));
        // The lock is only ours while the session that took it lives: if it ended while we waited,
        // another worker may hold the lock already, and serving now would double the call rate.
        if (client !== session || closed) break;
        try {
          serving.set(key, await start());
          logger.info({ key }, 'serving these API queues (this worker holds their lock)');
        } catch (err) {
          logger.warn({ err, key }, 'could not start serving API queues; trying again');
          await client.query('select pg_advisory_unlock($1::int, hashtext($2))', [LOCK_CLASS, key]).catch(() => undefined);
        }
      }
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'API queue lock check failed; trying again');
    } finally {
      ticking = false;
    }
  };

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();

  return {
    serve(key, start) {
      wanted.set(key, start);
      void tick();
    },
    held: () => [...serving.keys()],
    async close() {
      closed = true;
      clearInterval(timer);
      while (ticking) await new Promise((r) => setTimeout(r, 20));
      await stopAll('shutting down');
      await client?.end().catch(() => undefined);
    },
  };
}
