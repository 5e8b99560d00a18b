/**
 * Product sync's records on real PostgreSQL: create intents (an owner and an expiry instead of a
 * lock), no database connection held while relBase answers a create, and waking waiting orders a
 * page at a time.
 */
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/deps.js';
import { createLegacySyncActivities } from '../../src/activities/legacy-sync-activities.js';
import { createProductRecordActivities, WAKE_PAGE_SIZE } from '../../src/activities/product-records.js';
import { createRelbaseProductActivities } from '../../src/activities/relbase-product-activities.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { claimCreateIntents, CREATE_INTENT_TTL_MS, markCreateSent, releaseCreateIntents } from '../../src/db/create-intents-repository.js';
import { ensureBasicStore } from '../../src/db/stores-repository.js';
import { createLogger } from '../../src/observability/logger.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import { createStoreRegistry } from '../../src/stores/registry.js';

let db: Db;
let rb: RunningRelbaseSimulator;
const store = `t-${randomBytes(4).toString('hex')}`;

/** Activity dependencies over a pool of ONE connection: anything holding it blocks everything else. */
function depsWith(pool: Db, temporal: Client = {} as Client): ActivityDeps {
  const stores = createStoreRegistry({
    db: pool,
    jumpsellerApiUrl: 'http://127.0.0.1:9/unused',
    relbaseApiUrl: rb.apiUrl,
    configured: [
      { code: store, jumpsellerLogin: 'l', jumpsellerAuthToken: 't', hooksToken: 'h', relbaseUserToken: rb.simulator.userToken, relbaseCompanyToken: rb.simulator.companyToken },
    ],
  });
  return { db: pool, stores, temporal, logger: createLogger('silent') };
}

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: inject('embeddedDatabase') ? 1 : 3 });
  rb = await startRelbaseSimulator({ port: 0, rateLimit: false });
  await ensureBasicStore(db, store, { warehouseId: rb.simulator.warehouses()[0]!.id });
});
afterAll(async () => {
  await rb?.close();
  await db?.destroy();
});

describe('create intents', () => {
  it('one owner at a time; a release keeps the count of unconfirmed creates; an expired claim passes on and its holder may no longer send', async () => {
    const [a] = await claimCreateIntents(db, store, 'sync-a', ['INT-1'], 60_000);
    expect(a).toMatchObject({ state: 'claimed', createsUnconfirmed: 0, linkedTo: null });
    expect((await claimCreateIntents(db, store, 'sync-a', ['INT-1'], 60_000))[0]).toMatchObject({ state: 'claimed' }); // again: re-entrant
    expect((await claimCreateIntents(db, store, 'sync-b', ['INT-1'], 60_000))[0]).toMatchObject({ state: 'held', owner: 'sync-a' });

    expect(await markCreateSent(db, store, 'INT-1', 'sync-b', 60_000, 1_000)).toBe(false);
    expect(await markCreateSent(db, store, 'INT-1', 'sync-a', 60_000, 1_000)).toBe(true);
    await releaseCreateIntents(db, store, 'sync-a', ['INT-1'], []); // the create's outcome stayed unknown
    expect((await claimCreateIntents(db, store, 'sync-b', ['INT-1'], 1))[0]).toMatchObject({ state: 'claimed', createsUnconfirmed: 1 });

    await new Promise((r) => setTimeout(r, 20)); // sync-b's 1 ms claim has expired
    expect((await claimCreateIntents(db, store, 'sync-c', ['INT-1'], 60_000))[0]).toMatchObject({ state: 'claimed', createsUnconfirmed: 1 });
    expect(await markCreateSent(db, store, 'INT-1', 'sync-b', 60_000, 1_000)).toBe(false);

    // Linked: the row goes, and the next claim says which product the SKU is linked to.
    await db.insertInto('product_links').values({ store_code: store, sku: 'INT-1', js_product_id: '1', js_variant_id: null, relbase_product_id: '42' }).execute();
    await releaseCreateIntents(db, store, 'sync-c', ['INT-1'], ['INT-1']);
    expect(await db.selectFrom('product_create_intents').selectAll().where('store_code', '=', store).where('sku', '=', 'INT-1').execute()).toEqual([]);
    expect((await claimCreateIntents(db, store, 'sync-d', ['INT-1'], 60_000))[0]).toMatchObject({ state: 'claimed', createsUnconfirmed: 0, linkedTo: 42 });
  });
});

