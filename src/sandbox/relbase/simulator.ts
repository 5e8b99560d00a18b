/**
 * A wire-compatible relBase v1 for tests and the sandbox: every endpoint of the project's relBase
 * contract under `/api/v1`, with relBase's auth headers, its ~7/s limit answered with 403, fault
 * injection, and a `/_sim/` control API. `createRelbaseSimulator` builds the Hono app (test it with
 * `app.request()`); `startRelbaseSimulator` serves it on a port.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { faultMiddleware } from '../faults.js';
import { changeStock, listDocuments, listProducts, productStock, requestStats, seedCustomer, seedProducts, setFaults } from './control.js';
import type { RequestStats, StockChange, StockChangeResult } from './control.js';
import { controlRoutes } from './control-routes.js';
import { customerRoutes } from './customer-routes.js';
import { placeRoutes } from './place-routes.js';
import { documentRoutes } from './document-routes.js';
import { emitFromNotaDeVenta } from './documents.js';
import { productRoutes } from './product-routes.js';
import type { SimContext } from './sim-context.js';
import { DEFAULT_WAREHOUSES, createState } from './state.js';
import type { RelbaseFaults, SeedCustomer, SeedProduct, SimCustomer, SimDocument, SimProduct, SimWarehouse, RelbaseSimState } from './state.js';
import { DEFAULT_RATE_LIMIT, throttledResponse, trafficMiddleware } from './traffic.js';
import type { RateLimitSettings } from './traffic.js';
import { fail, ok } from './wire.js';

export const SANDBOX_RELBASE_USER_TOKEN = 'sandbox-relbase-user-token';
export const SANDBOX_RELBASE_COMPANY_TOKEN = 'sandbox-relbase-company-token';

export interface RelbaseSimulatorOptions {
  userToken?: string;
  companyToken?: string;
  /** At least one; the first is the default warehouse. Default: 2943 Bodega Central, 2944 Tienda Providencia. */
  warehouses?: SimWarehouse[];
  /** Page sizes of the list endpoints; default 25 each. */
  pageSizes?: Partial<SimContext['pageSizes']>;
  /** relBase's limit (default 7 per 1000 ms, 100 ms jitter tolerance); false turns it off. */
  rateLimit?: Partial<RateLimitSettings> | false;
  /** Loaded at start and again on every reset. */
  seed?: { products?: SeedProduct[]; customers?: SeedCustomer[] };
  /** For deterministic fault injection in tests. */
  random?: () => number;
  /** yyyy-mm-dd used when a document names no date; default today (UTC). */
  today?: () => string;
  /** The clock the rate limit reads, for deterministic tests. */
  now?: () => number;
}

export interface RelbaseSimulator {
  app: Hono;
  /** The live state; replaced by `reset()`, so read it through this property each time. */
  readonly state: RelbaseSimState;
  userToken: string;
  companyToken: string;
  warehouses(): SimWarehouse[];
  seedProducts(products: SeedProduct[]): SimProduct[];
  addCustomer(customer: SeedCustomer): SimCustomer;
  /** Sets or adjusts one product's stock in one warehouse, as a merchant would in relBase. */
  setStock(change: StockChange): StockChangeResult;
  stockOf(productId: number, warehouseId?: number): number;
  products(): ReturnType<typeof listProducts>;
  documents(): SimDocument[];
  /** A merchant turns a nota de venta into its boleta or factura in relBase's UI (documents.ts). */
  emitFromNotaDeVenta(notaId: number): SimDocument;
  requests(): RequestStats;
  /** Generic faults (latency, errors, throttling, commit-then-fail) and document faults (document-faults.ts). */
  setFaults(faults: Partial<RelbaseFaults>): RelbaseFaults;
  /** Back to the seed: data, folios, faults and traffic counters. */
  reset(): void;
}

