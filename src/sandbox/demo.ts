/**
 * The demo world `npm start` runs when no real store is configured: both simulators on their
 * configured ports, a small catalogue in Jumpseller whose SKUs also exist in relBase (as a merchant
 * who already had products in relBase would have), and fixed sandbox credentials.
 *
 * The simulators keep everything in memory: a restart empties them while the service's own
 * database and Temporal history persist, so order ids start from the clock to stay unique.
 */
import type { Config, SingleStoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { seedDemoCatalog } from './jumpseller/seed.js';
import { startJumpsellerSimulator } from './jumpseller/server.js';
import { startRelbaseSimulator, SANDBOX_RELBASE_COMPANY_TOKEN, SANDBOX_RELBASE_USER_TOKEN } from './relbase/simulator.js';

export const SANDBOX_STORE = {
  code: 'demo-store',
  login: 'demo-login',
  authToken: 'demo-auth-token',
  hooksToken: 'demo-hooks-token',
} as const;

export interface Sandbox {
  apiUrls: { jumpseller: string; relbase: string };
  store: SingleStoreConfig;
  /** Lines for the start-up banner. */
  banner: string[];
  stop(): Promise<void>;
}

export async function startSandbox(config: Pick<Config, 'sandboxPorts' | 'host'>, logger: Logger): Promise<Sandbox> {
  const rb = await startRelbaseSimulator({ port: config.sandboxPorts.relbase, hostname: '127.0.0.1' });
  const js = await startJumpsellerSimulator({
    port: config.sandboxPorts.jumpseller,
    storeCode: SANDBOX_STORE.code,
    storeName: 'Tienda Demo',
    login: SANDBOX_STORE.login,
    authToken: SANDBOX_STORE.authToken,
    hooksToken: SANDBOX_STORE.hooksToken,
  });
  // Ids from the clock: earlier runs' orders live on in Temporal and the database.
  js.sim.state.ids.order = Math.floor(Date.now() / 1000) % 100_000_000;

  const products = seedDemoCatalog(js.sim, { products: 6, variantsPerProduct: 0, stock: 25 });
  // relBase already holds every demo SKU by code, so the catalog sync links rather than creates.
  rb.simulator.seedProducts(
    [...js.sim.state.products.values()].flatMap((p) =>
      p.variants.length > 0
        ? p.variants.map((v) => ({ name: `${p.name} ${v.sku ?? ''}`.trim(), code: v.sku ?? '', price: v.price ?? p.price }))
        : [{ name: p.name, code: p.sku ?? '', price: p.price }],
    ),
  );
  const warehouseId = rb.simulator.warehouses()[0]!.id;
  for (const p of rb.simulator.products()) rb.simulator.setStock({ productId: p.id, warehouseId, set: 25 });
  logger.info({ products: products.length }, 'sandbox simulators started with a demo catalogue');

  return {
    apiUrls: { jumpseller: js.apiUrl, relbase: rb.apiUrl },
    store: {
      code: SANDBOX_STORE.code,
      login: SANDBOX_STORE.login,
      authToken: SANDBOX_STORE.authToken,
      hooksToken: SANDBOX_STORE.hooksToken,
      relbaseUserToken: SANDBOX_RELBASE_USER_TOKEN,
      relbaseCompanyToken: SANDBOX_RELBASE_COMPANY_TOKEN,
      relbaseWarehouseId: warehouseId,
    },
    banner: [
      `  Sandbox:         simulated Jumpseller at ${js.url} (store ${SANDBOX_STORE.code}), simulated relBase at ${rb.url}`,
      `                   place and pay an order: curl -X POST ${js.url}/_sim/orders -H 'content-type: application/json' -d '{"lines":[{"productId":${products[0]?.id ?? 1000},"qty":1}]}'`,
      `                   then: curl -X POST ${js.url}/_sim/orders/<id>/pay ; documents: curl ${rb.url}/_sim/documents`,
    ],
    async stop() {
      await js.close();
      await rb.close();
    },
  };
}
