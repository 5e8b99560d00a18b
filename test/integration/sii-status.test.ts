/**
 * After issuing, the order follows its document's SII status in relBase (`sii_status`) through the
 * whole stack: the simulator's SII answers after a delay (accepted) or rejects with a reason; the
 * workflow shows it in the SiiStatus search attribute, the memo and the `state` query, and a rejection
 * makes the order needs-attention with relBase's reason, visible in the admin API's order view.
 * The store's first look comes after 1 s (siiStatusFirstCheckSeconds), so this runs in seconds.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runOps } from '../../src/cli/ops.js';
import { orderEventSignal, orderWorkflowId } from '../../src/workflows/order/contracts.js';
import type { orderWorkflow } from '../../src/workflows/order/workflow.js';
import { nudgeUntilContinuedAsNew } from '../support/runs.js';
import { startStack, type TestStack } from '../support/stack.js';
import { deliver, orderBody } from '../support/webhooks.js';
import { ADMIN_TOKEN, adminApp } from './admin-support.js';

let stack: TestStack;
let app: ReturnType<typeof adminApp>;
let polera: number;

beforeAll(async () => {
  stack = await startStack({ skipInstall: true, adminToken: ADMIN_TOKEN, settings: { siiStatusFirstCheckSeconds: 1 } });
  app = adminApp(stack);
  const p = stack.js.sim.createProduct({ name: 'Polera', price: 9990, sku: 'SII-1', stock: 100_000 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Polera', code: 'SII-1', price: 9990 }]);
  await stack.link('SII-1', rb!.id, p.id);
  polera = p.id;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.rb.simulator.setFaults({ siiAnswerAfterMs: null, siiReject: null, errorRate: 0 });
});

const documentOf = (id: number) => {
  const docs = stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${id}`);
  expect(docs).toHaveLength(1);
  return docs[0]!;
};

/** Places and pays an order for a boleta and delivers `order_paid`. */
async function paidOrder(): Promise<number> {
  const o = stack.js.sim.placeOrder({ lines: [{ productId: polera, qty: 1 }] });
  stack.js.sim.payOrder(o.id);
  expect((await deliver(stack, { event: 'order_paid', body: orderBody(stack, o.id) })).status).toBe(200);
  return o.id;
}

/** `npm run ops` against the admin API, its HTTP served in-process by the app. */
async function ops(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runOps([...args, '--store', stack.storeCode], {
    fetch: async (input, init) => app.request(input instanceof Request ? input : String(input), init),
    stdout: { write: (x: string) => (out += x) },
    stderr: { write: (x: string) => (out += x) },
    env: { ADMIN_TOKEN, PORT: '3999' },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 100))),
  });
  return { code, out };
}

