/**
 * The cluster (`npm run cluster`'s topology: Temporal on PostgreSQL, the Web UI, the API process and
 * N worker processes) pointed at both simulators running in this process, for the chaos tests and
 * `bench:scale`. Everything gets fresh databases (Temporal's and the app's) on the machine's
 * PostgreSQL and free ports, and `stop()` leaves no process or database behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { killAllNow } from '../../src/cluster/supervisor.js';
import { allPorts, portsFrom, withDatabase, type ClusterOptions } from '../../src/cluster/options.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { upsertLink } from '../../src/db/product-links-repository.js';
import { saveStoreSettings } from '../../src/db/stores-repository.js';
import { readSettings } from '../../src/stores/settings.js';
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { startJumpsellerSimulator, type RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import type { JumpsellerSimulatorOptions } from '../../src/sandbox/jumpseller/simulator.js';
import { orderJson } from '../../src/sandbox/jumpseller/wire.js';
import { startRelbaseSimulator, type RelbaseSimulatorOptions, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import { freePort } from './environment.js';
import { simulatorStoreEnv } from './simulator-store-env.js';
import { TEST_ENCRYPTION_KEYS, testDataConverter } from './encryption.js';

export interface ClusterHarnessOptions {
  workers: number;
  jumpseller?: JumpsellerSimulatorOptions;
  relbase?: RelbaseSimulatorOptions;
  /** Default: postgres://postgres@127.0.0.1:5432/postgres (TEST_DATABASE_URL). */
  postgresUrl?: string;
  /** The workers' first build (Worker Versioning); default: the git commit. */
  buildId?: string;
  log?: (line: string) => void;
}

export interface ClusterHarness {
  cluster: Cluster;
  js: RunningJumpsellerSimulator;
  rb: RunningRelbaseSimulator;
  storeCode: string;
  /** The app's database (the API process migrated it). */
  db: Db;
  /** The app database's name, to find its connections in pg_stat_activity. */
  appDatabase: string;
  temporal: Client;
  /** Places and pays `n` orders of the harness's one linked product; returns their ids. */
  placePaidOrders(n: number): number[];
  /** Places `n` orders of that product, not paid yet (pay them with `js.sim.payOrder`). */
  placeUnpaidOrders(n: number): number[];
  /** POSTs the order's current `order_paid` webhook, signed like Jumpseller, to the API process. */
  deliverPaid(orderId: number, timeoutMs?: number): Promise<number>;
  /** POSTs the order's current state as this event's webhook (`order_created`, `order_paid`, …). */
  deliver(orderId: number, event: string, timeoutMs?: number): Promise<number>;
  /** relBase documents whose label belongs to these orders. */
  documentsFor(orderIds: number[]): { label_value?: string | null }[];
  /** Waits until each order has a document in relBase; throws with the count after `timeoutMs`. */
  waitForDocuments(orderIds: number[], timeoutMs: number): Promise<void>;
  /** Rows of the app's `documents` table in state issued for these orders. */
  issuedRows(orderIds: number[]): Promise<number>;
  stop(): Promise<void>;
}

export async function freeClusterPorts() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000); // under 32,740: see ClusterOptions
    const ports = portsFrom(base, await freePort(), await freePort());
    const checks = await Promise.all(allPorts(ports).map((p) => isFree(p)));
    if (checks.every(Boolean)) return ports;
  }
  throw new Error('found no free block of ports for the cluster');
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function dropDatabases(adminUrl: string, names: string[]) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    for (const n of names) await c.query(`drop database if exists ${n} with (force)`);
  } finally {
    await c.end();
  }
}

let interruptHandled = false;
/** A test run or bench interrupted (Ctrl-C, a runner's SIGTERM) still takes its cluster processes along. */
function killClusterOnInterrupt() {
  if (interruptHandled) return;
  interruptHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      // The default action now (a test runner may intercept process.exit).
      process.kill(process.pid, signal);
    });
  }
}

