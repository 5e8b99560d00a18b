/**
 * The relBase simulator's notas de crédito (61): accepted with a valid reference to a boleta or a
 * factura, refused without one or when they would credit more than the referenced document.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRelbaseSimulator, type RelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';

let sim: RelbaseSimulator;
let product: number;
let customer: number;

function api(method: string, path: string, body?: unknown) {
  return sim.app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: sim.userToken, company: sim.companyToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

type Doc = { id: number; folio: number; type_document: number; start_date: string; amount_total: number; customer_id: number | null };
async function post(body: unknown): Promise<{ status: number; data: Doc; message: string }> {
  const res = await api('POST', '/dtes', body);
  const json = (await res.json()) as { data: Doc; meta: { message: string } };
  return { status: res.status, data: json.data, message: json.meta.message };
}

const lines = () => [{ product_id: product, quantity: 3, price: 9990, discount: 12.5, tax_affected: true }];

function creditNote(doc: Doc, overrides: Record<string, unknown> = {}, reference: Record<string, unknown> = {}) {
  return {
    type_document: 61,
    ware_house_id: 2943,
    mnt_bruto: doc.type_document === 39,
    label_value: 'JS-1-NC1',
    ...(doc.customer_id ? { customer_id: doc.customer_id } : {}),
    products: lines(),
    references: [{ tpo_doc_ref_id: doc.type_document, code_ref: 1, folio_ref: doc.folio, date_ref: doc.start_date, razon_ref: 'Anula documento', ...reference }],
    ...overrides,
  };
}

beforeEach(async () => {
  sim = createRelbaseSimulator({ rateLimit: false });
  [product] = sim.seedProducts([{ name: 'Polera', code: 'POL', price: 9990, stock: { 2943: 10 } }]).map((p) => p.id) as [number];
  const res = await api('POST', '/clientes', { rut: '76192083-9', name: 'Comercial Ejemplo', business_activity: 'Comercio', address: 'Calle 1' });
  customer = ((await res.json()) as { data: { id: number } }).data.id;
});

async function boleta(): Promise<Doc> {
  const r = await post({ type_document: 39, ware_house_id: 2943, mnt_bruto: true, label_value: 'JS-1', products: lines() });
  expect(r.status).toBe(201);
  return r.data;
}

describe('nota de crédito (61)', () => {
  it('annuls a boleta to the peso, keeps its reference, and puts the units back in stock', async () => {
    const b = await boleta();
    const stockAfterSale = sim.stockOf(product, 2943);
    const nc = await post(creditNote(b));
    expect(nc.status).toBe(201);
    expect(nc.data).toMatchObject({ type_document: 61, folio: 1, amount_total: b.amount_total });
    expect((nc.data as unknown as { references: unknown[] }).references).toEqual([
      { tpo_doc_ref_id: 39, code_ref: 1, folio_ref: b.folio, date_ref: b.start_date, razon_ref: 'Anula documento' },
    ]);
    expect(sim.stockOf(product, 2943)).toBe(stockAfterSale + 3);
  });

  it('annuls a factura computed from net lines, with the factura customer', async () => {
    const f = await post({
      type_document: 33,
      ware_house_id: 2943,
      mnt_bruto: false,
      customer_id: customer,
      label_value: 'JS-2',
      products: [{ product_id: product, quantity: 2, price: 8395 }],
    });
    expect(f.status).toBe(201);
    const nc = await post(creditNote(f.data, { products: [{ product_id: product, quantity: 2, price: 8395 }] }));
    expect(nc.status).toBe(201);
    expect(nc.data.amount_total).toBe(f.data.amount_total);
    const without = await post(creditNote(f.data, { customer_id: undefined, products: [{ product_id: product, quantity: 1, price: 1 }] }));
    expect(without.status).toBe(422);
    expect(without.message).toMatch(/needs its customer_id/);
  });

  it('credits the boleta a nota de venta became, not the nota itself; the nota lists its child', async () => {
    const nota = await post({ type_document: 1001, type_document_sii: 39, ware_house_id: 2943, mnt_bruto: true, label_value: 'JS-3', products: lines() });
    expect(nota.status).toBe(201);
    const stock = sim.stockOf(product, 2943);
    const child = sim.emitFromNotaDeVenta(nota.data.id);
    expect(child).toMatchObject({ type_document: 39, amount_total: nota.data.amount_total });
    expect(sim.stockOf(product, 2943)).toBe(stock);
    const detail = (await (await api('GET', `/dtes/${nota.data.id}`)).json()) as { data: { dte_children: unknown[] } };
    expect(detail.data.dte_children).toEqual([{ id: child.id, folio: child.folio, type_document: 39 }]);
    expect((await post(creditNote(nota.data))).status).toBe(422);
    expect((await post(creditNote(child as unknown as Doc))).status).toBe(201);
  });

  it.each([
    ['no references', { references: undefined }, {}, /needs references/],
    ['an empty list', { references: [] }, {}, /needs references/],
    ['a folio that does not exist', {}, { folio_ref: 999 }, /no document of type 39 with folio 999/],
    ['the wrong type', {}, { tpo_doc_ref_id: 33 }, /no document of type 33/],
    ['a nota de venta', {}, { tpo_doc_ref_id: 1001 }, /references a boleta \(39\) or a factura \(33\)/],
    ['the wrong date', {}, { date_ref: '1999-01-01' }, /date_ref 1999-01-01/],
    ['an unknown reason code', {}, { code_ref: 9 }, /code_ref 9/],
    ['a reason over 90 characters', {}, { razon_ref: 'x'.repeat(91) }, /at most 90/],
  ])('refuses a 61 with %s, and issues nothing', async (_name, overrides, reference, message) => {
    const b = await boleta();
    const before = sim.documents().length;
    const nc = await post(creditNote(b, overrides, reference));
    expect(nc.status).toBe(422);
    expect(nc.message).toMatch(message);
    expect(sim.documents()).toHaveLength(before);
  });

  it('refuses a 61 that would credit more than the document, counting earlier 61s', async () => {
    const b = await boleta();
    const one = { product_id: product, quantity: 1, price: 9990, discount: 12.5 };
    expect((await post(creditNote(b, { products: [one] }, { code_ref: 3 }))).status).toBe(201);
    expect((await post(creditNote(b, { products: [one] }, { code_ref: 3 }))).status).toBe(201);
    // Two of three units credited: the whole boleta no longer fits, one more unit does.
    const all = await post(creditNote(b));
    expect(all.status).toBe(422);
    expect(all.message).toMatch(new RegExp(`would credit more than document 39 folio ${b.folio}: its total is ${b.amount_total} and \\d+ is already credited`));
    // 2 × 8741 = 17482 of 26224 credited: the last unit at 8743 is 1 peso over, at 8742 it fits exactly.
    expect((await post(creditNote(b, { products: [{ ...one, price: 8743, discount: 0 }] }, { code_ref: 3 }))).status).toBe(422);
    expect((await post(creditNote(b, { products: [{ ...one, price: 8742, discount: 0 }] }, { code_ref: 3 }))).status).toBe(201);
  });

  it('refuses a 61 that would credit more units of a product than the document sold, counting earlier 61s, or a product it did not sell', async () => {
    const b = await boleta();
    const two = { product_id: product, quantity: 2, price: 1, discount: 0 };
    expect((await post(creditNote(b, { products: [two] }, { code_ref: 3 }))).status).toBe(201);
    // 2 of 3 units credited, for 2 pesos: pesos are left, but only one unit.
    const over = await post(creditNote(b, { products: [two] }, { code_ref: 3 }));
    expect(over.status).toBe(422);
    expect(over.message).toMatch(new RegExp(`2 unit\\(s\\) of product ${product} would credit more than document 39 folio ${b.folio} sold: 3, of which 2 already credited`));
    const [other] = sim.seedProducts([{ name: 'Gorro', code: 'GOR', price: 4990 }]);
    const unsold = await post(creditNote(b, { products: [{ product_id: other!.id, quantity: 1, price: 1 }] }, { code_ref: 3 }));
    expect(unsold.status).toBe(422);
    expect(unsold.message).toMatch(/is not on document 39/);
    expect((await post(creditNote(b, { products: [{ ...two, quantity: 1 }] }, { code_ref: 3 }))).status).toBe(201);
  });
});
