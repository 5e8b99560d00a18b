/**
 * The whole service in-process for integration tests: both simulators over real HTTP, the API on a
 * real port (so the Jumpseller simulator delivers signed webhooks to it), the workers on the real
 * Temporal dev server of this run, and the real PostgreSQL database of this run. Each stack gets its
 * own store code, so its API task queues and rows never meet another test's.
 */
import { randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { composeApi, type ApiApp } from '../../src/api/compose.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { upsertLink } from '../../src/db/product-links-repository.js';
import type { RateLimiter } from '../../src/http/rate-limiter.js';
import { ensureBasicStore, saveStoreSettings } from '../../src/db/stores-repository.js';
import { seedInstalledStore } from './install-seed.js';
import { installQuietRuntime } from './quiet-runtime.js';
import { orderReconcileScheduleId } from '../../src/workflows/order-reconcile/contracts.js';
import { stockReconcileScheduleId } from '../../src/workflows/stock/contracts.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { closeServer } from '../../src/runtime/http-server.js';
import { sandboxImageSources } from '../../src/runtime/sandbox-image-sources.js';
import type { Services } from '../../src/runtime/services.js';
import { simulatorStoreEnv } from './simulator-store-env.js';
import { TEST_ENCRYPTION_KEYS, testDataConverter, testKeyring } from './encryption.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator, type RelbaseSimulatorOptions } from '../../src/sandbox/relbase/simulator.js';
import { startJumpsellerSimulator, type RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import type { JumpsellerSimulatorOptions } from '../../src/sandbox/jumpseller/simulator.js';
import { createStoreRegistry, type StoreRegistry } from '../../src/stores/registry.js';
import { readSettings, type StoreSettings } from '../../src/stores/settings.js';
import { bundleWorkflows } from '../../src/temporal/bundle-workflows.js';
import { readWorkflowBundle } from './bundle-file.js';
import { createWorkers, type RunningWorkers } from '../../src/worker.js';
import type { WorkerVersioningSettings } from '../../src/temporal/worker-deployment.js';
import { MAIN_TASK_QUEUE } from '../../src/workflows/task-queues.js';
import { orderStatusQuery, orderWorkflowId, type OrderState, type OrderStatus } from '../../src/workflows/order/contracts.js';
import { productSyncStatusQuery, productWorkflowId, type ProductSyncStatus } from '../../src/workflows/product/contracts.js';

type SimProduct = ReturnType<RunningJumpsellerSimulator['sim']['createProduct']>;
type SeededProduct = ReturnType<RunningRelbaseSimulator['simulator']['seedProducts']>[number];

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow bundle: in a test run the one the global setup built; a bench script builds its own, once. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= process.env.VITEST ? Promise.resolve(readWorkflowBundle(inject('workflowBundlePath'))) : bundleWorkflows();
  return bundle;
}

/** Where the stack's Temporal server and database are; tests get them from the global setup. */
export interface StackEnvironment {
  temporalAddress: string;
  databaseUrl: string;
  embeddedDatabase: boolean;
}

export interface StackOptions {
  /** Turns on the admin API with this bearer token (ADMIN_TOKEN). */
  adminToken?: string;
  /** Turns on the stock notice endpoint with this bearer token (STOCK_NOTICES_TOKEN). */
  stockNoticesToken?: string;
  /** Default: the test run's (vitest `inject`); benches pass their own. */
  environment?: StackEnvironment;
  settings?: Partial<StoreSettings>;
  jumpseller?: JumpsellerSimulatorOptions;
  relbase?: RelbaseSimulatorOptions;
  /** Skip the install steps (hooks, checkout fields, shipping product). */
  skipInstall?: boolean;
  /**
   * False: run no workers here; workflows go to the production main queue, served by worker
   * processes the test starts itself (`npm run worker`).
   */
  inProcessWorkers?: boolean;
  /**
   * With `inProcessWorkers: false`: workflows go to the stack's own main queue all the same (the test
   * starts in-process workers on `stack.mainTaskQueue` itself), so the production queue stays free for
   * the worker processes another file spawns.
   */
  ownMainQueue?: boolean;
  logger?: Logger;
  /**
   * Per-second rates of the clients' limiters and the API queues. Default: the published limits.
   * Tests that move thousands of products raise them together with the simulators' own limits.
   */
  apiRates?: { jumpseller: number; relbase: number };
  /** The store's relBase client limiter; a test holds it (`pauseUntil`) to keep relBase calls waiting. */
  relbaseLimiter?: RateLimiter;
  /** Versioned workers (Worker Versioning); default: unversioned, as `npm start` runs them. */
  versioning?: WorkerVersioningSettings;
}

export interface TestStack {
  storeCode: string;
  js: RunningJumpsellerSimulator;
  rb: RunningRelbaseSimulator;
  db: Db;
  stores: StoreRegistry;
  temporal: Client;
  api: ApiApp;
  /** The environment that points `npm run worker` / `npm run api` processes at this stack. */
  processEnv: Record<string, string>;
  apiUrl: string;
  workers: RunningWorkers;
  mainTaskQueue: string;
  /** Links a SKU to a relBase product the way product sync would. */
  link(sku: string, relbaseProductId: number, jsProductId?: number): Promise<void>;
  /**
   * A product in both simulators under one SKU, name (`Producto {sku}` unless given) and price,
   * linked as product sync would link it unless `linked: false`.
   */
  productInBoth(sku: string, price: number, options?: { name?: string; stock?: number; linked?: boolean }): Promise<{ jsProduct: SimProduct; rbProduct: SeededProduct }>;
  /** Changes some of the store's settings, keeping the others (read at an order's next decision). */
  setSettings(change: Partial<StoreSettings>): Promise<void>;
  orderStatus(orderId: number | string): Promise<OrderStatus>;
  /** Polls the order workflow's `state` query until `predicate` holds (or throws after `timeoutMs`). */
  waitForOrder(orderId: number | string, predicate: (s: OrderStatus) => boolean, timeoutMs?: number): Promise<OrderStatus>;
  waitForOrderState(orderId: number | string, state: OrderState, timeoutMs?: number): Promise<OrderStatus>;
  /** The product sync's status once its workflow reports `state` (60 s at most). */
  waitForProductState(productId: number, state: ProductSyncStatus['state']): Promise<ProductSyncStatus>;
  /**
   * The `orders` read model's state once it is `wanted`, or the last seen after 60 s. The workflow's
   * query changes first; the row follows when its `recordOrderState` activity has run (a worker of a
   * loaded machine may take a while to pick that up: the bound is a deadline, not a timed assertion).
   */
  readModelState(orderId: number | string, wanted: string): Promise<string | undefined>;
  /** Per order (in the documents table's order), the creates sent that relBase did not refuse (a throttled create made nothing). */
  createsNotRefused(orderIds: (number | string)[]): Promise<number[]>;
  /** Stops the workers only (a crash or a deploy); `startWorkers` brings them back. */
  stopWorkers(): Promise<void>;
  /** Starts the workers again, as another build when `versioning` is given (a deploy). */
  startWorkers(versioning?: WorkerVersioningSettings): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  installQuietRuntime();
  const env: StackEnvironment = options.environment ?? {
    temporalAddress: inject('temporalAddress'),
    databaseUrl: inject('databaseUrl'),
    embeddedDatabase: inject('embeddedDatabase'),
  };
  const logger = options.logger ?? createLogger('silent');
  const storeCode = `t-${randomBytes(4).toString('hex')}`;
  const inProcessWorkers = options.inProcessWorkers ?? true;
  const mainTaskQueue = inProcessWorkers || options.ownMainQueue ? `main-${storeCode}` : MAIN_TASK_QUEUE;
  const config = loadConfig({
    ...(options.adminToken ? { ADMIN_TOKEN: options.adminToken } : {}),
    ...(options.stockNoticesToken ? { STOCK_NOTICES_TOKEN: options.stockNoticesToken } : {}),
  });

  const js = await startJumpsellerSimulator({ storeCode, ...options.jumpseller });
  const rb = await startRelbaseSimulator({ port: 0, ...options.relbase });
  const db = createDatabase(env.databaseUrl, { maxConnections: env.embeddedDatabase ? 1 : 5 });
  const warehouseId = rb.simulator.warehouses()[0]!.id;
  await ensureBasicStore(db, storeCode, { warehouseId, ...options.settings });

  const stores = createStoreRegistry({
    db,
    jumpsellerApiUrl: js.apiUrl,
    relbaseApiUrl: rb.apiUrl,
    ...(options.relbaseLimiter ? { relbaseLimiter: options.relbaseLimiter } : {}),
    ...(options.apiRates ? { rateLimits: { jumpseller: [{ limit: options.apiRates.jumpseller, ms: 1000 }], relbase: [{ limit: options.apiRates.relbase, ms: 1000 }] } } : {}),
    configured: [
      {
        code: storeCode,
        jumpsellerLogin: js.sim.credentials.login,
        jumpsellerAuthToken: js.sim.credentials.authToken,
        hooksToken: js.sim.hooksToken,
        relbaseUserToken: rb.simulator.userToken,
        relbaseCompanyToken: rb.simulator.companyToken,
      },
    ],
  });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const temporal = new Client({ connection, dataConverter: testDataConverter });
  const services: Services = { db, activityDb: db, stores, temporal, temporalConnection: connection, close: () => Promise.resolve() };
  // The redispatcher claims this stack's deliveries only: the stacks of the files running beside it
  // share the database, and their deliveries belong on their own main queues.
  const api = composeApi(services, config, logger, { mainTaskQueue, codec: { keyring: testKeyring }, redispatchStores: [storeCode] });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const bundleReady = await workflowBundle();
  const spawnWorkers = (versioning = options.versioning) =>
    createWorkers({
      ...(versioning ? { versioning } : {}),
      connection: nativeConnection,
      namespace: 'default',
      dataConverter: testDataConverter,
      workflowBundle: bundleReady,
      storeCodes: [storeCode],
      mainTaskQueue,
      ...(options.apiRates ? { apiQueueRates: options.apiRates } : {}),
      // The simulator serves images from 127.0.0.1: the sandbox's explicit allowance.
      activityDeps: { db, stores, temporal, logger, imageSources: sandboxImageSources(config.imageHosts, js.url) },
    });
  const noWorkers: RunningWorkers = { workers: [], done: Promise.resolve(), addStore: () => Promise.resolve(false), shutdown: () => Promise.resolve() };
  let workers: RunningWorkers = inProcessWorkers ? await spawnWorkers() : noWorkers;

  if (!options.skipInstall) {
    const store = await stores.get(storeCode);
    await seedInstalledStore(db, store!, apiUrl, logger);
  }

  const stack: TestStack = {
    storeCode,
    js,
    rb,
    db,
    stores,
    temporal,
    api,
    apiUrl,
    get workers() {
      return workers;
    },
    mainTaskQueue,
    processEnv: {
      DATABASE_URL: env.databaseUrl,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      ...simulatorStoreEnv(storeCode, js, rb, warehouseId),
      LOG_LEVEL: 'warn',
    },
    async setSettings(change) {
      const row = await db.selectFrom('stores').select('settings').where('code', '=', storeCode).executeTakeFirstOrThrow();
      await saveStoreSettings(db, storeCode, { ...readSettings(row.settings), ...change });
    },
    async link(sku, relbaseProductId, jsProductId = 0) {
      await upsertLink(db, { storeCode, sku, jsProductId: String(jsProductId), jsVariantId: null, relbaseProductId: String(relbaseProductId) });
    },
    async productInBoth(sku, price, { name = `Producto ${sku}`, stock = 50, linked = true } = {}) {
      const jsProduct = js.sim.createProduct({ name, price, sku, stock });
      const [rbProduct] = rb.simulator.seedProducts([{ name, code: sku, price }]);
      if (linked) await stack.link(sku, rbProduct!.id, jsProduct.id);
      return { jsProduct, rbProduct: rbProduct! };
    },
    async orderStatus(orderId) {
      return temporal.workflow.getHandle(orderWorkflowId(storeCode, orderId)).query(orderStatusQuery);
    },
    waitForOrder(orderId, predicate, timeoutMs = 60_000) {
      return pollQuery(() => stack.orderStatus(orderId), predicate, timeoutMs, `order ${orderId} did not reach the expected state`);
    },
    waitForOrderState(orderId, state, timeoutMs) {
      return stack.waitForOrder(orderId, (s) => s.state === state, timeoutMs);
    },
    waitForProductState(productId, state) {
      const handle = temporal.workflow.getHandle(productWorkflowId(storeCode, productId));
      return pollQuery(
        () => handle.query(productSyncStatusQuery),
        (s) => s.state === state,
        60_000,
        `product ${productId} did not reach ${state}`,
      );
    },
    async readModelState(orderId, wanted) {
      let state: string | undefined;
      const deadline = Date.now() + 60_000;
      for (let first = true; state !== wanted && (first || Date.now() < deadline); first = false) {
        if (!first) await new Promise((r) => setTimeout(r, 100));
        const row = await db.selectFrom('orders').select('state').where('store_code', '=', storeCode).where('order_id', '=', String(orderId)).executeTakeFirst();
        state = row?.state;
      }
      return state;
    },
    async createsNotRefused(orderIds) {
      const rows = await db
        .selectFrom('documents')
        .select(['creates_sent', 'creates_refused'])
        .where('store_code', '=', storeCode)
        .where('order_id', 'in', orderIds.map(String))
        .execute();
      return rows.map((r) => r.creates_sent - r.creates_refused);
    },
    async stopWorkers() {
      await workers.shutdown();
    },
    async startWorkers(versioning) {
      workers = await spawnWorkers(versioning);
    },
    async stop() {
      api.redispatcher.stop();
      // Schedules an install made would go on starting runs on this stack's queue after it is gone.
      for (const id of [stockReconcileScheduleId(storeCode), orderReconcileScheduleId(storeCode)]) {
        await temporal.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
      }
      await workers.shutdown().catch(() => undefined);
      await closeServer(server, 2000);
      await js.close();
      await rb.close();
      await nativeConnection.close();
      await connection.close();
      await db.destroy();
    },
  };
  return stack;
}

/** Asks a workflow's query every 100 ms until `predicate` holds (a workflow not started yet is asked again); throws with the last answer after `timeoutMs`. */
async function pollQuery<T>(ask: () => Promise<T>, predicate: (answer: T) => boolean, timeoutMs: number, failure: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await ask();
      if (predicate(last)) return last;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`${failure} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
