/** The relBase simulator through `app.request()`: documents, folios, stock, validation, auth, control API. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';
import type { RelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';

let sim: RelbaseSimulator;
let productA: number;
let productB: number;

function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return sim.app.request(`/api/v1${path}`, {
    method,
    headers: {
      authorization: sim.userToken,
      company: sim.companyToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json(res: Response): Promise<{ data: Record<string, unknown>; meta: Record<string, unknown> }> {
  return (await res.json()) as { data: Record<string, unknown>; meta: Record<string, unknown> };
}

function boleta(overrides: Record<string, unknown> = {}) {
  return {
    type_document: 39,
    ware_house_id: 2943,
    mnt_bruto: true,
    label_value: 'JS-1',
    products: [{ product_id: productA, quantity: 3, price: 9990, discount: 12.5, tax_affected: true }],
    ...overrides,
  };
}

beforeEach(() => {
  sim = createRelbaseSimulator({ rateLimit: false });
  [productA, productB] = sim
    .seedProducts([
      { name: 'Polera azul', code: 'POL-AZ', price: 9990, stock: { 2943: 10, 2944: 4 } },
      { name: 'Gorro', code: 'GOR-1', price: 5000, stock: 2.5 },
    ])
    .map((p) => p.id) as [number, number];
});

describe('issuing documents', () => {
  it('computes lines and header exactly: 3 × 9990 at 12.5 % off', async () => {
    const res = await api('POST', '/dtes', boleta());
    expect(res.status).toBe(201);
    const { data } = await json(res);
    expect(data).toMatchObject({
      type_document: 39,
      folio: 1,
      label_value: 'JS-1',
      amount_total: 26224,
      amount_neto: 22037,
      amount_iva: 4187,
      sii_status: 'sent_sii',
    });
    expect((data.products as { amount_total: number }[])[0]!.amount_total).toBe(26224);
    expect((data.pdf_file as { url: string }).url).toMatch(/\/_sim\/documents\/\d+\/pdf$/);
  });

  it('sums several lines, each rounded on its own, the SII way (amount first, then the discount on it)', async () => {
    // 35 at 90 %: 35 − round(31.5) = 3 per line (chile-dte.md B4); the contract's round(3.5) would say 4.
    const res = await api(
      'POST',
      '/dtes',
      boleta({
        products: [
          { product_id: productA, quantity: 1, price: 35, discount: 90 },
          { product_id: productB, quantity: 1, price: 35, discount: 90 },
        ],
      }),
    );
    expect((await json(res)).data.amount_total).toBe(6);
  });

  it('keeps a discount to 2 decimals and charges what the rounded percentage gives', async () => {
    const res = await api('POST', '/dtes', boleta({ products: [{ product_id: productA, quantity: 1, price: 19990, discount: 6.173 }] }));
    const { data } = await json(res);
    const [line] = data.products as { discount: number; amount_total: number }[];
    expect(line).toMatchObject({ discount: 6.17, amount_total: 18757 }); // not the 18 756 that 6.173 % was meant to give
    expect(data.amount_total).toBe(18757);
  });

  it('computes a factura from net lines: IVA = round(neto × 0.19), exempt lines without IVA', async () => {
    const customer = sim.addCustomer({ rut: '76192083-9', name: 'Cliente SpA', business_activity: 'Comercio' });
    const res = await api(
      'POST',
      '/dtes',
      boleta({
        type_document: 33,
        customer_id: customer.id,
        mnt_bruto: false,
        products: [
          { product_id: productA, quantity: 3, price: 16798, discount: 0, tax_affected: true },
          { product_id: productB, quantity: 1, price: 5000, tax_affected: false },
        ],
      }),
    );
    expect((await json(res)).data).toMatchObject({ amount_neto: 50394, amount_iva: 9575, amount_exempt: 5000, amount_total: 64969 });
  });

  it('takes a factura sent with gross lines to net line by line, so it may miss the gross total', async () => {
    const customer = sim.addCustomer({ rut: '76192083-9', name: 'Cliente SpA', business_activity: 'Comercio' });
    const res = await api(
      'POST',
      '/dtes',
      boleta({
        type_document: 33,
        customer_id: customer.id,
        mnt_bruto: true,
        products: [
          { product_id: productA, quantity: 1, price: 1000 },
          { product_id: productB, quantity: 1, price: 1000 },
        ],
      }),
    );
    // 840 + 840 net, IVA 319: 1 999 where 2 000 was meant.
    expect((await json(res)).data).toMatchObject({ amount_neto: 1680, amount_iva: 319, amount_total: 1999 });
  });

  it('keeps one folio sequence per document type', async () => {
    const customer = sim.addCustomer({ rut: '76192083-9', name: 'Cliente SpA', business_activity: 'Comercio' });
    const folios: [number, unknown][] = [];
    for (const body of [
      boleta(),
      boleta(),
      boleta({ type_document: 33, customer_id: customer.id, mnt_bruto: false }),
      boleta({ type_document: 1001, type_document_sii: 39 }),
      boleta(),
      boleta({ type_document: 33, customer_id: customer.id, mnt_bruto: false }),
    ]) {
      const { data } = await json(await api('POST', '/dtes', body));
      folios.push([data.type_document as number, data.folio]);
    }
    expect(folios).toEqual([
      [39, 1],
      [39, 2],
      [33, 1],
      [1001, 1],
      [39, 3],
      [33, 2],
    ]);
    expect(sim.documents().find((d) => d.type_document === 1001)?.sii_status).toBeNull();
  });

  it('moves stock out of the document warehouse only, fractions and negatives allowed', async () => {
    await api('POST', '/dtes', boleta({ products: [{ product_id: productA, quantity: 3, price: 9990 }] }));
    expect(sim.stockOf(productA, 2943)).toBe(7);
    expect(sim.stockOf(productA, 2944)).toBe(4);

    await api('POST', '/dtes', boleta({ ware_house_id: 2944, products: [{ product_id: productA, quantity: 5.5, price: 9990 }] }));
    expect(sim.stockOf(productA, 2944)).toBe(-1.5);

    const stock = await json(await api('GET', `/productos/${productA}/stock_por_bodegas`));
    expect(stock.data.stocks).toEqual([
      { ware_house_id: 2943, current_stock: 7 },
      { ware_house_id: 2944, current_stock: -1.5 },
    ]);
  });

  it.each([
    [{ type_document: 56 }, /type_document 56/],
    [{ type_document: 1001 }, /type_document_sii 39 or 33/],
    [{ type_document: 1001, type_document_sii: 41 }, /type_document_sii 39 or 33/],
    [{ type_document: 33, mnt_bruto: false }, /needs customer_id/],
    [{ type_document: 33, customer_id: 999 }, /customer 999 does not exist/],
    [{ products: [{ product_id: 1, quantity: 1, price: 10 }] }, /product 1 does not exist/],
    [{ products: [{ product_id: 5757001, quantity: 0, price: 10 }] }, /quantity must be positive/],
    [{ products: [{ product_id: 5757001, quantity: -2, price: 10 }] }, /quantity must be positive/],
    [{ products: [{ product_id: 5757001, quantity: 1, price: 10, discount: 100.5 }] }, /discount/],
    [{ products: [{ product_id: 5757001, quantity: 1, price: 10, discount: -1 }] }, /discount/],
    [{ products: [] }, /at least one product/],
    [{ ware_house_id: 1 }, /ware_house_id 1 does not exist/],
  ])('rejects %j with 422 and says why', async (overrides, message) => {
    const res = await api('POST', '/dtes', boleta(overrides));
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.meta.code).toBe(422);
    expect(body.meta.message).toMatch(message);
    expect(sim.documents()).toHaveLength(0);
    expect(sim.stockOf(productA, 2943)).toBe(10);
  });

  it('accepts a document without label_value', async () => {
    const res = await api('POST', '/dtes', boleta({ label_value: undefined }));
    expect(res.status).toBe(201);
    expect((await json(res)).data.label_value).toBeNull();
  });
});

describe('searching documents', () => {
  it('is a substring search over folio, label and comment, paginated, filtered by type', async () => {
    sim = createRelbaseSimulator({ rateLimit: false, pageSizes: { documents: 2 } });
    const [p] = sim.seedProducts([{ name: 'X', code: 'X', price: 100 }]);
    for (const label of ['JS-1', 'JS-10', 'JS-100', 'OTRO-5']) {
      await api('POST', '/dtes', { type_document: 39, mnt_bruto: true, label_value: label, products: [{ product_id: p!.id, quantity: 1, price: 100 }] });
    }
    const first = await json(await api('GET', '/dtes?type_document=39&query=JS-1&page=1'));
    expect((first.data.dtes as { label_value: string }[]).map((d) => d.label_value)).toEqual(['JS-100', 'JS-10']);
    expect(first.meta).toMatchObject({ current_page: 1, next_page: 2, total_pages: 2, total_count: 3 });
    const second = await json(await api('GET', '/dtes?type_document=39&query=JS-1&page=2'));
    expect((second.data.dtes as { label_value: string }[]).map((d) => d.label_value)).toEqual(['JS-1']);
    expect(second.meta.next_page).toBeNull();
    const other = await json(await api('GET', '/dtes?type_document=33&query=JS-1'));
    expect(other.data.dtes).toEqual([]);
  });
});

describe('products and customers', () => {
  it('searches products by name or code, case-insensitively', async () => {
    const { data } = await json(await api('GET', '/productos?query=pol'));
    expect((data.products as { code: string }[]).map((p) => p.code)).toEqual(['POL-AZ']);
  });

  it('rejects an image that is not an image file', async () => {
    const form = new FormData();
    form.append('image', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const res = await sim.app.request(`/api/v1/productos/${productA}/imagen`, {
      method: 'POST',
      headers: { authorization: sim.userToken, company: sim.companyToken },
      body: form,
    });
    expect(res.status).toBe(422);
    expect((await json(res)).meta.message).toMatch(/not an image/);
  });

  it('rejects a customer whose RUT check digit is wrong', async () => {
    const res = await api('POST', '/clientes', { rut: '76192083-8', name: 'X', business_activity: 'Y', address: 'Z' });
    expect(res.status).toBe(422);
    expect((await json(res)).meta.message).toMatch(/rut/);
  });

  it('updates no customer: the reference documents none (relbase-api.md), and the customer stays as it was', async () => {
    const customer = sim.addCustomer({ rut: '76192083-9', name: 'Antigua SpA', business_activity: 'Comercio' });
    for (const method of ['PUT', 'PATCH']) {
      const res = await api(method, `/clientes/${customer.id}`, { name: 'Nueva SpA' });
      expect(res.status).toBe(404);
    }
    expect(sim.state.customers.get(customer.id)?.name).toBe('Antigua SpA');
  });

  it('creates a product exempt when asked (tax_affected false), taxed by default', async () => {
    const exempt = await json(await api('POST', '/productos', { name: 'Libro', code: 'LIB-1', price: 15000, tax_affected: false }));
    const taxed = await json(await api('POST', '/productos', { name: 'Cuaderno', code: 'CUA-1', price: 2500 }));
    expect(exempt.data.tax_affected).toBe(false);
    expect(taxed.data.tax_affected).toBe(true);
  });
});

describe('auth, rate limit and control API', () => {
  it('answers 401 to wrong tokens and does nothing', async () => {
    const res = await api('POST', '/dtes', boleta(), { authorization: 'wrong' });
    expect(res.status).toBe(401);
    expect(sim.documents()).toHaveLength(0);
  });

  it('answers 403 with the relBase envelope above 7 requests in a second, and counts it', async () => {
    let t = 1_000_000;
    sim = createRelbaseSimulator({ rateLimit: { limit: 7, windowMs: 1000, jitterToleranceMs: 100 }, now: () => t });
    // Eight requests within 700 ms: the eighth is over the limit; 1 s later there is room again.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await api('GET', '/bodegas')).status);
      t += 100;
    }
    t += 1000;
    statuses.push((await api('GET', '/bodegas')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 403, 200]);
    expect(sim.requests()).toMatchObject({ throttled: 1, peakPerSecond: 8, total: 9, byRoute: { 'GET /api/v1/bodegas': 9 } });
  });

  it('sets and adjusts stock through /_sim/stock by code or id', async () => {
    const set = await sim.app.request('/_sim/stock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'GOR-1', warehouseId: 2944, set: 3.25 }),
    });
    expect(await set.json()).toEqual({ productId: productB, warehouseId: 2944, stock: 3.25 });
    sim.setStock({ productId: productB, warehouseId: 2944, delta: -0.1 });
    expect(sim.stockOf(productB, 2944)).toBe(3.15);
    const bad = await sim.app.request('/_sim/stock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'NOPE', set: 1 }),
    });
    expect(bad.status).toBe(400);
  });

  it('leaves the document created when commit-then-fail is injected', async () => {
    sim.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
    const res = await api('POST', '/dtes', boleta());
    expect(res.status).toBe(502);
    expect(sim.documents().map((d) => d.label_value)).toEqual(['JS-1']);
    expect(sim.requests()).toMatchObject({ writes: 1, committedThenFailed: 1 });
  });

  it('resets to the seed', async () => {
    await api('POST', '/dtes', boleta());
    const res = await sim.app.request('/_sim/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(sim.documents()).toHaveLength(0);
    expect(sim.products()).toHaveLength(0);
    expect(sim.requests().total).toBe(0);
  });
});
