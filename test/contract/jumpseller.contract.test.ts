/**
 * The Jumpseller client against the simulator over real HTTP, and (read-only, unless writes are
 * allowed) against a real store when JUMPSELLER_CONTRACT_LOGIN and JUMPSELLER_CONTRACT_AUTH_TOKEN
 * are set. The shared read checks hold for any store; the rest needs the simulator's control API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-errors.js';
import type { RateLimiter } from '../../src/http/rate-limiter.js';
import { createJumpsellerClient, createJumpsellerRateLimiter } from '../../src/jumpseller/client.js';
import type { JumpsellerClient, JumpsellerClientOptions, JumpsellerRequestInfo } from '../../src/jumpseller/client.js';
import { seedDemoCatalog } from '../../src/sandbox/jumpseller/seed.js';
import { startJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import type { RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';

const realStore =
  process.env['JUMPSELLER_CONTRACT_LOGIN'] && process.env['JUMPSELLER_CONTRACT_AUTH_TOKEN']
    ? {
        login: process.env['JUMPSELLER_CONTRACT_LOGIN'],
        authToken: process.env['JUMPSELLER_CONTRACT_AUTH_TOKEN'],
        apiUrl: process.env['JUMPSELLER_CONTRACT_API_URL'] ?? 'https://api.jumpseller.com/v1',
      }
    : null;

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError, the call succeeded');
}

/** Checks that hold on any store, simulated or real, without changing it. */
function readContract(target: () => { client: JumpsellerClient; login: string; authToken: string; apiUrl: string }) {
  it('getStoreInfo returns the store code, currency and hooks token', async () => {
    const info = await target().client.getStoreInfo();
    expect(info.code).toMatch(/\S/);
    expect(info.currency).toMatch(/^[A-Z]{3}$/);
    expect(typeof info.hooks_token).toBe('string');
  });

  it('countProducts agrees with the first page of listProducts', async () => {
    const { client } = target();
    const count = await client.countProducts();
    const first = await client.listProducts({ page: 1, limit: 100 });
    expect(first.length).toBe(Math.min(count, 100));
  });

  it('getProduct, listVariants, getVariant and listProductImages read the same product', async () => {
    const { client } = target();
    const [product] = await client.listProducts({ page: 1, limit: 20 });
    if (!product) return; // an empty store has nothing more to read
    const again = await client.getProduct(product.id);
    expect(again.id).toBe(product.id);
    expect(again.name).toBe(product.name);
    const variants = await client.listVariants(product.id);
    expect(variants.map((v) => v.id)).toEqual(again.variants.map((v) => v.id));
    if (variants[0]) expect((await client.getVariant(product.id, variants[0].id)).id).toBe(variants[0].id);
    const images = await client.listProductImages(product.id);
    expect(images.map((i) => i.id)).toEqual(again.images.map((i) => i.id));
  });

  it('listOrders and getOrder read the same order', async () => {
    const { client } = target();
    const [order] = await client.listOrders({ page: 1, limit: 5 });
    if (!order) return;
    const again = await client.getOrder(order.id);
    expect(again.id).toBe(order.id);
    expect(again.total).toBe(order.total);
    expect(again.products.length).toBe(order.products.length);
  });

  it('listOrderRefsByDate lists paid orders of a range of days, each with its id and creation date', async () => {
    const { client } = target();
    const today = new Date();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const page = await client.listOrderRefsByDate({ page: 1, limit: 100, status: 'paid', initialDate: day(-30), finalDate: day(1) });
    expect(page.received).toBe(page.orders.length + page.unreadable);
    for (const o of page.orders) {
      expect(Number.isInteger(o.id)).toBe(true);
      if (o.status_enum !== null) expect(o.status_enum).toBe('paid');
    }
  });

  it('listHooks and listCheckoutCustomFields answer lists', async () => {
    const { client } = target();
    expect(Array.isArray(await client.listHooks())).toBe(true);
    expect(Array.isArray(await client.listCheckoutCustomFields())).toBe(true);
  });

  it('an unknown order is a permanent notFound ApiError', async () => {
    const err = await apiErrorOf(target().client.getOrder(987_654_321));
    expect(err.code).toBe('notFound');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('GET /orders/987654321.json answered 404');
  });

  it('a wrong auth token is a permanent auth ApiError that leaks no secret', async () => {
    const { login, authToken, apiUrl } = target();
    const wrongToken = `${authToken.slice(0, 4)}wrong-token-9f8e7d6c5b4a`;
    const client = createJumpsellerClient({ baseUrl: apiUrl, auth: { kind: 'basic', login, authToken: wrongToken } });
    const err = await apiErrorOf(client.getStoreInfo());
    expect(err.code).toBe('auth');
    expect(err.kind).toBe('permanent');
    expect(err.status).toBe(401);
    expect(err.message).toContain('GET /store/info.json answered 401');
    const basic = Buffer.from(`${login}:${wrongToken}`).toString('base64');
    for (const text of [err.message, JSON.stringify(err), String(err.stack)]) {
      expect(text).not.toContain(wrongToken);
      expect(text).not.toContain(authToken);
      expect(text).not.toContain(basic);
    }
  });
}

