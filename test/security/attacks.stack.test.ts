/**
 * Attacks on the running service, the way it meets the internet: the whole API (webhooks, admin,
 * stock notices, health) on a real port, on the real Temporal dev server and PostgreSQL, with the
 * simulators as Jumpseller and relBase. Each attack asserts its refusal (or, for signed bodies of
 * odd shapes, that the delivery is stored and answered 2xx), and after each one the service must
 * still be ready. At the end, a paid order whose deliveries went out in the middle of the attacks
 * has exactly one document: nothing was lost. Runs with the integration project (`*.stack.test.ts`).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, orderBody } from '../support/webhooks.js';

const ADMIN = `attacks-admin-${randomBytes(12).toString('hex')}`;
const STOCK = `attacks-stock-${randomBytes(12).toString('hex')}`;
let stack: TestStack;
let paidOrder: number;

beforeAll(async () => {
  stack = await startStack({ adminToken: ADMIN, stockNoticesToken: STOCK, skipInstall: true });
  const product = stack.js.sim.createProduct({ name: 'Taza', price: 4990, sku: 'ATTACK-1', stock: 100 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Taza', code: 'ATTACK-1', price: 4990 }]);
  await stack.link('ATTACK-1', rb!.id, product.id);
  paidOrder = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 2 }] }).id;
  stack.js.sim.payOrder(paidOrder);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const url = (path: string) => `${stack.apiUrl}${path}`;
const signed = (body: string, headers: Record<string, string> = {}) =>
  fetch(url('/webhooks/jumpseller'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'jumpseller-event': 'order_paid',
      'jumpseller-store-code': stack.storeCode,
      'jumpseller-hmac-sha256': signJumpsellerBody(body, stack.js.sim.hooksToken),
      ...headers,
    },
    body,
  });
const admin = (path: string, init: RequestInit = {}) => fetch(url(path), init);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const storedWith = async (marker: string) =>
  (await stack.db.selectFrom('webhook_deliveries').select(['status']).where('store_code', '=', stack.storeCode).where('body', 'like', `%${marker}%`).execute()).map(
    (r) => r.status,
  );
/** Codes of the stores in the database other than this file's (installed by the files running beside it). */
async function otherStores(): Promise<Set<string>> {
  const rows = await stack.db.selectFrom('stores').select('code').where('code', '<>', stack.storeCode).execute();
  return new Set(rows.map((r) => r.code));
}
/**
 * The series /metrics lists (names and labels), without the runtime's own, and without the per-store
 * series (`store="…"`) of the other stores in the database: the files running beside this one share
 * it, and their reconciles finish when they do. A store an attack names is never one of those (the
 * flood checks that none of its made-up stores got into the database), so its series would still show.
 */
async function metricSeries(): Promise<string[]> {
  const text = await (await fetch(url('/metrics'))).text();
  const others = await otherStores();
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !/^(nodejs|process)_/.test(l))
    .filter((l) => {
      const store = /[{,]store="([^"]*)"/.exec(l)?.[1];
      return store === undefined || !others.has(store);
    })
    .map((l) => l.slice(0, l.lastIndexOf(' ')))
    .sort();
}

/**
 * A signed POST on a connection of its own: the server answers 413 before reading the whole body and
 * closes that connection, which must not be one fetch's pool hands to the next attack.
 */
function postOnOwnConnection(path: string, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url(path), {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'jumpseller-event': 'order_paid',
        'jumpseller-store-code': stack.storeCode,
        'jumpseller-hmac-sha256': signJumpsellerBody(body, stack.js.sim.hooksToken),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(new Response(null, { status: res.statusCode ?? 0 }));
    });
    // The server may close the connection while the body is still going out, after its answer.
    req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
    req.end(body);
  });
}

async function expectStillReady() {
  const res = await fetch(url('/readyz'));
  expect(res.status).toBe(200);
}

interface Attack {
  name: string;
  run: () => Promise<Response>;
  /** The status the service must answer. */
  status: number;
  /** Checked after the answer: what was (or was not) stored or changed. */
  then?: (res: Response) => Promise<void>;
}

const forgedBody = () => JSON.stringify({ order: { id: 900_000 + Math.floor(Math.random() * 99_999), status_enum: 'paid', total: 1 } });
const notStored = (marker: string) => async () => expect(await storedWith(marker)).toEqual([]);

