/**
 * The relBase client against a relBase over real HTTP: always the simulator (random port), and the
 * real API when RELBASE_CONTRACT_USER_TOKEN and RELBASE_CONTRACT_COMPANY_TOKEN are set. The same
 * `contractCalls` run against both, so the simulator cannot drift from what the client expects;
 * throttling, faults and pagination over many pages need the simulator's control and run only there.
 * Against the real API nothing is written unless RELBASE_CONTRACT_ALLOW_WRITES=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-errors.js';
import { createRelbaseClient } from '../../src/relbase/client.js';
import type { RelbaseClient, RelbaseClientOptions } from '../../src/relbase/client.js';
import type { RelbaseRequestEvent } from '../../src/relbase/transport.js';
import { startRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import type { RelbaseSimulatorOptions, RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';

const realApi = {
  userToken: process.env.RELBASE_CONTRACT_USER_TOKEN ?? '',
  companyToken: process.env.RELBASE_CONTRACT_COMPANY_TOKEN ?? '',
  baseUrl: process.env.RELBASE_CONTRACT_API_URL ?? 'https://api.relbase.cl/api/v1',
  allowWrites: process.env.RELBASE_CONTRACT_ALLOW_WRITES === '1',
};
const hasRealApi = realApi.userToken !== '' && realApi.companyToken !== '';

/** A 1×1 PNG. */
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