export function createRelbaseSimulator(opts: RelbaseSimulatorOptions = {}): RelbaseSimulator {
  const userToken = opts.userToken ?? SANDBOX_RELBASE_USER_TOKEN;
  const companyToken = opts.companyToken ?? SANDBOX_RELBASE_COMPANY_TOKEN;
  const warehouses = opts.warehouses ?? DEFAULT_WAREHOUSES;
  if (warehouses.length === 0) throw new Error('the relBase simulator needs at least one warehouse');
  const rateLimit = opts.rateLimit === false ? null : { ...DEFAULT_RATE_LIMIT, ...opts.rateLimit };
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));

  const ctx: SimContext = {
    state: createState(warehouses),
    pageSizes: { products: 25, documents: 25, customers: 25, ...opts.pageSizes },
  };
  function reset() {
    ctx.state = createState(warehouses);
    seedProducts(ctx, opts.seed?.products ?? []);
    for (const customer of opts.seed?.customers ?? []) seedCustomer(ctx, customer);
  }
  reset();

  const api = new Hono();
  api.use(
    trafficMiddleware(
      () => ctx.state.traffic,
      () => rateLimit,
      opts.now,
    ),
  );
  api.use(async (c, next) => {
    // Header names are case-insensitive; relBase sends no Bearer prefix.
    if (c.req.header('authorization') !== userToken || c.req.header('company') !== companyToken) {
      return fail(c, 401, 'invalid user or company token');
    }
    await next();
  });
  // Faults read the live state through getters, so a reset also clears them.
  api.use(
    faultMiddleware(
      {
        get faults() {
          return ctx.state.faults;
        },
        get counters() {
          return ctx.state.counters;
        },
      },
      throttledResponse,
      opts.random,
    ),
  );
  api.get('/bodegas', (c) => ok(c, { warehouses: ctx.state.warehouses.map((w) => ({ ...w })) }));
  api.route('/', productRoutes(ctx));
  api.route('/', customerRoutes(ctx));
  api.route('/', placeRoutes());
  api.route('/', documentRoutes(ctx, today));
  api.notFound((c) => fail(c, 404, 'not found'));

  const app = new Hono();
  app.route('/api/v1', api);
  app.route('/_sim', controlRoutes(ctx, reset));

  return {
    app,
    get state() {
      return ctx.state;
    },
    userToken,
    companyToken,
    warehouses: () => ctx.state.warehouses.map((w) => ({ ...w })),
    seedProducts: (products) => seedProducts(ctx, products),
    addCustomer: (customer) => seedCustomer(ctx, customer),
    emitFromNotaDeVenta: (notaId) => emitFromNotaDeVenta(ctx.state, notaId, today()),
    setStock: (change) => changeStock(ctx, change),
    stockOf: (productId, warehouseId) => productStock(ctx, productId, warehouseId),
    products: () => listProducts(ctx),
    documents: () => listDocuments(ctx),
    requests: () => requestStats(ctx),
    setFaults: (faults) => setFaults(ctx, faults),
    reset,
  };
}

export interface RunningRelbaseSimulator {
  /** The origin, e.g. `http://127.0.0.1:4200`; the control API is under `/_sim`. */
  url: string;
  /** The base URL a relBase client uses: `<url>/api/v1`. */
  apiUrl: string;
  simulator: RelbaseSimulator;
  close(): Promise<void>;
}

/** Serves a simulator on `port` (0 picks a free one) on 127.0.0.1 unless `hostname` says otherwise. */
export async function startRelbaseSimulator(opts: RelbaseSimulatorOptions & { port: number; hostname?: string }): Promise<RunningRelbaseSimulator> {
  const simulator = createRelbaseSimulator(opts);
  const hostname = opts.hostname ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch: simulator.app.fetch, port: opts.port, hostname }, (info: AddressInfo) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
  const host = hostname.includes(':') ? `[${hostname}]` : hostname === '0.0.0.0' ? '127.0.0.1' : hostname;
  const url = `http://${host}:${port}`;
  return {
    url,
    apiUrl: `${url}/api/v1`,
    simulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Idle keep-alive connections would hold close() open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
