/**
 * Every `npm run ops` command against the admin API of a running service (the whole stack on the
 * real Temporal server and PostgreSQL): `runOps` with real HTTP for each command, and the entry
 * point once as a child process, as an operator runs it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer } from '../../src/runtime/http-server.js';
import { runOps } from '../../src/cli/ops.js';
import { startStack, type TestStack } from '../support/stack.js';
import { ADMIN_TOKEN, adminApp } from './admin-support.js';

const exec = promisify(execFile);
let stack: TestStack;
let server: ServerType;
let port: number;
const ids = { pending: 0, attention: 0, issued: 0 };
/** Places and pays one more order of the linked product. */
let payLinked: () => number;

/** Runs a command for this file's store (other files' stores share the run's database). */
async function ops(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runOps(args[0] === 'stores' || args.includes('--store') ? args : [...args, '--store', stack.storeCode], {
    fetch,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { ADMIN_TOKEN, PORT: String(port) },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 100))),
  });
  return { code, out, err };
}

beforeAll(async () => {
  stack = await startStack({ settings: { invalidFiscalDataPolicy: 'hold' } });
  const app = adminApp(stack);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  // 1190 = 1000 net + 190 IVA: a factura for it reaches the paid total under the SII's net arithmetic.
  const linked = stack.js.sim.createProduct({ name: 'Linked', price: 1190, sku: 'OPS-L', stock: 10 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Linked', code: 'OPS-L', price: 1190 }]);
  await stack.link('OPS-L', rb!.id, linked.id);
  // Two variants of one product with the same SKU: product sync refuses it in the same pass that reads
  // it, so OPS-U is never linked and the order stays pending. (Two products sharing a SKU would not do:
  // the first one's sync may link it before the second claims it, and the order then issues.)
  const unlinked = stack.js.sim.createProduct({
    name: 'Unlinked',
    price: 2500,
    variants: [
      { sku: 'OPS-U', stock: 10, options: [{ name: 'Talla', value: 'S' }] },
      { sku: 'OPS-U', stock: 10, options: [{ name: 'Talla', value: 'M' }] },
    ],
  });
  const pay = (productId: number, additionalFields?: { label: string; value: string }[], variantId?: number) => {
    const o = stack.js.sim.placeOrder({ lines: [{ productId, variantId, qty: 1 }], ...(additionalFields ? { additionalFields } : {}) });
    stack.js.sim.payOrder(o.id);
    return o.id;
  };
  payLinked = () => pay(linked.id);
  ids.pending = pay(unlinked.id, undefined, unlinked.variants[0]!.id);
  ids.issued = pay(linked.id);
  ids.attention = pay(linked.id, [
    { label: 'Tipo de documento', value: 'Factura electrónica' },
    { label: 'RUT', value: '11.111.111-2' },
    { label: 'Razón social', value: 'Comercial Ejemplo SpA' },
    { label: 'Giro', value: 'Venta al por menor' },
  ]);
  await Promise.all([
    stack.waitForOrderState(ids.pending, 'pending_products'),
    stack.waitForOrderState(ids.issued, 'issued'),
    stack.waitForOrderState(ids.attention, 'needs_attention'),
  ]);
  // `orders`, `retry --all-pending` and the order view read the `orders` read model, which an
  // activity writes after the state the query shows: wait for it too.
  for (const [id, state] of [
    [ids.pending, 'pending_products'],
    [ids.issued, 'issued'],
    [ids.attention, 'needs_attention'],
  ] as const) {
    expect(await stack.readModelState(id, state)).toBe(state);
  }
}, 180_000);

afterAll(async () => {
  if (server) await closeServer(server, 2000);
  await stack?.stop();
});

describe('npm run ops', () => {
  it('runs as a child process, defaulting to localhost:$PORT, and exits non-zero with the message on failure', async () => {
    const env = { ...process.env, ADMIN_TOKEN, PORT: String(port) };
    const ok = await exec('npx', ['tsx', 'src/cli/ops.ts', 'orders', '--store', stack.storeCode], { env });
    expect(ok.stdout).toContain(String(ids.pending));
    expect(ok.stdout).toContain('OPS-U');
    expect(ok.stdout).toMatch(/ORDER\s+STATE\s+MISSING SKUS/);

    const wrong = await exec('npx', ['tsx', 'src/cli/ops.ts', 'stores'], { env: { ...env, ADMIN_TOKEN: 'a-wrong-token-0123456789' } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(wrong).toMatchObject({ code: 1 });
    expect((wrong as { stderr: string }).stderr).toContain('401: wrong admin token');
  });

  it('says what is missing before calling anything', async () => {
    const noToken = await runOps(['stores'], { fetch, stdout: { write: () => true }, stderr: { write: (s: string) => void expect(s).toMatch(/ADMIN_TOKEN/) }, env: {} });
    expect(noToken).toBe(2);
    expect((await ops('frobnicate')).code).toBe(2);
    expect((await ops('order')).err).toMatch(/needs an order id/);
    const down = await ops('stores', '--url', 'http://127.0.0.1:1');
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/cannot reach the service/);
  });

  it('stores', async () => {
    const r = await ops('stores');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`${stack.storeCode}\\s+basic\\s+active`));
  });

  it('orders lists pending and needs-attention orders with their reasons', async () => {
    const r = await ops('orders', '--store', stack.storeCode);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 order(s)');
    expect(r.out).toMatch(new RegExp(`${ids.pending}\\s+pending_products\\s+OPS-U`));
    expect(r.out).toMatch(new RegExp(`${ids.attention}\\s+needs_attention`));
    expect(r.out).not.toContain(String(ids.issued));
    const attention = await ops('orders', '--state', 'needs_attention');
    expect(attention.out).not.toContain(`${ids.pending} `);
    expect(attention.out).toMatch(/RUT/);
  });

  it('order shows the credit note of an order canceled after issuing', async () => {
    const id = payLinked();
    await stack.waitForOrderState(id, 'issued');
    stack.js.sim.cancelOrder(id);
    await stack.waitForOrderState(id, 'credited');
    const r = await ops('order', String(id));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/state: credited/);
    expect(r.out).toMatch(new RegExp(`credit notes:\\n  LABEL +CODREF +STATE +FOLIO +TOTAL\\n  -+.*\\n  JS-${id}-NC1 +1 +issued +\\d+ +\\d+`));
    const json = JSON.parse((await ops('order', String(id), '--json')).out) as { creditNotes: { label: string; reasonCode: number }[]; state: { creditNotes: unknown[] } };
    expect(json.creditNotes).toMatchObject([{ label: `JS-${id}-NC1`, reasonCode: 1 }]);
    expect(json.state.creditNotes).toHaveLength(1);
  });

  it('order shows the full state', async () => {
    const r = await ops('order', String(ids.issued));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/state: issued/);
    expect(r.out).toMatch(/folio: \d+/);
    expect(r.out).toContain('history:');
    expect(r.out).toContain(`workflowId: order:${stack.storeCode}:${ids.issued}`);
    const json = JSON.parse((await ops('order', String(ids.issued), '--json')).out) as { readModel: { state: string } };
    expect(json.readModel.state).toBe('issued');
  });

  it('retry one, and retry --all-pending (only the pending order)', async () => {
    const one = await ops('retry', String(ids.pending));
    expect(one.code).toBe(0);
    expect(one.out).toMatch(new RegExp(`^retry: order ${ids.pending} of ${stack.storeCode} is now pending_products: .*OPS-U.*\\n$`));
    const all = await ops('retry', '--all-pending');
    expect(all.code).toBe(0);
    expect(all.out).toBe(`retry sent to 1 pending order(s) of ${stack.storeCode}: ${ids.pending}\n`);
    const done = await ops('retry', String(ids.issued));
    expect(done.code).toBe(1);
    expect(done.err).toMatch(/409: order \d+ is issued/);
  });

  it('resolve with corrected fiscal data issues the factura; bad data is refused with the field named', async () => {
    const bad = await ops('resolve', String(ids.attention), '--rut', '11.111.111-2', '--razon-social', 'Comercial Ejemplo SpA', '--giro', 'Venta');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/400: invalid body: receiver\.rut/);
    expect((await ops('resolve', String(ids.attention))).code).toBe(2);
    const ok = await ops('resolve', String(ids.attention), '--rut', '76.192.083-9', '--razon-social', 'Comercial Ejemplo SpA', '--giro', 'Venta al por menor');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`^resolve: order ${ids.attention} of ${stack.storeCode} is now issu(ing|ed)`));
    const issued = await stack.waitForOrderState(ids.attention, 'issued');
    expect(issued.documentType).toBe(33);
  });

  it('settings shows and changes settings, refusing bad values', async () => {
    const show = await ops('settings');
    expect(show.out).toMatch(/invalidFiscalDataPolicy: hold/);
    const change = await ops('settings', 'stockSyncEnabled=false', 'shippingProductCode=DESPACHO');
    expect(change.code).toBe(0);
    expect(change.out).toMatch(/stockSyncEnabled: false/);
    expect(change.out).toMatch(/invalidFiscalDataPolicy: hold/);
    const bad = await ops('settings', 'defaultDocument=40');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/defaultDocument/);
    await ops('settings', 'shippingProductCode=ENVIO');
  });

  it('install runs the steps again and adds nothing', async () => {
    const r = await ops('install');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`install steps done for ${stack.storeCode}: 0 webhook(s) created, 0 checkout field(s) created, shipping product already there\n`);
  });

  it('relbase-credentials is refused for a store configured through variables', async () => {
    expect((await ops('relbase-credentials')).code).toBe(2);
    const r = await ops('relbase-credentials', '--user-token', 'user-token-123', '--company-token', 'company-token-123');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/409: .*RELBASE_USER_TOKEN/);
    expect(r.err).not.toContain('user-token-123');
  });

  it('catalog start, watch (to the end), status and report; cancel when nothing runs', async () => {
    for (let i = 0; i < 5; i++) {
      const sku = `OPS-CAT-${i}`;
      stack.js.sim.createProduct({ name: `Catálogo ${i}`, price: 1000 + i, sku, stock: 5 });
      if (i < 2) stack.rb.simulator.seedProducts([{ name: `Catálogo ${i}`, code: sku, price: 1000 + i }]);
    }
    const start = await ops('catalog', 'start');
    expect(start.code).toBe(0);
    expect(start.out).toMatch(new RegExp(`(started|already running) for ${stack.storeCode} \\(catalog:${stack.storeCode}\\)`));
    const watch = await ops('catalog', 'watch', '--interval', '100');
    expect(watch.code).toBe(0);
    expect(watch.out).toMatch(/^completed/m);
    expect(watch.out).toMatch(/catalog sync of .* ended: completed/);
    expect(watch.out).toMatch(/created: [1-9]/);
    const report = await ops('catalog', 'report');
    expect(report.out).toMatch(/linked: [1-9]/);
    const status = await ops('catalog', 'status');
    expect(status.out).toMatch(/COMPLETED/);
    const cancel = await ops('catalog', 'cancel');
    expect(cancel.code).toBe(1);
    expect(cancel.err).toMatch(/404: no catalog sync is running/);
    expect((await ops('catalog')).code).toBe(2);
  });

  it("stock refresh runs the store's stock reconcile through the schedule the install made", async () => {
    const r = await ops('stock', 'refresh');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`stock refresh started for ${stack.storeCode} (stock-reconcile-schedule:${stack.storeCode})\n`);
  });
});