/** A valid RUT (módulo 11) from a random body, so runs against the real API do not collide. */
function randomRut(): string {
  const body = String(10_000_000 + Math.floor(Math.random() * 9_000_000));
  let sum = 0;
  [...body].reverse().forEach((d, i) => (sum += Number(d) * ((i % 6) + 2)));
  const r = 11 - (sum % 11);
  return `${body}-${r === 11 ? '0' : r === 10 ? 'K' : String(r)}`;
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

interface Target {
  client: () => RelbaseClient;
  /** Builds a client with other options (wrong tokens, short timeout) against the same server. */
  clientWith: (opts: Partial<RelbaseClientOptions>) => RelbaseClient;
  secrets: () => string[];
  allowWrites: boolean;
}

/** Every call of the client, run against any relBase. */
function contractCalls(target: Target) {
  it('lists warehouses with ids and names', async () => {
    const warehouses = await target.client().listWarehouses();
    expect(warehouses.length).toBeGreaterThan(0);
    for (const w of warehouses) {
      expect(Number.isInteger(w.id)).toBe(true);
      expect(typeof w.name).toBe('string');
    }
  });

  it('searches products, finds one by exact code, reads it and its stock per warehouse', async () => {
    const client = target.client();
    const page = await client.searchProducts('', 1);
    const withCode = page.products.find((p) => p.code !== null && p.code.trim() !== '');
    expect(withCode).toBeDefined();
    const found = await client.findProductByCode(withCode!.code!);
    expect(found?.code?.trim()).toBe(withCode!.code!.trim());

    const product = await client.getProduct(withCode!.id);
    expect(product.id).toBe(withCode!.id);
    expect(typeof product.price).toBe('number');

    const stock = await client.getStockByWarehouse(withCode!.id);
    expect(stock.length).toBeGreaterThan(0);
    for (const s of stock) {
      expect(Number.isInteger(s.warehouseId)).toBe(true);
      expect(Number.isFinite(s.currentStock)).toBe(true);
    }
  });

  it('answers null for a code and a label that exist nowhere', async () => {
    const client = target.client();
    const nonce = `NOPE-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    expect(await client.findProductByCode(nonce)).toBeNull();
    expect(await client.findDocumentsByLabel(nonce)).toEqual([]);
    expect(await client.findCustomerByRut(randomRut())).toBeNull();
  });

  it('reports bad tokens as a permanent auth error that carries no secret', async () => {
    const secret = `wrong-token-${Math.random().toString(36).slice(2)}`;
    const client = target.clientWith({ userToken: secret, companyToken: `${secret}-company`, throttleRetries: 1, throttleBackoffMs: 50 });
    const err = await rejectionOf(client.listWarehouses());
    expect(err.code).toBe('auth');
    expect(err.transient).toBe(false);
    const exposed = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
    for (const s of [secret, ...target.secrets()]) expect(exposed).not.toContain(s);
    expect(err.message).toMatch(/GET \/bodegas answered 40[13]/);
  });

  describe.skipIf(!target.allowWrites)('writes', () => {
    const code = `CT-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
    let productId = 0;
    let warehouseId = 0;

    it('creates a product, updates it and uploads its image', async () => {
      const client = target.client();
      const created = await client.createProduct({ name: `Contract test ${code}`, code, price: 11_900, barcode: `BC${code}` });
      expect(created).toMatchObject({ code, price: 11_900, is_inventory: true, tax_affected: true, url_image: null });
      productId = created.id;
      // An exempt product (no IVA) is created with tax_affected false (issue 15).
      const exempt = await client.createProduct({ name: `Contract test ${code} exento`, code: `${code}-EX`, price: 5000, taxAffected: false });
      expect(exempt).toMatchObject({ code: `${code}-EX`, tax_affected: false });

      const updated = await client.updateProduct(productId, { price: 12_900, name: `Contract test ${code} v2` });
      expect(updated).toMatchObject({ id: productId, price: 12_900, name: `Contract test ${code} v2`, code });
      expect((await client.findProductByCode(code))?.id).toBe(productId);

      const withImage = await client.uploadProductImage(productId, { bytes: PNG, filename: 'pixel.png', contentType: 'image/png' });
      expect(withImage.url_image).toMatch(/^https?:\/\//);
    });

    it('creates a customer and finds it by RUT written with dots', async () => {
      const client = target.client();
      const rut = randomRut();
      const created = await client.createCustomer({ rut, name: 'Cliente Contrato SpA', business_activity: 'Comercio', address: 'Av. Siempre Viva 742' });
      expect(created.rut.replace(/\./g, '').toUpperCase()).toBe(rut);
      const dotted = rut.replace(/^(\d{1,2})(\d{3})(\d{3})-/, '$1.$2.$3-').toLowerCase();
      expect((await client.findCustomerByRut(dotted))?.id).toBe(created.id);
    });

    it('issues a nota de venta, finds it by label and reads it back', async () => {
      const client = target.client();
      warehouseId = (await client.listWarehouses())[0]!.id;
      const label = `JS-CT-${code}`;
      const document = await client.createDocument({
        type_document: 1001,
        type_document_sii: 39,
        ware_house_id: warehouseId,
        mnt_bruto: true,
        label_value: label,
        comment: 'contract test',
        products: [{ product_id: productId, quantity: 3, price: 9990, discount: 12.5, tax_affected: true }],
      });
      expect(document).toMatchObject({ type_document: 1001, label_value: label, amount_total: 26_224 });
      expect(document.folio).not.toBeNull();

      const found = await client.findDocumentsByLabel(label, 1001);
      expect(found.map((d) => d.id)).toEqual([document.id]);
      const again = await client.getDocument(document.id);
      expect(again).toMatchObject({ id: document.id, folio: document.folio, amount_total: 26_224 });
    });
  });
}

function simulatorTarget(running: () => RunningRelbaseSimulator): Target {
  const clientWith = (opts: Partial<RelbaseClientOptions>) =>
    createRelbaseClient({
      baseUrl: running().apiUrl,
      userToken: running().simulator.userToken,
      companyToken: running().simulator.companyToken,
      ...opts,
    });
  let shared: RelbaseClient | undefined;
  return {
    client: () => (shared ??= clientWith({})),
    clientWith,
    secrets: () => [running().simulator.userToken, running().simulator.companyToken],
    allowWrites: true,
  };
}

async function withSimulator(opts: RelbaseSimulatorOptions = {}) {
  return startRelbaseSimulator({ port: 0, ...opts });
}

describe('relBase client against the simulator over HTTP', () => {
  let sim: RunningRelbaseSimulator;
  beforeAll(async () => {
    sim = await withSimulator({ pageSizes: { documents: 5 } });
    sim.simulator.seedProducts([{ name: 'Polera azul', code: 'POL-AZ', price: 9990, stock: { 2943: 10, 2944: -2.5 } }]);
  });
  afterAll(() => sim.close());

  contractCalls(simulatorTarget(() => sim));

  it('reads stock per warehouse exactly, fractional and negative included', async () => {
    const client = simulatorTarget(() => sim).client();
    const product = await client.findProductByCode('POL-AZ');
    expect(await client.getStockByWarehouse(product!.id)).toEqual([
      { warehouseId: 2943, currentStock: 10 },
      { warehouseId: 2944, currentStock: -2.5 },
    ]);
    expect((await client.getProduct(product!.id)).inventories).toEqual([
      { ware_house_id: 2943, stock: 10 },
      { ware_house_id: 2944, stock: -2.5 },
    ]);
  });

  it('serves the uploaded image bytes at url_image', async () => {
    const client = simulatorTarget(() => sim).client();
    const product = await client.findProductByCode('POL-AZ');
    const updated = await client.uploadProductImage(product!.id, { bytes: PNG, filename: 'azul.png', contentType: 'image/png' });
    const res = await fetch(updated.url_image!);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
  });

  it('matches labels exactly: JS-1, JS-10 and JS-100 are three orders', async () => {
    const client = simulatorTarget(() => sim).client();
    const productId = (await client.findProductByCode('POL-AZ'))!.id;
    const ids: Record<string, number> = {};
    for (const label of ['JS-100', 'JS-10', 'JS-1']) {
      const d = await client.createDocument({
        type_document: 39,
        ware_house_id: 2943,
        mnt_bruto: true,
        label_value: label,
        products: [{ product_id: productId, quantity: 1, price: 1000 }],
      });
      ids[label] = d.id;
    }
    for (const label of ['JS-1', 'JS-10', 'JS-100']) {
      const found = await client.findDocumentsByLabel(label, 39);
      expect(found.map((d) => [d.id, d.label_value])).toEqual([[ids[label], label]]);
    }
    expect(await client.findDocumentsByLabel('JS-1', 33)).toEqual([]);
    expect(await client.findDocumentsByLabel('JS-')).toEqual([]);
  });

  it('walks every page of the document search (11 matches, 5 per page)', async () => {
    const calls: RelbaseRequestEvent[] = [];
    const client = simulatorTarget(() => sim).clientWith({ onRequest: (e) => calls.push(e) });
    const productId = (await client.findProductByCode('POL-AZ'))!.id;
    for (let i = 0; i < 11; i++) {
      await client.createDocument({
        type_document: 39,
        ware_house_id: 2943,
        mnt_bruto: true,
        label_value: 'PAGED',
        comment: `copy ${i}`,
        products: [{ product_id: productId, quantity: 1, price: 100 }],
      });
    }
    calls.length = 0;
    const found = await client.findDocumentsByLabel('PAGED', 39);
    expect(found).toHaveLength(11);
    expect(new Set(found.map((d) => d.id)).size).toBe(11);
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(Array(3).fill('GET /dtes 200'));
  });

  it('keeps a document whose answer was lost, and findDocumentsByLabel finds it', async () => {
    const client = simulatorTarget(() => sim).client();
    const productId = (await client.findProductByCode('POL-AZ'))!.id;
    sim.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    const err = await rejectionOf(
      client.createDocument({ type_document: 39, ware_house_id: 2943, mnt_bruto: true, label_value: 'JS-LOST-1', products: [{ product_id: productId, quantity: 2, price: 5000 }] }),
    );
    expect(err.code).toBe('server');
    expect(err.transient).toBe(true);
    const found = await client.findDocumentsByLabel('JS-LOST-1', 39);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ label_value: 'JS-LOST-1', amount_total: 10_000, sii_status: 'sent_sii' });
  });

  it('reports relBase validation messages as permanent validation errors', async () => {
    const client = simulatorTarget(() => sim).client();
    const err = await rejectionOf(
      client.createDocument({ type_document: 33, customer_id: 424242, ware_house_id: 2943, mnt_bruto: false, products: [{ product_id: 1, quantity: 1, price: 1 }] }),
    );
    expect(err).toMatchObject({ code: 'validation', status: 422, kind: 'permanent' });
    expect(err.message).toBe('relbase: POST /dtes answered 422: customer 424242 does not exist');
  });

  it('reports an unknown id as notFound', async () => {
    const err = await rejectionOf(
      simulatorTarget(() => sim)
        .client()
        .getDocument(1),
    );
    expect(err).toMatchObject({ code: 'notFound', status: 404, kind: 'permanent' });
  });
});