describe('Jumpseller client against the simulator', () => {
  let running: RunningJumpsellerSimulator;
  let limiter: RateLimiter;
  let client: JumpsellerClient;
  const calls: JumpsellerRequestInfo[] = [];

  function clientWith(extra: Partial<JumpsellerClientOptions> = {}): JumpsellerClient {
    return createJumpsellerClient({
      baseUrl: running.apiUrl,
      auth: { kind: 'basic', ...running.sim.credentials },
      limiter, // one per store, shared like the service shares it
      ...extra,
    });
  }

  beforeAll(async () => {
    running = await startJumpsellerSimulator();
    limiter = createJumpsellerRateLimiter();
    client = clientWith({ onRequest: (info) => calls.push(info) });
    seedDemoCatalog(running.sim, { products: 240, variantsPerProduct: 0 });
    seedDemoCatalog(running.sim, { products: 10, variantsPerProduct: 3, stock: 5 });
    for (let i = 0; i < 7; i++) running.sim.placeOrder({ lines: [{ productId: 1001 + i, qty: 1 }] });
  });
  afterAll(() => running.close());

  describe('shared read contract', () => {
    readContract(() => ({ client, ...running.sim.credentials, apiUrl: running.apiUrl }));
  });

  it('paginates products over three pages without gaps or repeats', async () => {
    expect(await client.countProducts()).toBe(250);
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push(await client.listProducts({ page, limit: 100 }));
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const ids = pages.flat().map((p) => p.id);
    expect(new Set(ids).size).toBe(250);
    expect(Math.min(...ids)).toBe(1001);
    expect(Math.max(...ids)).toBe(1250);
  });

  it('paginates orders, and filters them by status', async () => {
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push(await client.listOrders({ page, limit: 3 }));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const [first] = pages[0]!;
    running.sim.payOrder(first!.id);
    const paid = await client.listOrders({ page: 1, limit: 50, status: 'paid' });
    expect(paid.map((o) => o.id)).toEqual([first!.id]);
    expect(paid[0]!.status_enum).toBe('paid');
    expect(paid[0]!.status).toBe('Paid');
    const pending = await client.listOrders({ page: 1, limit: 50, status: 'pending_payment' });
    expect(pending).toHaveLength(6);
  });

  it('lists paid orders by creation day with listOrderRefsByDate, only their refs', async () => {
    const order = running.sim.placeOrder({ lines: [{ productId: 1002, qty: 1 }] });
    running.sim.payOrder(order.id);
    const today = new Date().toISOString().slice(0, 10);
    const around = await client.listOrderRefsByDate({ page: 1, limit: 100, status: 'paid', initialDate: '2000-01-01', finalDate: '2100-01-01' });
    expect(around.orders.map((o) => o.id)).toContain(order.id);
    expect(around.orders.find((o) => o.id === order.id)).toEqual({ id: order.id, created_at: order.created_at, status_enum: 'paid' });
    expect(around).toMatchObject({ unreadable: 0, received: around.orders.length });
    const past = await client.listOrderRefsByDate({ page: 1, limit: 100, status: 'paid', initialDate: '2000-01-01', finalDate: '2000-01-02' });
    expect(past).toEqual({ orders: [], received: 0, unreadable: 0 });
    await expect(client.listOrderRefsByDate({ page: 1, limit: 100, status: 'paid', initialDate: today, finalDate: 'tomorrow' })).rejects.toThrow(/finalDate must be YYYY-MM-DD/);
  });

  it('getOrder unwraps an order with its lines, money and taxes', async () => {
    const placed = running.sim.placeOrder({
      lines: [{ productId: 1001, qty: 2, discount: 500 }],
      shipping: 3990,
      additionalFields: [{ id: 3, label: 'RUT empresa', value: '76.086.428-5' }],
      billingAddress: { taxid: '76.086.428-5' },
    });
    const order = await client.getOrder(placed.id);
    expect(order.products).toEqual([expect.objectContaining({ id: 1001, variant_id: null, sku: 'SKU-1', qty: 2, price: 1990, discount: 500 })]);
    expect(order.products[0]!.taxes).toEqual([expect.objectContaining({ name: 'IVA', rate: 19, tax_on_product_price: true })]);
    expect(order.total).toBe(2 * 1990 - 500 + 3990);
    expect(order.customer?.id).toBe(String(placed.customer.id));
    expect(order.billing_address?.taxid).toBe('76.086.428-5');
    expect(order.additional_fields).toEqual([{ id: 3, label: 'RUT empresa', value: '76.086.428-5', area: 'billing' }]);
    expect(order.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('reads variants and pushes variant stock as {"variant":{"stock":n,"stock_unlimited":false}}', async () => {
    const product = [...running.sim.state.products.values()].find((p) => p.variants.length === 3)!;
    const variants = await client.listVariants(product.id);
    expect(variants.map((v) => v.options[0]?.value)).toEqual(['S', 'M', 'L']);
    const target = variants[1]!;
    running.sim.state.products.get(product.id)!.variants[1]!.stock_unlimited = true;
    const updated = await client.updateVariantStock(product.id, target.id, 42);
    expect(updated).toMatchObject({ id: target.id, stock: 42, stock_unlimited: false });
    expect((await client.getVariant(product.id, target.id)).stock).toBe(42);
    expect((await client.getProduct(product.id)).stock).toBe(5 + 42 + 5);
  });

  it('pushes simple product stock; the simulator refuses product stock on a product with variants', async () => {
    expect(await client.updateProductStock(1002, 7)).toMatchObject({ id: 1002, stock: 7, stock_unlimited: false });
    expect((await client.getProduct(1002)).stock).toBe(7);
    const withVariants = [...running.sim.state.products.values()].find((p) => p.variants.length > 0)!;
    const err = await apiErrorOf(client.updateProductStock(withVariants.id, 3));
    expect(err.code).toBe('validation');
    expect(err.status).toBe(422);
    expect(err.message).toContain('variant');
  });

  it('refuses a non-integer or negative stock before sending anything', async () => {
    const before = calls.length;
    expect((await apiErrorOf(client.updateVariantStock(1, 2, 1.5))).code).toBe('validation');
    expect((await apiErrorOf(client.updateProductStock(1, -1))).code).toBe('validation');
    expect((await apiErrorOf(client.listProducts({ page: 1, limit: 101 }))).code).toBe('validation');
    expect(calls.length).toBe(before);
  });

  it('lists product images whose URLs serve real PNG bytes', async () => {
    const images = await client.listProductImages(1003);
    expect(images).toHaveLength(1);
    const res = await fetch(images[0]!.url);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('creates a hook and lists it', async () => {
    const hook = await client.createHook({ event: 'order_paid', url: 'https://app.example/webhooks/jumpseller' });
    expect(hook).toMatchObject({ event: 'order_paid', url: 'https://app.example/webhooks/jumpseller' });
    expect((await client.listHooks()).map((h) => h.id)).toContain(hook.id);
    const bad = await apiErrorOf(client.createHook({ event: 'order_created', url: 'https://app.example/x' }));
    expect(bad.code).toBe('validation');
    expect(bad.message).toContain('event is not included in the list');
  });

  it('creates checkout custom fields and gathers every page of them', async () => {
    const created = await client.createCheckoutCustomField({
      label: 'RUT empresa',
      type: 'input',
      area: 'contact',
      required: true,
      position: 1,
    });
    expect(created).toMatchObject({ label: 'RUT empresa', type: 'input', area: 'contact', required: true, deletable: true });
    for (let i = 2; i <= 205; i++) {
      const id = ++running.sim.state.ids.checkoutCustomField;
      running.sim.state.checkoutCustomFields.set(id, {
        id,
        label: `Campo ${i}`,
        type: 'text',
        area: 'other',
        required: false,
        position: i,
        deletable: true,
        custom_field_select_options: [],
      });
    }
    const before = calls.length;
    const all = await client.listCheckoutCustomFields();
    expect(all).toHaveLength(205);
    expect(all[204]!.label).toBe('Campo 205');
    expect(calls.slice(before).map((c) => c.path)).toEqual(Array(3).fill('/checkout_custom_fields.json'));
    const bad = await apiErrorOf(client.createCheckoutCustomField({ label: 'x', type: 'input', area: 'billing', required: false, position: 2 }));
    expect(bad.code).toBe('validation');
    expect(bad.message).toContain('area');
  });

  it('reports each request to onRequest with the path but never the query string', () => {
    const listing = calls.find((c) => c.path === '/products.json');
    expect(listing).toMatchObject({ method: 'GET', status: 200 });
    expect(calls.every((c) => !c.path.includes('?'))).toBe(true);
  });

  it('keeps 60 simultaneous calls under the limit: the simulator answers no 429', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // earlier tests' requests leave the 1 s window
    running.sim.resetRequestStats();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => client.getProduct(1001 + i)));
    expect(results.map((p) => p.id)).toEqual(Array.from({ length: 60 }, (_, i) => 1001 + i));
    const stats = running.sim.requestStats();
    expect(stats.throttled).toBe(0);
    expect(stats.total).toBe(60);
    expect(stats.byRoute['GET /v1/products/:id.json']).toBe(60);
    expect(stats.peakPerSecond).toBeLessThanOrEqual(20);
  });

  it('recovers from injected 429s by pausing and retrying', async () => {
    const statuses: (number | null)[] = [];
    const flaky = clientWith({
      onRequest: ({ status }) => {
        statuses.push(status);
        if (statuses.filter((s) => s === 429).length === 2) running.sim.setFaults({ throttle: 0 });
      },
    });
    running.sim.setFaults({ throttle: 1 });
    const started = Date.now();
    const info = await flaky.getStoreInfo();
    expect(info.code).toBe('tienda-simulada');
    expect(statuses).toEqual([429, 429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // 1 s pause after each 429
  });

  it('treats a 403 with Remaining 0 (the older API) as throttling and retries', async () => {
    const statuses: (number | null)[] = [];
    const legacy = clientWith({ onRequest: ({ status }) => statuses.push(status) });
    running.sim.setRateLimit({ legacy403Next: 1 });
    expect(await legacy.countProducts()).toBe(250);
    expect(statuses).toEqual([403, 200]);
  });

  it('gives up after the bounded retries with a transient throttled ApiError', async () => {
    const statuses: (number | null)[] = [];
    const impatient = clientWith({ maxThrottleRetries: 2, throttlePauseMs: 20, onRequest: ({ status }) => statuses.push(status) });
    running.sim.setFaults({ throttle: 1 });
    try {
      const err = await apiErrorOf(impatient.getStoreInfo());
      expect(err.code).toBe('throttled');
      expect(err.transient).toBe(true);
      expect(err.status).toBe(429);
      expect(statuses).toEqual([429, 429, 429]);
    } finally {
      running.sim.setFaults({ throttle: 0 });
    }
  });

  it('waits out a short ban, and hands a long one back as throttled with retryAfterMs', async () => {
    const statuses: (number | null)[] = [];
    const banned = clientWith({ onRequest: ({ status }) => statuses.push(status) });
    try {
      running.sim.setRateLimit({ banForMs: 1_500 });
      expect(await banned.countProducts()).toBe(250);
      expect(statuses).toEqual([429, 200]);

      running.sim.setRateLimit({ banForMs: 120_000 });
      const err = await apiErrorOf(banned.countProducts());
      expect(err).toMatchObject({ code: 'throttled', kind: 'transient', status: 429 });
      expect(err.retryAfterMs).toBeGreaterThan(100_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(121_000); // the header has whole seconds, rounded up
    } finally {
      running.sim.setRateLimit({ banForMs: 0 });
    }
  });

  it('a request held past the client timeout is a transient timeout ApiError', async () => {
    running.sim.setFaults({ hangMs: 600 });
    try {
      const err = await apiErrorOf(clientWith({ timeoutMs: 150 }).getStoreInfo());
      expect(err.code).toBe('timeout');
      expect(err.transient).toBe(true);
      expect(err.message).toBe('jumpseller: GET /store/info.json timed out after 150 ms');
    } finally {
      running.sim.setFaults({ hangMs: 0 });
    }
  });

  it('a 5xx is a transient server ApiError', async () => {
    running.sim.setFaults({ errorRate: 1 });
    try {
      const err = await apiErrorOf(client.getStoreInfo());
      expect(err).toMatchObject({ code: 'server', status: 503, kind: 'transient' });
    } finally {
      running.sim.setFaults({ errorRate: 0 });
    }
  });

  it('a body that breaks the schema is a permanent badResponse ApiError', async () => {
    const placed = running.sim.placeOrder({ lines: [{ productId: 1005, qty: 1 }] });
    (placed as { status_enum: string }).status_enum = 'on_fire';
    const err = await apiErrorOf(client.getOrder(placed.id));
    expect(err).toMatchObject({ code: 'badResponse', kind: 'permanent', status: 200 });
    expect(err.message).toContain('status_enum');
  });

  it('works with an OAuth access token until it expires, then fails as auth', async () => {
    const { access_token } = running.sim.issueAccessToken();
    const app = clientWith({ auth: { kind: 'bearer', getAccessToken: () => Promise.resolve(access_token) } });
    expect((await app.getStoreInfo()).code).toBe('tienda-simulada');
    running.sim.advanceClock(3_601_000);
    try {
      const err = await apiErrorOf(app.getStoreInfo());
      expect(err.code).toBe('auth');
      expect(err.message).not.toContain(access_token);
      expect(JSON.stringify(err)).not.toContain(access_token);
    } finally {
      running.sim.advanceClock(-3_601_000);
    }
  });
});

describe.skipIf(!realStore)(
  'Jumpseller client against the real API (set JUMPSELLER_CONTRACT_LOGIN and JUMPSELLER_CONTRACT_AUTH_TOKEN, optional JUMPSELLER_CONTRACT_API_URL)',
  () => {
    const store = realStore ?? { login: '', authToken: '', apiUrl: '' };
    const client = createJumpsellerClient({ baseUrl: store.apiUrl, auth: { kind: 'basic', login: store.login, authToken: store.authToken } });
    readContract(() => ({ client, ...store }));

    it('writes back a limited variant stock unchanged (JUMPSELLER_CONTRACT_LOGIN store)', async () => {
      const products = await client.listProducts({ page: 1, limit: 50 });
      const found = products.flatMap((p) => p.variants.map((v) => ({ p, v }))).find(({ v }) => !v.stock_unlimited);
      if (!found) return;
      const updated = await client.updateVariantStock(found.p.id, found.v.id, found.v.stock);
      expect(updated.stock).toBe(found.v.stock);
    });
  },
);