export async function startClusterHarness(o: ClusterHarnessOptions): Promise<ClusterHarness> {
  killClusterOnInterrupt();
  const log = o.log ?? ((line: string) => console.log(`[cluster] ${line}`));
  const adminUrl = o.postgresUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const suffix = randomBytes(4).toString('hex');
  const temporalDatabase = `jr_cluster_${suffix}`;
  const appDatabase = `jr_cluster_${suffix}_app`;
  const dataDir = mkdtempSync(join(tmpdir(), 'jr-cluster-'));
  const storeCode = `c-${suffix}`;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('[cluster harness] cleanup failed', err));
  };

  try {
    const js = await startJumpsellerSimulator({ storeCode, ...o.jumpseller });
    cleanups.push(() => js.close());
    const rb = await startRelbaseSimulator({ port: 0, ...o.relbase });
    cleanups.push(() => rb.close());
    const warehouseId = rb.simulator.warehouses()[0]!.id;
    cleanups.push(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabases(adminUrl, [temporalDatabase, `${temporalDatabase}_visibility`, appDatabase]);
    });

    const options: ClusterOptions = {
      workers: o.workers,
      dataDir,
      postgresUrl: adminUrl,
      temporalDatabase,
      databaseUrl: withDatabase(adminUrl, appDatabase),
      namespace: 'default',
      ports: await freeClusterPorts(),
      buildId: o.buildId,
      // The single-store variables, pointed at the simulators: what a real store's would be.
      appEnv: {
        ...simulatorStoreEnv(storeCode, js, rb, warehouseId),
        SANDBOX: 'off',
        LOG_LEVEL: 'warn',
        TEMPORAL_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      },
    };
    const cluster = await startCluster(options, { log });
    cleanups.push(() => cluster.stop());

    const db = createDatabase(options.databaseUrl, { maxConnections: 3 });
    cleanups.push(() => db.destroy());
    const connection = await Connection.connect({ address: cluster.urls.temporal });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default', dataConverter: testDataConverter });

    // A create cut off by a killed worker or a stopped server has an unknown outcome, settled over the
    // store's window: kept short here so the orders it hits finish within the tests' time.
    // (The API and the workers made the store's row when they started.)
    const storeRow = await db.selectFrom('stores').select('settings').where('code', '=', storeCode).executeTakeFirstOrThrow();
    await saveStoreSettings(db, storeCode, { ...readSettings(storeRow.settings), documentSettleSeconds: 30 });
    const product = js.sim.createProduct({ name: 'Taza', price: 4990, sku: 'CLUSTER-1', stock: 1_000_000 });
    const [rbProduct] = rb.simulator.seedProducts([{ name: 'Taza', code: 'CLUSTER-1', price: 4990, stock: 1_000_000 }]);
    await upsertLink(db, { storeCode, sku: 'CLUSTER-1', jsProductId: String(product.id), jsVariantId: null, relbaseProductId: String(rbProduct!.id) });

    const documentsFor = (orderIds: number[]) => {
      const labels = new Set(orderIds.map((id) => `JS-${id}`));
      return rb.simulator.documents().filter((d) => labels.has(d.label_value ?? ''));
    };

    const placeOrders = (n: number) => Array.from({ length: n }, () => js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] }).id);
    const deliver = async (orderId: number, event: string, timeoutMs = 60_000) => {
      const order = js.sim.state.orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId} in the simulator`);
      const body = JSON.stringify({ order: orderJson(order, 'webhook') });
      const res = await fetch(`${cluster.urls.api}/webhooks/jumpseller`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'jumpseller-event': event,
          'jumpseller-store-code': storeCode,
          'jumpseller-hmac-sha256': signJumpsellerBody(body, js.sim.hooksToken),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.status;
    };

    return {
      cluster,
      js,
      rb,
      storeCode,
      db,
      appDatabase,
      temporal,
      placePaidOrders(n) {
        return placeOrders(n).map((id) => {
          js.sim.payOrder(id);
          return id;
        });
      },
      placeUnpaidOrders: placeOrders,
      deliverPaid: (orderId, timeoutMs) => deliver(orderId, 'order_paid', timeoutMs),
      deliver,
      documentsFor,
      async waitForDocuments(orderIds, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const have = new Set(documentsFor(orderIds).map((d) => d.label_value)).size;
          if (have >= orderIds.length) return;
          if (Date.now() > deadline)
            throw new Error(`only ${have} of ${orderIds.length} orders have a document after ${Math.round(timeoutMs / 1000)} s; logs in ${cluster.logDir}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      async issuedRows(orderIds) {
        const rows = await db
          .selectFrom('documents')
          .select('order_id')
          .where('store_code', '=', storeCode)
          .where('state', '=', 'issued')
          .where('order_id', 'in', orderIds.map(String))
          .execute();
        return rows.length;
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