describe('relBase client pagination of the product search (simulator)', () => {
  let sim: RunningRelbaseSimulator;
  beforeAll(async () => {
    sim = await withSimulator({ rateLimit: false });
    // SKU-1 … SKU-150: the fuzzy query "SKU-1" matches 62 of them (SKU-1, SKU-10…19, SKU-100…150): 3 pages of 25.
    sim.simulator.seedProducts(Array.from({ length: 150 }, (_, i) => ({ name: `Producto ${i + 1}`, code: `SKU-${i + 1}`, price: 1000 + i })));
  });
  afterAll(() => sim.close());

  const client = (opts: Partial<RelbaseClientOptions> = {}) => simulatorTarget(() => sim).clientWith(opts);

  it('returns pages of 25 with nextPage until the last', async () => {
    const pages = [await client().searchProducts('SKU-1', 1), await client().searchProducts('SKU-1', 2), await client().searchProducts('SKU-1', 3)];
    expect(pages.map((p) => [p.products.length, p.nextPage])).toEqual([
      [25, 2],
      [25, 3],
      [12, null],
    ]);
  });

  it('finds exactly the code asked for, walking all three pages of near matches', async () => {
    const calls: RelbaseRequestEvent[] = [];
    const found = await client({ onRequest: (e) => calls.push(e) }).findProductByCode(' SKU-1 ');
    expect(found).toMatchObject({ code: 'SKU-1', price: 1000 });
    expect(calls).toHaveLength(3); // a duplicate could hide on any page
    expect(await client().findProductByCode('SKU-150')).toMatchObject({ code: 'SKU-150', price: 1149 });
    expect(await client().findProductByCode('sku-1')).toBeNull(); // codes are case-sensitive
  });

  it('walks all pages and refuses a code two products share', async () => {
    sim.simulator.seedProducts([{ name: 'Copia', code: 'SKU-1', price: 1 }]);
    const calls: RelbaseRequestEvent[] = [];
    const err = await rejectionOf(client({ onRequest: (e) => calls.push(e) }).findProductByCode('SKU-1'));
    expect(err).toMatchObject({ code: 'validation', kind: 'permanent' });
    expect(err.message).toMatch(/product code "SKU-1" is shared by relBase products \d+, \d+/);
    expect(calls.map((c) => c.path)).toEqual(['/productos', '/productos', '/productos']);
  });
});