function webhookAttacks(): Attack[] {
  const m = () => randomBytes(6).toString('hex');
  const forged = (headers: (body: string) => Record<string, string>, marker = m()) => {
    const body = JSON.stringify({ order: { id: 990_001, status_enum: 'paid', note: marker } });
    return {
      run: () =>
        fetch(url('/webhooks/jumpseller'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'jumpseller-event': 'order_paid', 'jumpseller-store-code': stack.storeCode, ...headers(body) },
          body,
        }),
      then: notStored(marker),
    };
  };
  return [
    { name: 'webhook signed with another token', status: 401, ...forged((b) => ({ 'jumpseller-hmac-sha256': signJumpsellerBody(b, 'not-the-hooks-token') })) },
    { name: 'webhook without a signature', status: 401, ...forged(() => ({})) },
    { name: 'webhook with an empty signature', status: 401, ...forged(() => ({ 'jumpseller-hmac-sha256': '' })) },
    { name: 'webhook with a malformed signature', status: 401, ...forged(() => ({ 'jumpseller-hmac-sha256': '%%% not base64 %%%' })) },
    {
      name: 'webhook whose body was changed after signing',
      status: 401,
      ...forged((b) => ({ 'jumpseller-hmac-sha256': signJumpsellerBody(b.replace('990001', '990002'), stack.js.sim.hooksToken) })),
    },
    { name: 'webhook signed over an empty body', status: 401, ...forged(() => ({ 'jumpseller-hmac-sha256': signJumpsellerBody('', stack.js.sim.hooksToken) })) },
    {
      name: 'webhook with the signature of the right body in hex instead of base64',
      status: 401,
      ...forged((b) => ({ 'jumpseller-hmac-sha256': Buffer.from(signJumpsellerBody(b, stack.js.sim.hooksToken), 'base64').toString('hex') })),
    },
    {
      name: 'store enumeration: an unknown store answers exactly like a bad signature',
      status: 401,
      run: async () => {
        const body = forgedBody();
        const unknown = await deliver(stack, { event: 'order_paid', body }, { storeCode: `nope-${m()}`, token: 'any-token' });
        const badSig = await deliver(stack, { event: 'order_paid', body }, { token: 'not-the-hooks-token' });
        const [a, b] = [await unknown.text(), await badSig.text()];
        expect(a).toBe(b);
        expect(unknown.status).toBe(badSig.status);
        return new Response(a, { status: unknown.status });
      },
    },
    {
      name: 'SQL in the store header',
      status: 401,
      run: () => deliver(stack, { event: 'order_paid', body: forgedBody() }, { storeCode: `x'; drop table stores; --`, token: 'x' }),
      then: async () => expect(await stack.db.selectFrom('stores').select('code').where('code', '=', stack.storeCode).execute()).toHaveLength(1),
    },
    { name: 'a 10,000-character store header', status: 401, run: () => deliver(stack, { event: 'order_paid', body: forgedBody() }, { storeCode: 'a'.repeat(10_000), token: 'x' }) },
    {
      name: 'a signed body over the size limit',
      status: 413,
      run: () => postOnOwnConnection('/webhooks/jumpseller', JSON.stringify({ order: { id: 990_003, padding: 'x'.repeat(2 * 1024 * 1024) } })),
    },
    {
      name: 'a signed delivery replayed five times is stored once and dispatched once',
      status: 200,
      run: async () => {
        const marker = m();
        const body = JSON.stringify({ order: { id: 990_004, status_enum: 'abandoned', note: marker } });
        const answers = [];
        for (let i = 0; i < 5; i++) answers.push(await signed(body));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
        const statuses = await Promise.all(answers.map(async (a) => ((await a.json()) as { status: string }).status));
        expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(4);
        expect(await storedWith(marker)).toHaveLength(1);
        return new Response(null, { status: 200 });
      },
    },
    {
      name: 'a signed body that tries prototype pollution is stored and pollutes nothing',
      status: 200,
      run: () => signed(`{"__proto__":{"pollutedByAttack":true},"constructor":{"prototype":{"pollutedByAttack":true}},"order":{"id":990005,"status_enum":"abandoned"}}`),
      then: async () => {
        expect((Object.prototype as Record<string, unknown>)['pollutedByAttack']).toBeUndefined();
        expect(await storedWith('pollutedByAttack')).toHaveLength(1);
      },
    },
    {
      name: 'a signed body nested 20,000 levels deep is stored as unroutable',
      status: 200,
      run: () => signed(`${'['.repeat(20_000)}"deep-${'n'}"${']'.repeat(20_000)}`),
      then: async () => expect(await storedWith('deep-n')).toEqual(['unroutable']),
    },
    {
      name: 'a signed body that is not JSON is stored as unroutable',
      status: 200,
      run: () => signed('<xml>not-json-attack</xml>'),
      then: async () => expect(await storedWith('not-json-attack')).toEqual(['unroutable']),
    },
    { name: 'GET on the webhook endpoint', status: 404, run: () => fetch(url('/webhooks/jumpseller')) },
  ];
}