describe('no database connection is held while relBase answers', () => {
  const posts = () => rb.simulator.requests().byRoute['POST /api/v1/productos'] ?? 0;

  /**
   * Starts `create` (of `sku`) against a relBase that holds every request for 3 s before handling it,
   * waits until its POST has reached relBase, then runs a query on the one-connection pool: true when
   * the query was answered while relBase still held the create, before it made the product (a create
   * holding the connection across its call would keep the query queued until relBase had answered).
   */
  async function queryAnsweredWhileCreating(pool: Db, sku: string, create: () => Promise<unknown>): Promise<boolean> {
    rb.simulator.setFaults({ latencyMs: 3_000 });
    try {
      const postsBefore = posts();
      const creating = create();
      // Counted on arrival, before the latency: from here the create is waiting for relBase.
      await expect.poll(posts, { timeout: 30_000, interval: 10 }).toBeGreaterThan(postsBefore);
      await sql`select 1`.execute(pool);
      const answeredFirst = !rb.simulator.products().some((p) => p.code === sku);
      await creating;
      return answeredFirst;
    } finally {
      rb.simulator.setFaults({ latencyMs: 0 });
    }
  }

  it('the single-call create', async () => {
    const pool = createDatabase(inject('databaseUrl'), { maxConnections: 1 });
    try {
      const acts = createRelbaseProductActivities(depsWith(pool));
      await claimCreateIntents(pool, store, 'owner-1', ['POOL-1'], CREATE_INTENT_TTL_MS);
      let outcome: unknown;
      const answeredFirst = await queryAnsweredWhileCreating(
        pool,
        'POOL-1',
        async () => (outcome = await acts.createRelbaseProductOnce({ storeCode: store, owner: 'owner-1', sku: 'POOL-1', name: 'Pool 1', price: 1000 })),
      );
      expect(outcome).toMatchObject({ kind: 'created' });
      expect(answeredFirst).toBe(true);
      expect(rb.simulator.products().filter((p) => p.code === 'POOL-1')).toHaveLength(1);
    } finally {
      await pool.destroy();
    }
  });

  it('the create kept for runs started before (it used to hold a transaction and an advisory lock across the calls)', async () => {
    const pool = createDatabase(inject('databaseUrl'), { maxConnections: 1 });
    try {
      const acts = createLegacySyncActivities(depsWith(pool));
      const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
      const item = {
        key: 'product:2',
        sku: 'POOL-2',
        label: '"Pool 2" (product 2)',
        name: 'Pool 2',
        price: 1000,
        jsProductId: '2',
        jsVariantId: null,
        imageUrl: null,
        fingerprint: 'x',
      };
      const answeredFirst = await queryAnsweredWhileCreating(pool, 'POOL-2', () => env.run(() => acts.createRelbaseProduct({ storeCode: store, item, lookFirst: false })));
      expect(answeredFirst).toBe(true);
      expect(rb.simulator.products().filter((p) => p.code === 'POOL-2')).toHaveLength(1);
    } finally {
      await pool.destroy();
    }
  });
});

describe('waking the orders that wait for SKUs', () => {
  it('signals them a page at a time, each order once, only those waiting for one of the SKUs', async () => {
    const orders = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    await db
      .insertInto('orders')
      .values([
        ...orders.map((id) => ({ store_code: store, order_id: id, state: 'pending_products', missing_skus: ['WAKE-1', 'OTHER'], workflow_id: `order:${store}:${id}` })),
        { store_code: store, order_id: '9000', state: 'pending_products', missing_skus: ['OTHER'], workflow_id: `order:${store}:9000` },
        { store_code: store, order_id: '9001', state: 'issued', missing_skus: ['WAKE-1'], workflow_id: `order:${store}:9001` },
      ])
      .execute();
    const signals: { workflowId: string; skus: string[] }[] = [];
    const temporal = {
      workflow: {
        getHandle: (workflowId: string) => ({ signal: (_: unknown, arg: { skus: string[] }) => Promise.resolve(void signals.push({ workflowId, skus: arg.skus })) }),
      },
    } as unknown as Client;
    const acts = createProductRecordActivities(depsWith(db, temporal));

    const pages: number[] = [];
    let after: string | null = null;
    do {
      const page: { signalled: number; next: string | null } = await acts.wakePendingOrdersPage({ storeCode: store, skus: ['WAKE-1'], afterOrderId: after });
      pages.push(page.signalled);
      after = page.next;
    } while (after !== null);

    expect(pages).toEqual([WAKE_PAGE_SIZE, WAKE_PAGE_SIZE, 120 - 2 * WAKE_PAGE_SIZE]);
    expect(signals.map((s) => s.workflowId).sort()).toEqual(orders.map((id) => `order:${store}:${id}`).sort());
    expect(signals.every((s) => s.skus.join() === 'WAKE-1')).toBe(true);
  });
});