function adminGet(path: string) {
  return app.request(path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
}

describe('the SII status of an issued document', () => {
  it('a boleta the SII accepts: sent_sii first, then accepted in the state query, the search attribute and the memo', async () => {
    // The SII has not answered at the first look (after 1 s); it answers once the test has seen that.
    const id = await paidOrder();
    const pending = await stack.waitForOrder(id, (s) => s.siiStatus !== null);
    expect(pending).toMatchObject({ state: 'issued', siiStatus: 'sent_sii' });
    stack.rb.simulator.setFaults({ siiAnswerAfterMs: 0 });
    const s = await stack.waitForOrder(id, (x) => x.siiStatus === 'accepted');
    expect(s.state).toBe('issued');
    expect(s.folio).toBe(String(documentOf(id).folio));

    const described = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).describe();
    expect(described.searchAttributes).toMatchObject({ OrderState: ['issued'], SiiStatus: ['accepted'] });
    expect(described.memo).toMatchObject({ siiStatus: 'accepted' });
    // Found by the search attribute, as an operator would in the Web UI (visibility is eventually
    // consistent: it shows the attribute some time after the run recorded it).
    const found = async () => {
      const ids: string[] = [];
      for await (const w of stack.temporal.workflow.list({ query: `SiiStatus = "accepted" AND OrderNumber = "${id}"` })) ids.push(w.workflowId);
      return ids;
    };
    await expect.poll(found, { timeout: 30_000 }).toEqual([orderWorkflowId(stack.storeCode, id)]);
  });

  it('a rejected boleta: the order needs attention with relBase’s reason (RUT masked), in the admin API order view; a retry after it is fixed returns it to issued', async () => {
    stack.rb.simulator.setFaults({ siiAnswerAfterMs: 0, siiReject: { reason: 'Error en RUT receptor 76.192.083-9', remaining: 1 } });
    const id = await paidOrder();
    const s = await stack.waitForOrder(id, (x) => x.siiStatus === 'rejected');
    const folio = documentOf(id).folio;
    expect(s.state).toBe('needs_attention');
    expect(s.reason).toBe(
      `the SII rejected document ${folio}: Rechazado por el SII: Error en RUT receptor 76.1xx.xxx-9; the order has no valid tax document: correct it in relBase (a new document), then send retry`,
    );
    expect(JSON.stringify(s)).not.toContain('76.192.083');

    const described = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id)).describe();
    expect(described.searchAttributes).toMatchObject({ OrderState: ['needs_attention'], SiiStatus: ['rejected'] });
    expect(described.memo).toMatchObject({ siiStatus: 'rejected', summary: `needs_attention: ${s.reason}` });

    // The read model is written by an activity after the state changes: wait for it.
    let view: { state: { state: string; reason: string; siiStatus: string }; readModel: { state: string; reason: string }; workflow: { memo: Record<string, unknown> } };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await adminGet(`/admin/stores/${stack.storeCode}/orders/${id}`);
      expect(res.status).toBe(200);
      view = (await res.json()) as typeof view;
      if (view.readModel.state === 'needs_attention' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(view.state).toMatchObject({ state: 'needs_attention', reason: s.reason, siiStatus: 'rejected' });
    expect(view.readModel).toMatchObject({ state: 'needs_attention', reason: s.reason });
    expect(view.workflow.memo).toMatchObject({ siiStatus: 'rejected' });
    const cli = await ops('order', String(id));
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toMatch(/state: needs_attention/);
    expect(cli.out).toMatch(/siiStatus: rejected/);
    expect(cli.out).toContain('the SII rejected document');

    // A retry while relBase still says rejected looks again and keeps the order where it is.
    const retried = await app.request(`/admin/stores/${stack.storeCode}/orders/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(retried.status).toBe(200);
    const again = await stack.waitForOrder(id, (x) => x.history.filter((h) => h.state === 'needs_attention').length >= 2);
    expect(again).toMatchObject({ state: 'needs_attention', siiStatus: 'rejected' });
    // The merchant fixes it in relBase (the SII accepts a corrected submission); a retry sees it.
    stack.rb.simulator.state.documents.get(documentOf(id).id)!.sii_status = 'accepted';
    const fixed = await app.request(`/admin/stores/${stack.storeCode}/orders/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(fixed.status).toBe(200);
    const back = await stack.waitForOrder(id, (x) => x.state === 'issued');
    expect(back).toMatchObject({ siiStatus: 'accepted', reason: `the SII accepted document ${folio} (accepted)` });
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${id}`)).toHaveLength(1);
  });

  it('a run that continues as new after a rejection still needs attention, with the status and reason', async () => {
    stack.rb.simulator.setFaults({ siiAnswerAfterMs: 0, siiReject: { reason: 'Firma inválida', remaining: 1 } });
    const o = stack.js.sim.placeOrder({ lines: [{ productId: polera, qty: 1 }] });
    stack.js.sim.payOrder(o.id);
    const handle = await stack.temporal.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      workflowId: orderWorkflowId(stack.storeCode, o.id),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode, orderId: String(o.id), continueAsNewAfterEvents: 60 }],
    });
    const rejected = await stack.waitForOrder(o.id, (x) => x.siiStatus === 'rejected');
    expect(rejected.state).toBe('needs_attention');
    // Webhooks that are not a cancellation (hints the run reads the order for, and looks at the SII
    // status again after a rejection) grow its history.
    let hints = 0;
    await nudgeUntilContinuedAsNew(handle, () => handle.signal(orderEventSignal, { event: 'order_updated', statusEnum: 'paid', deliveryId: `sii-${hints++}` }));
    const carried = await stack.waitForOrder(o.id, (x) => x.state === 'needs_attention');
    expect(carried).toMatchObject({ siiStatus: 'rejected', reason: rejected.reason, folio: rejected.folio });
    // The new run started where the old one stood: never "issued" in between (the read model, the
    // needs-attention list and retry would have believed it).
    const rejectedAt = carried.history.findIndex((h) => h.state === 'needs_attention' && h.reason === rejected.reason);
    expect(rejectedAt).toBeGreaterThanOrEqual(0);
    expect(carried.history.slice(rejectedAt + 1).map((h) => h.state)).not.toContain('issued');
    expect(await stack.readModelState(o.id, 'needs_attention')).toBe('needs_attention');
    const described = await stack.temporal.workflow.getHandle(handle.workflowId).describe();
    expect(described.searchAttributes).toMatchObject({ OrderState: ['needs_attention'], SiiStatus: ['rejected'] });
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${o.id}`)).toHaveLength(1);
  });

  it('a look that relBase fails is counted unanswered (the memo says so) and the next one comes on schedule', async () => {
    // Time to break relBase between issuing and the first look.
    await stack.setSettings({ siiStatusFirstCheckSeconds: 4 });
    try {
      const id = await paidOrder();
      await stack.waitForOrderState(id, 'issued');
      stack.rb.simulator.setFaults({ errorRate: 1 });
      const handle = stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id));
      let memo: Record<string, unknown> | undefined;
      const deadline = Date.now() + 60_000;
      while (!(typeof memo?.['siiFollowUp'] === 'string') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        memo = (await handle.describe()).memo;
      }
      expect(memo?.['siiFollowUp']).toMatch(/^the last look at the SII status failed: /);
      expect((await stack.orderStatus(id)).state).toBe('issued');
      stack.rb.simulator.setFaults({ errorRate: 0, siiAnswerAfterMs: 0 });
      const s = await stack.waitForOrder(id, (x) => x.siiStatus === 'accepted', 60_000);
      expect(s.state).toBe('issued');
      // The note about the failed look is gone once a look answered.
      expect((await handle.describe()).memo?.['siiFollowUp'] ?? null).toBeNull();
    } finally {
      await stack.setSettings({ siiStatusFirstCheckSeconds: 1 });
    }
  });
});