describe('relBase client throttling, faults and timeouts (simulator)', () => {
  it('stays under 7 requests per second when 40 calls are fired at once: no 403', async () => {
    const sim = await withSimulator();
    try {
      const client = simulatorTarget(() => sim).client();
      const results = await Promise.all(Array.from({ length: 40 }, () => client.listWarehouses()));
      expect(results.every((w) => w.length === 2)).toBe(true);
      const stats = sim.simulator.requests();
      expect(stats).toMatchObject({ total: 40, throttled: 0, injectedThrottles: 0 });
      expect(stats.peakPerSecond).toBeLessThanOrEqual(7);
      expect(stats.peakPerSecond).toBeGreaterThanOrEqual(6);
    } finally {
      await sim.close();
    }
  });

  it('retries injected 403s with backoff and succeeds', async () => {
    let throttleNext = 2;
    const sim = await withSimulator({ random: () => (throttleNext-- > 0 ? 0 : 0.99) });
    try {
      sim.simulator.setFaults({ throttle: 0.5 });
      const calls: RelbaseRequestEvent[] = [];
      const started = Date.now();
      const warehouses = await simulatorTarget(() => sim)
        .clientWith({ onRequest: (e) => calls.push(e) })
        .listWarehouses();
      expect(warehouses.map((w) => w.id)).toEqual([2943, 2944]);
      expect(calls.map((c) => c.status)).toEqual([403, 403, 200]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250 + 500 - 20); // backed off 250 then 500 ms
      expect(sim.simulator.requests().injectedThrottles).toBe(2);
    } finally {
      await sim.close();
    }
  });

  it('turns a 403 that persists after the retries into a permanent auth error', async () => {
    const sim = await withSimulator();
    try {
      sim.simulator.setFaults({ throttle: 1 });
      const calls: RelbaseRequestEvent[] = [];
      const client = simulatorTarget(() => sim).clientWith({ throttleRetries: 2, throttleBackoffMs: 10, onRequest: (e) => calls.push(e) });
      const err = await rejectionOf(client.getProduct(5757001));
      expect(err).toMatchObject({ code: 'auth', kind: 'permanent', status: 403, type: 'relbase.auth' });
      expect(err.message).toMatch(/GET \/productos\/5757001 answered 403 after 2 throttling retries/);
      expect(calls).toHaveLength(3);
    } finally {
      await sim.close();
    }
  });

  it('reports a server that does not answer in time as a transient timeout', async () => {
    const sim = await withSimulator();
    try {
      sim.simulator.setFaults({ hangMs: 400 });
      const started = Date.now();
      const err = await rejectionOf(
        simulatorTarget(() => sim)
          .clientWith({ timeoutMs: 100 })
          .listWarehouses(),
      );
      expect(err).toMatchObject({ code: 'timeout', kind: 'transient' });
      expect(err.message).toBe('relbase: GET /bodegas got no answer within 100 ms');
      expect(Date.now() - started).toBeLessThan(350);
    } finally {
      await sim.close();
    }
  });

  it('reports injected 5xx as a transient server error', async () => {
    const sim = await withSimulator();
    try {
      sim.simulator.setFaults({ errorRate: 1 });
      const err = await rejectionOf(
        simulatorTarget(() => sim)
          .client()
          .listWarehouses(),
      );
      expect(err).toMatchObject({ code: 'server', kind: 'transient', status: 503 });
    } finally {
      await sim.close();
    }
  });
});

describe.skipIf(!hasRealApi)(
  'relBase client against the real API (needs RELBASE_CONTRACT_USER_TOKEN and RELBASE_CONTRACT_COMPANY_TOKEN; optional RELBASE_CONTRACT_API_URL; writes only with RELBASE_CONTRACT_ALLOW_WRITES=1)',
  () => {
    const clientWith = (opts: Partial<RelbaseClientOptions>) =>
      createRelbaseClient({ baseUrl: realApi.baseUrl, userToken: realApi.userToken, companyToken: realApi.companyToken, ...opts });
    let shared: RelbaseClient | undefined;
    contractCalls({
      client: () => (shared ??= clientWith({})),
      clientWith,
      secrets: () => [realApi.userToken, realApi.companyToken],
      allowWrites: realApi.allowWrites,
    });
  },
);
