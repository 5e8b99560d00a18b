/**
 * The install workflow (`install:{store}`) through the admin API on a store nothing was installed on:
 * webhooks, checkout fields, the shipping product (once, also when relBase's answer to its create is
 * lost), the store's schedules; run again it makes nothing. Settings that shape the schedules change
 * them at once, and a stock refresh goes through the store's schedule.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_EVENTS } from '../../src/install/install-plan.js';
import { orderReconcileScheduleId } from '../../src/workflows/order-reconcile/contracts.js';
import { stockReconcileScheduleId } from '../../src/workflows/stock/contracts.js';
import { answerChecker, type OpenApiDoc } from '../support/admin-openapi.js';
import { startStack, type TestStack } from '../support/stack.js';
import { ADMIN_TOKEN, adminApp } from './admin-support.js';

let stack: TestStack;
let app: Hono;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const send = (method: string, path: string, body?: unknown) =>
  app.request(path, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

interface InstallAnswer {
  state: string;
  workflowId: string;
  hooksCreated: string[];
  fieldsCreated: string[];
  shippingProductCreated: boolean;
  relbasePending: string | null;
  schedules: { stockReconcile: string; orderReconcile: string };
  catalogSync: string;
}

const shippingProducts = () => stack.rb.simulator.products().filter((p) => p.code === 'ENVIO');

beforeAll(async () => {
  stack = await startStack({ skipInstall: true });
  app = adminApp(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('installing through the admin API', () => {
  it('creates everything once, even when the shipping product’s create answer is lost; a second run creates nothing', async () => {
    const posts = () => stack.rb.simulator.requests().byRoute['POST /api/v1/productos'] ?? 0;
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/productos', remaining: 1 }] });
    let first: InstallAnswer;
    try {
      const res = await send('POST', `/admin/stores/${stack.storeCode}/install`);
      expect(res.status).toBe(200);
      first = (await res.json()) as InstallAnswer;
    } finally {
      stack.rb.simulator.setFaults({ commitThenFail: [] });
    }
    expect(first).toMatchObject({ state: 'done', workflowId: `install:${stack.storeCode}`, relbasePending: null, catalogSync: 'not asked' });
    expect([...first.hooksCreated].sort()).toEqual([...HOOK_EVENTS].sort());
    expect([...first.fieldsCreated].sort()).toEqual(['Giro', 'RUT', 'Razón social', 'Tipo de documento']);
    expect(first.schedules).toEqual({ stockReconcile: 'created', orderReconcile: 'created' });
    // The create was answered 502 after relBase made the product: looked up, not made twice.
    expect(stack.rb.simulator.requests().committedThenFailed).toBeGreaterThanOrEqual(1);
    expect(shippingProducts()).toHaveLength(1);
    expect(posts()).toBe(1);

    const hooks = [...stack.js.sim.state.hooks.values()];
    expect(new Set(hooks.map((h) => h.url))).toEqual(new Set([`${stack.apiUrl}/webhooks/jumpseller`]));
    const row = await stack.db.selectFrom('stores').select('settings').where('code', '=', stack.storeCode).executeTakeFirstOrThrow();
    expect(Object.keys((row.settings as { checkoutFieldIds: Record<string, string> }).checkoutFieldIds).sort()).toEqual(['documentType', 'giro', 'razonSocial', 'rut']);

    // The answer is what the admin API's OpenAPI document declares for it.
    const doc = (await (await app.request('/admin/openapi.json', { headers: auth })).json()) as OpenApiDoc;
    expect(answerChecker(doc)('POST', '/admin/stores/{code}/install', 200, first)).toEqual([]);

    const again = (await (await send('POST', `/admin/stores/${stack.storeCode}/install`)).json()) as InstallAnswer;
    expect(again).toMatchObject({
      state: 'done',
      hooksCreated: [],
      fieldsCreated: [],
      shippingProductCreated: false,
      schedules: { stockReconcile: 'updated', orderReconcile: 'updated' },
    });
    expect(stack.js.sim.state.hooks.size).toBe(HOOK_EVENTS.length);
    expect(stack.js.sim.state.checkoutCustomFields.size).toBe(4);
    expect(shippingProducts()).toHaveLength(1);
  });

  it('makes one hook and one field even when Jumpseller’s answers to their creates are lost', async () => {
    for (const [id] of [...stack.js.sim.state.hooks].slice(0, 2)) stack.js.sim.state.hooks.delete(id);
    const [fieldId] = [...stack.js.sim.state.checkoutCustomFields.keys()];
    stack.js.sim.state.checkoutCustomFields.delete(fieldId!);
    const lostBefore = stack.js.sim.requestStats().committedThenFailed;
    stack.js.sim.setFaults({
      commitThenFail: [
        { method: 'POST', pathPrefix: '/v1/hooks', remaining: 1 },
        { method: 'POST', pathPrefix: '/v1/checkout_custom_fields', remaining: 1 },
      ],
    });
    try {
      const answer = (await (await send('POST', `/admin/stores/${stack.storeCode}/install`)).json()) as InstallAnswer;
      expect(answer).toMatchObject({ state: 'done' });
      expect(answer.hooksCreated).toHaveLength(2);
      expect(answer.fieldsCreated).toHaveLength(1);
    } finally {
      stack.js.sim.setFaults({ commitThenFail: [] });
    }
    expect(stack.js.sim.requestStats().committedThenFailed - lostBefore).toBe(2);
    expect(stack.js.sim.state.hooks.size).toBe(HOOK_EVENTS.length);
    expect(stack.js.sim.state.checkoutCustomFields.size).toBe(4);
  });

  it('brings a hook Jumpseller deleted back', async () => {
    const [hookId] = [...stack.js.sim.state.hooks.keys()];
    stack.js.sim.state.hooks.delete(hookId!);
    const answer = (await (await send('POST', `/admin/stores/${stack.storeCode}/install`)).json()) as InstallAnswer;
    expect(answer.hooksCreated).toHaveLength(1);
    expect(stack.js.sim.state.hooks.size).toBe(HOOK_EVENTS.length);
  });
});

describe('the schedules', () => {
  it('follow a change of their interval settings at once', async () => {
    const res = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { reconcileIntervalMinutes: 7, orderReconcileIntervalMinutes: 11 });
    expect(res.status).toBe(200);
    const changed = (await res.json()) as { schedules: unknown };
    expect(changed.schedules).toEqual({ stockReconcile: 'updated', orderReconcile: 'updated' });
    const doc = (await (await app.request('/admin/openapi.json', { headers: auth })).json()) as OpenApiDoc;
    expect(answerChecker(doc)('PATCH', '/admin/stores/{code}/settings', 200, changed)).toEqual([]);
    const stock = await stack.temporal.schedule.getHandle(stockReconcileScheduleId(stack.storeCode)).describe();
    expect(stock.spec.intervals?.[0]?.every).toBe(7 * 60_000);
    const orders = await stack.temporal.schedule.getHandle(orderReconcileScheduleId(stack.storeCode)).describe();
    expect(orders.spec.intervals?.[0]?.every).toBe(11 * 60_000);
    // A change of any other setting leaves them alone (and says nothing about them).
    const other = await send('PATCH', `/admin/stores/${stack.storeCode}/settings`, { stockSyncEnabled: true });
    expect(((await other.json()) as { schedules?: unknown }).schedules).toBeUndefined();
  });

  it('a stock refresh runs the store’s reconcile through its schedule, whose overlap rule is skip', async () => {
    const handle = stack.temporal.schedule.getHandle(stockReconcileScheduleId(stack.storeCode));
    expect((await handle.describe()).policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    const taken = (await handle.describe()).info.numActionsTaken;
    const res = await send('POST', `/admin/stores/${stack.storeCode}/stock/refresh`);
    expect(res.status).toBe(202);
    const triggered: unknown = await res.json();
    expect(triggered).toMatchObject({ scheduleId: stockReconcileScheduleId(stack.storeCode), started: true });
    const doc = (await (await app.request('/admin/openapi.json', { headers: auth })).json()) as OpenApiDoc;
    expect(answerChecker(doc)('POST', '/admin/stores/{code}/stock/refresh', 202, triggered)).toEqual([]);
    await expect.poll(async () => (await handle.describe()).info.numActionsTaken, { timeout: 30_000 }).toBe(taken + 1);
    const run = (await handle.describe()).info.recentActions.at(-1)!.action.workflow;
    expect(run.workflowId.startsWith(`stock-reconcile:${stack.storeCode}`)).toBe(true);
    await stack.temporal.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
  });
});
