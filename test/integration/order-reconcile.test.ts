/**
 * Nothing paid goes without a document, through the whole stack (both simulators over HTTP, the API,
 * the workers on the real Temporal server, PostgreSQL):
 * - a signed delivery whose body has shapes the documentation does not show is answered 2xx, stored,
 *   and its paid order is issued;
 * - a paid order whose webhooks never arrived (the store's hooks were deleted) is issued by the
 *   paid-order reconcile within one period of its schedule, which also creates the hooks again;
 * - an issued order whose cancellation webhook was lost gets its credit note from the same reconcile;
 * - the reconcile's report is readable through the admin API and `npm run ops`, and in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOps } from '../../src/cli/ops.js';
import { HOOK_EVENTS, webhookUrl } from '../../src/install/install-plan.js';
import { ensureOrderReconcileSchedule } from '../../src/order-reconcile/schedules.js';
import { orderReconcileScheduleId } from '../../src/workflows/order-reconcile/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

const ADMIN_TOKEN = 'order-reconcile-admin-token-0123';
const PERIOD_MS = 4000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ adminToken: ADMIN_TOKEN });
});
afterAll(async () => {
  await stack?.temporal.schedule
    .getHandle(orderReconcileScheduleId(stack.storeCode))
    .delete()
    .catch(() => undefined);
  await stack?.stop();
});

function documentsOf(orderId: number) {
  return stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${orderId}`);
}

async function admin<T>(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function ops(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runOps([...args, '--store', stack.storeCode, '--url', stack.apiUrl], {
    fetch,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { ADMIN_TOKEN },
  });
  return { code, out, err };
}

describe('a signed delivery with an unexpected body shape', () => {
  it('is answered 2xx, stored, and its paid order is issued', async () => {
    stack.js.sim.setWebhookOptions({ bodyShapes: ['new_status_enum', 'prices_as_strings', 'missing_fields', 'ids_as_strings', 'extra_fields'] });
    try {
      const { jsProduct: product } = await stack.productInBoth('SHAPE-1', 11990);
      const order = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
      stack.js.sim.payOrder(order.id);
      await stack.js.sim.flushDeliveries();

      const attempts = stack.js.sim.deliveries().filter((d) => d.event.startsWith('order_'));
      expect(attempts.length).toBeGreaterThanOrEqual(4);
      expect(attempts.every((a) => a.status !== null && a.status >= 200 && a.status < 300)).toBe(true);
      const stored = await stack.db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', stack.storeCode).where('resource_id', '=', String(order.id)).execute();
      expect(stored.length).toBeGreaterThanOrEqual(4);
      expect(stored.every((d) => d.status === 'dispatched')).toBe(true);
      expect(stored.some((d) => d.body.includes('"total":"11990.0"') && d.body.includes('"status_enum":"authorized"'))).toBe(true);

      await stack.waitForOrderState(order.id, 'issued');
      expect(documentsOf(order.id)).toHaveLength(1);
    } finally {
      stack.js.sim.setWebhookOptions({ bodyShapes: [] });
    }
  });
});

describe('the paid-order reconcile', () => {
  it('issues a paid order whose webhooks never arrived within one period, recreates the deleted hooks, and reports it', async () => {
    const hookUrl = webhookUrl(stack.apiUrl);
    const { jsProduct: product } = await stack.productInBoth('LOST-1', 5990);
    await stack.js.sim.flushDeliveries();
    const attemptsBefore = stack.js.sim.deliveries().length;
    // Jumpseller deleted every hook of the store (after failed deliveries): nothing is delivered.
    stack.js.sim.state.hooks.clear();
    const order = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 2 }] });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();
    expect(stack.js.sim.deliveries()).toHaveLength(attemptsBefore);

    await ensureOrderReconcileSchedule(stack.temporal, { taskQueue: stack.mainTaskQueue, storeCode: stack.storeCode, hookUrl, everyMs: PERIOD_MS });
    const issued = await stack.waitForOrderState(order.id, 'issued', 90_000);
    expect(issued.total).toBe(11980);
    expect(documentsOf(order.id)).toHaveLength(1);
    // Started by the reconcile: no delivery of the order ever reached the service.
    const deliveries = await stack.db.selectFrom('webhook_deliveries').select('id').where('store_code', '=', stack.storeCode).where('resource_id', '=', String(order.id)).execute();
    expect(deliveries).toEqual([]);

    // The hooks are back, every event pointing at this service.
    const hooks = [...stack.js.sim.state.hooks.values()];
    expect(hooks.map((h) => h.event).sort()).toEqual([...HOOK_EVENTS].sort());
    expect(hooks.every((h) => h.url === hookUrl)).toBe(true);

    // The report of the run that found it. That run goes on to the canceled orders after starting the
    // order's workflow, so the order may be issued before the run's report is final: wait for it.
    const reports = () =>
      stack.db.selectFrom('sync_reports').selectAll().where('store_code', '=', stack.storeCode).where('kind', '=', 'order-reconcile').orderBy('started_at').orderBy('id').execute();
    const found = await waitFor(async () => {
      const r = (await reports()).find((x) => (x.report['dispatchedOrderIds'] as string[] | undefined)?.includes(String(order.id)));
      return r && r.status !== 'running' ? r : null;
    });
    expect(found.status).toBe('completed');
    // Within one period of the schedule: the schedule's first run (the store had no reconcile before
    // this test made the schedule) is the one that found it.
    expect((await reports())[0]!.id).toBe(found.id);
    expect(found.report).toMatchObject({ dispatched: 1, outcomes: { dispatched: 1 }, hooks: { url: hookUrl, recreated: expect.arrayContaining([...HOOK_EVENTS]) as string[] } });
    expect((found.report['ordersSeen'] as number) ?? 0).toBeGreaterThanOrEqual(2);
    expect(found.report['alreadyDocumented']).toBeGreaterThanOrEqual(1);
  });

  it('leaves orders with their document alone, and the next order arrives again by webhook', async () => {
    const { jsProduct: product } = await stack.productInBoth('BACK-1', 2990);
    const order = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();
    const delivered = await stack.db
      .selectFrom('webhook_deliveries')
      .select('status')
      .where('store_code', '=', stack.storeCode)
      .where('resource_id', '=', String(order.id))
      .execute();
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    await stack.waitForOrderState(order.id, 'issued');

    // Runs after that: every paid order has its document, so none is started or signalled again.
    await completedReportAfter(new Date()).then((r) => {
      expect(r.report).toMatchObject({ dispatched: 0, ordersFailed: 0, hooks: { missing: [] } });
      expect(r.report['alreadyDocumented']).toBeGreaterThanOrEqual(3);
    });
    for (const id of [order.id]) expect(documentsOf(id)).toHaveLength(1);
  });

  it('credits an issued order whose cancellation webhook was lost, once, and leaves it alone after', async () => {
    const hookUrl = webhookUrl(stack.apiUrl);
    const { jsProduct: product } = await stack.productInBoth('LOST-NC', 8990);
    const order = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();
    await stack.waitForOrderState(order.id, 'issued');
    // The hooks are gone again, then the merchant cancels the order: no delivery reaches the service.
    stack.js.sim.state.hooks.clear();
    const attemptsBefore = stack.js.sim.deliveries().length;
    stack.js.sim.cancelOrder(order.id);
    await stack.js.sim.flushDeliveries();
    expect(stack.js.sim.deliveries()).toHaveLength(attemptsBefore);

    await ensureOrderReconcileSchedule(stack.temporal, { taskQueue: stack.mainTaskQueue, storeCode: stack.storeCode, hookUrl, everyMs: PERIOD_MS });
    const credited = await stack.waitForOrderState(order.id, 'credited', 90_000);
    const [boleta] = documentsOf(order.id);
    const notes = stack.rb.simulator.documents().filter((d) => d.type_document === 61 && d.label_value?.startsWith(`JS-${order.id}-`));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.amount_total).toBe(boleta!.amount_total);
    expect(credited.creditNotes).toHaveLength(1);

    // A run after it finds the order credited and dispatches nothing for it.
    const later = await completedReportAfter(new Date());
    expect(later.report['cancellations']).toMatchObject({ dispatched: 0 });
    expect((later.report['cancellations'] as { alreadyCredited: number }).alreadyCredited).toBeGreaterThanOrEqual(1);
    expect(stack.rb.simulator.documents().filter((d) => d.type_document === 61 && d.label_value?.startsWith(`JS-${order.id}-`))).toHaveLength(1);
  });

  it('shows its last report through the admin API, `npm run ops` and /metrics, and runs on demand', async () => {
    const report = await admin<{ status: string; nextRunAt: string | null; report: Record<string, unknown> }>('GET', `/admin/stores/${stack.storeCode}/order-reconcile/report`);
    expect(report.status).toBe(200);
    expect(['completed', 'running']).toContain(report.body.status);
    expect(report.body.nextRunAt).not.toBeNull();
    expect(report.body.report).toHaveProperty('window');

    const run = await admin<{ started: boolean; scheduleId: string }>('POST', `/admin/stores/${stack.storeCode}/order-reconcile`);
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ started: true, scheduleId: orderReconcileScheduleId(stack.storeCode) });

    // The schedule fires every few seconds here: a run that has just started shows no counts yet.
    const shown = await waitFor(async () => {
      const r = await ops('orders', 'reconcile', 'report');
      return r.code !== 0 || new RegExp(`paid-order reconcile of ${stack.storeCode}: completed`).test(r.out) ? r : null;
    });
    expect(shown.err).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/alreadyDocumented: \d+/);
    const triggered = await ops('orders', 'reconcile');
    expect(triggered.code).toBe(0);
    expect(triggered.out).toContain('paid-order reconcile started');

    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^order_reconcile_last_finished_timestamp_seconds\\{store="${stack.storeCode}"\\} \\d`, 'm'));
    expect(metrics).toMatch(new RegExp(`^order_reconcile_last_orders_documented\\{store="${stack.storeCode}"\\} [1-9]`, 'm'));
    expect(metrics).toMatch(/^webhook_deliveries\{status="waiting"\} \d+/m);
  });
});

/** The first complete reconcile report of a run started after `since`. */
function completedReportAfter(since: Date) {
  return waitFor(async () => {
    const r = await stack.db
      .selectFrom('sync_reports')
      .selectAll()
      .where('store_code', '=', stack.storeCode)
      .where('kind', '=', 'order-reconcile')
      .where('started_at', '>', since)
      .where('status', '=', 'completed')
      .executeTakeFirst();
    return r ?? null;
  });
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
