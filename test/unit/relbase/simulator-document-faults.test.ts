/**
 * The relBase simulator's document faults over real HTTP (a dropped answer is a closed connection,
 * which only a real socket shows): a late commit, a hung create, a lagging search, each set through
 * the control API like the other faults; and a create whose amounts drift off the contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';

let rb: RunningRelbaseSimulator;
let productId: number;

beforeEach(async () => {
  rb = await startRelbaseSimulator({ port: 0, rateLimit: false });
  productId = rb.simulator.seedProducts([{ name: 'Polera', code: 'POL-1', price: 9990 }])[0]!.id;
});
afterEach(async () => {
  await rb.close();
});

const headers = () => ({ authorization: rb.simulator.userToken, company: rb.simulator.companyToken, 'content-type': 'application/json' });

function create(label: string, timeoutMs = 5000) {
  return fetch(`${rb.apiUrl}/dtes`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ type_document: 39, ware_house_id: 2943, mnt_bruto: true, label_value: label, products: [{ product_id: productId, quantity: 1, price: 9990 }] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function search(label: string): Promise<{ label_value: string }[]> {
  const res = await fetch(`${rb.apiUrl}/dtes?query=${encodeURIComponent(label)}`, { headers: headers() });
  return ((await res.json()) as { data: { dtes: { label_value: string }[] } }).data.dtes.filter((d) => d.label_value === label);
}

async function setFaults(faults: unknown) {
  const res = await fetch(`${rb.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (err: Error) => (err.name === 'TimeoutError' ? 'timeout' : 'connection closed'),
  );

describe('late commit', () => {
  it('a client that gives up first sees a timeout; the document appears after the hold', async () => {
    const faults = await setFaults({ lateCommit: { holdMs: 600 } });
    expect(faults['lateCommit']).toEqual({ holdMs: 600, firstPerLabel: true, remaining: null });
    expect(await failureOf(create('JS-1', 200))).toBe('timeout');
    expect(rb.simulator.documents()).toHaveLength(0);
    await sleep(700);
    expect(rb.simulator.documents().map((d) => d.label_value)).toEqual(['JS-1']);
    expect(rb.simulator.requests()).toMatchObject({ lateCommits: 1, writes: 1 });
  });

  it('a client that waits longer sees the connection close, never an answer', async () => {
    await setFaults({ lateCommit: { holdMs: 100 } });
    expect(await failureOf(create('JS-2', 5000))).toBe('connection closed');
    expect(rb.simulator.documents().map((d) => d.label_value)).toEqual(['JS-2']);
  });

  it('hits only the first create of each label: the retry is answered', async () => {
    await setFaults({ lateCommit: { holdMs: 50 } });
    expect(await failureOf(create('JS-3'))).toBe('connection closed');
    expect((await create('JS-3')).status).toBe(201);
    expect(await failureOf(create('JS-4'))).toBe('connection closed');
    expect(rb.simulator.documents().map((d) => d.label_value)).toEqual(['JS-3', 'JS-3', 'JS-4']);
  });

  it('with firstPerLabel false and a count, hits the next N creates whatever their label', async () => {
    await setFaults({ lateCommit: { holdMs: 50, firstPerLabel: false, remaining: 2 } });
    expect(await failureOf(create('JS-5'))).toBe('connection closed');
    expect(await failureOf(create('JS-5'))).toBe('connection closed');
    expect((await create('JS-5')).status).toBe(201);
    expect(rb.simulator.requests().lateCommits).toBe(2);
  });
});

describe('hung create', () => {
  it('holds the create past the client timeout and never commits it; the next create of the label is answered', async () => {
    await setFaults({ hungCreate: { holdMs: 300 } });
    expect(await failureOf(create('JS-6', 100))).toBe('timeout');
    await sleep(400);
    expect(rb.simulator.documents()).toHaveLength(0);
    expect(rb.simulator.requests().hungCreates).toBe(1);
    expect((await create('JS-6')).status).toBe(201);
    expect(rb.simulator.documents()).toHaveLength(1);
  });
});

describe('search lag', () => {
  it('a new document is found by label only after the lag; by id at once', async () => {
    await setFaults({ searchLagMs: 400 });
    const res = await create('JS-7');
    const { data } = (await res.json()) as { data: { id: number } };
    expect(await search('JS-7')).toEqual([]);
    const byId = await fetch(`${rb.apiUrl}/dtes/${data.id}`, { headers: headers() });
    expect(byId.status).toBe(200);
    await sleep(450);
    expect((await search('JS-7')).map((d) => d.label_value)).toEqual(['JS-7']);
  });
});

describe('amount drift', () => {
  it('makes the next creates come out off the contract by the pesos given, then answers normally', async () => {
    expect(await setFaults({ amountDrift: { pesos: 2, remaining: 1 } })).toMatchObject({ amountDrift: { pesos: 2, remaining: 1 } });
    const drifted = (await (await create('JS-9')).json()) as { data: { amount_total: number; products: { amount_total: number }[] } };
    expect(drifted.data.amount_total).toBe(9992);
    expect(drifted.data.products[0]!.amount_total).toBe(9992);
    const normal = (await (await create('JS-10')).json()) as { data: { amount_total: number } };
    expect(normal.data.amount_total).toBe(9990);
  });
});

describe('control API', () => {
  it('refuses a malformed fault and turns a fault off with null; reset clears everything', async () => {
    const bad = await fetch(`${rb.url}/_sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lateCommit: { holdMs: -1 } }) });
    expect(bad.status).toBe(400);
    await setFaults({ lateCommit: { holdMs: 50 }, searchLagMs: 10_000 });
    expect(await setFaults({ lateCommit: null })).toMatchObject({ lateCommit: null, searchLagMs: 10_000 });
    rb.simulator.reset();
    expect(rb.simulator.state.faults).toMatchObject({ lateCommit: null, hungCreate: null, searchLagMs: 0 });
    productId = rb.simulator.seedProducts([{ name: 'Polera', code: 'POL-1', price: 9990 }])[0]!.id;
    expect((await create('JS-8')).status).toBe(201);
    expect(await search('JS-8')).toHaveLength(1);
  });
});