function adminAttacks(): Attack[] {
  const orders = () => `/admin/stores/${stack.storeCode}/orders`;
  return [
    { name: 'admin API without a token', status: 401, run: () => admin(orders()) },
    { name: 'admin API with a wrong token', status: 401, run: () => admin(orders(), { headers: bearer(`${ADMIN}x`) }) },
    { name: 'admin API with the token cut short', status: 401, run: () => admin(orders(), { headers: bearer(ADMIN.slice(0, -1)) }) },
    { name: 'admin API with the token in the query string', status: 401, run: () => admin(`${orders()}?token=${ADMIN}&access_token=${ADMIN}`) },
    {
      name: 'admin API with the token as Basic credentials',
      status: 401,
      run: () => admin(orders(), { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` } }),
    },
    { name: 'admin API with the .env.example placeholder', status: 401, run: () => admin(orders(), { headers: bearer('change-me-to-a-long-random-string') }) },
    { name: 'admin API with the stock-notice token', status: 401, run: () => admin(orders(), { headers: bearer(STOCK) }) },
    {
      name: 'stock notices with an operator admin token',
      status: 401,
      run: () =>
        admin('/stock/notices', {
          method: 'POST',
          headers: { ...bearer(ADMIN), 'content-type': 'application/json' },
          body: JSON.stringify({ store: stack.storeCode, skus: ['ATTACK-1'] }),
        }),
    },
    {
      name: 'stock notices naming 5,000 SKUs',
      status: 400,
      run: () =>
        admin('/stock/notices', {
          method: 'POST',
          headers: { ...bearer(STOCK), 'content-type': 'application/json' },
          body: JSON.stringify({ store: stack.storeCode, skus: Array.from({ length: 5000 }, (_, i) => `S${i}`) }),
        }),
    },
    {
      name: 'stock notices with fields it does not know',
      status: 400,
      run: () =>
        admin('/stock/notices', {
          method: 'POST',
          headers: { ...bearer(STOCK), 'content-type': 'application/json' },
          body: JSON.stringify({ store: stack.storeCode, skus: ['ATTACK-1'], stock: -5 }),
        }),
    },
    { name: 'path traversal in the store code', status: 404, run: () => admin(`/admin/stores/..%2F..%2Fetc%2Fpasswd/orders`, { headers: bearer(ADMIN) }) },
    { name: 'an order id that is not a number', status: 400, run: () => admin(`${orders()}/1%20or%201=1`, { headers: bearer(ADMIN) }) },
    {
      name: 'resolve with a body that is not JSON',
      status: 400,
      run: () => admin(`${orders()}/${paidOrder}/resolve`, { method: 'POST', headers: { ...bearer(ADMIN), 'content-type': 'application/json' }, body: '{"receiver":' }),
    },
    {
      name: 'resolve with an invalid RUT carrying control characters',
      status: 400,
      run: () =>
        admin(`${orders()}/${paidOrder}/resolve`, {
          method: 'POST',
          headers: { ...bearer(ADMIN), 'content-type': 'application/json' },
          body: JSON.stringify({ documentType: 33, receiver: { rut: '11.111.111-K\u001b[2J', name: 'Empresa\u0007', activity: 'Giro' } }),
        }),
      then: async (res) => {
        const text = await res.text();
        expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false);
      },
    },
  ];
}

describe('attacks on the running service', () => {
  it('webhook flood: thousands of unsigned requests with random events and stores add no metric series', async () => {
    // One refused request first: the refusal's own series (bounded: route, status, reason) exist from then on.
    await fetch(url('/webhooks/jumpseller'), { method: 'POST', body: '{}' });
    await fetch(url('/metrics'));
    const before = await metricSeries();
    const random = () => randomBytes(8).toString('hex');
    const madeUpStores: string[] = [];
    const madeUpStore = () => {
      const code = random();
      madeUpStores.push(code);
      return code;
    };
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(
        Array.from({ length: 250 }, (_, i) =>
          fetch(url('/webhooks/jumpseller'), {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'jumpseller-event': `evt_${random()}`,
              'jumpseller-store-code': i % 2 ? stack.storeCode : madeUpStore(),
              'jumpseller-hmac-sha256': random(),
            },
            body: '{}',
          }),
        ),
      );
      expect(answers.every((a) => a.status === 401)).toBe(true);
    }
    const after = await metricSeries();
    expect(madeUpStores).toHaveLength(500);
    expect([...(await otherStores())].filter((code) => madeUpStores.includes(code))).toEqual([]);
    expect(after.filter((s) => !before.includes(s))).toEqual([]);
    expect(after.join('\n')).not.toMatch(/evt_/);
    await expectStillReady();
  });

  const refused = async (attack: Attack) => {
    const res = await attack.run();
    expect(res.status, attack.name).toBe(attack.status);
    await attack.then?.(res);
    await expectStillReady();
  };
  it.each(webhookAttacks())('$name', refused);
  it.each(adminAttacks())('$name', refused);

  it('the paid order delivered in the middle of the attacks has exactly one document: nothing lost', async () => {
    const body = orderBody(stack, paidOrder);
    const answers = await Promise.all([
      deliver(stack, { event: 'order_paid', body }),
      ...webhookAttacks()
        .slice(0, 7)
        .map((a) => a.run()),
      deliver(stack, { event: 'order_paid', body }),
    ]);
    expect(answers[0].status).toBe(200);
    await stack.waitForOrderState(paidOrder, 'issued', 60_000);
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${paidOrder}`)).toHaveLength(1);
    const failures = (await metricSeries()).filter((s) => s.startsWith('auth_failures_total'));
    expect(failures).toEqual(expect.arrayContaining([expect.stringContaining('realm="admin"')]));
  });
});
