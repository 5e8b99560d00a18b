/** The relBase simulator's SII answer (sii-status.ts): `sent_sii` until due, then accepted, or rejected with a reason. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRelbaseSimulator, type RelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';

let sim: RelbaseSimulator;
let product: number;

function api(method: string, path: string, body?: unknown) {
  return sim.app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: sim.userToken, company: sim.companyToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function issue(typeDocument: number, label: string): Promise<number> {
  const res = await api('POST', '/dtes', {
    type_document: typeDocument,
    ...(typeDocument === 1001 ? { type_document_sii: 39 } : {}),
    ware_house_id: 2943,
    mnt_bruto: true,
    label_value: label,
    products: [{ product_id: product, quantity: 1, price: 9990, tax_affected: true }],
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { id: number } }).data.id;
}

async function status(id: number): Promise<{ sii_status: string | null; sii_status_name: string | null }> {
  return ((await (await api('GET', `/dtes/${id}`)).json()) as { data: { sii_status: string | null; sii_status_name: string | null } }).data;
}

beforeEach(() => {
  sim = createRelbaseSimulator({ rateLimit: false });
  product = sim.seedProducts([{ name: 'Polera', code: 'POL', price: 9990, stock: 10 }])[0]!.id;
});

describe('the SII answer', () => {
  it('never comes by default: a boleta stays sent_sii', async () => {
    const id = await issue(39, 'JS-1');
    expect(await status(id)).toEqual(expect.objectContaining({ sii_status: 'sent_sii', sii_status_name: 'Enviado al SII' }));
  });

  it('accepts a document once siiAnswerAfterMs has passed since it was made, and not before', async () => {
    sim.setFaults({ siiAnswerAfterMs: 3_600_000 });
    const id = await issue(39, 'JS-1');
    expect((await status(id)).sii_status).toBe('sent_sii');
    sim.setFaults({ siiAnswerAfterMs: 0 });
    expect(await status(id)).toEqual(expect.objectContaining({ sii_status: 'accepted', sii_status_name: 'Aceptado' }));
  });

  it('rejects the documents it answers while siiReject is set, with the reason, counting down remaining', async () => {
    sim.setFaults({ siiAnswerAfterMs: 0, siiReject: { reason: 'Error en monto total', remaining: 1 } });
    const first = await issue(39, 'JS-1');
    const second = await issue(39, 'JS-2');
    expect(await status(first)).toEqual(expect.objectContaining({ sii_status: 'rejected', sii_status_name: 'Rechazado por el SII: Error en monto total' }));
    expect((await status(second)).sii_status).toBe('accepted');
    // Answered once: a later read does not change it.
    sim.setFaults({ siiReject: { reason: 'otra', remaining: null } });
    expect((await status(first)).sii_status_name).toBe('Rechazado por el SII: Error en monto total');
    expect((await status(second)).sii_status).toBe('accepted');
  });

  it('never answers for a nota de venta, which does not go to the SII', async () => {
    sim.setFaults({ siiAnswerAfterMs: 0 });
    const id = await issue(1001, 'JS-1');
    expect(await status(id)).toEqual(expect.objectContaining({ sii_status: null, sii_status_name: null }));
  });

  it('is set through the control API too, and a reset clears it', async () => {
    const put = await sim.app.request('/_sim/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siiAnswerAfterMs: 0, siiReject: { reason: 'RUT receptor' } }),
    });
    expect(put.status).toBe(200);
    expect(sim.state.faults.siiReject).toEqual({ reason: 'RUT receptor', remaining: null });
    sim.reset();
    expect(sim.state.faults).toMatchObject({ siiAnswerAfterMs: null, siiReject: null });
  });
});
