/**
 * Records histories of order runs made by the workflow code as it is now, waiting and finished, as
 * JSON fixtures in test/fixtures/order-histories/. Run it *before* changing the order workflow, and
 * commit what it writes: test/integration/order-replay.test.ts replays every fixture with the changed
 * code, which proves that runs waiting in production (pending products, needs attention, awaiting
 * payment) and the `state` query of finished ones survive the deploy.
 *
 *   npx tsx scripts/record-order-histories.ts <prefix>
 *
 * Every file is named `<prefix><scenario>.json`: give each recording a prefix of its own (the change it
 * precedes), so fixtures recorded from older code are never overwritten.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { orderWorkflowId, productsSyncedSignal, resolveSignal, retrySignal, retryUpdate } from '../src/workflows/order/contracts.js';
import { startEnvironmentFromProcess } from '../test/support/environment.js';
import { startStack, type TestStack } from '../test/support/stack.js';
import { runBench } from '../bench/run.js';

const dir = new URL('../test/fixtures/order-histories/', import.meta.url);
const prefix = process.argv[2] ?? '';

async function main() {
  if (!/^[a-z0-9-]+-$/.test(prefix)) throw new Error('give a prefix for the file names, e.g. `npx tsx scripts/record-order-histories.ts steps-`');
  const env = await startEnvironmentFromProcess(false);
  const stack = await startStack({ environment: env, settings: { invalidFiscalDataPolicy: 'hold' } });
  mkdirSync(dir, { recursive: true });
  try {
    await recordAll(stack, env.temporalAddress);
  } finally {
    await stack.stop();
    await env.stop();
  }
}

async function recordAll(stack: TestStack, temporalAddress: string) {
  /** Waits until the run has no activity or task in flight, then saves its history as the CLI prints it. */
  async function save(name: string, orderId: number) {
    const handle = stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, orderId));
    for (let i = 0; ; i++) {
      const raw = (await handle.describe()).raw as { pendingActivities?: unknown[]; pendingWorkflowTask?: unknown };
      if ((raw.pendingActivities ?? []).length === 0 && !raw.pendingWorkflowTask) break;
      if (i > 200) throw new Error(`${name}: the run is still busy`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The CLI's JSON is what Worker.runReplayHistory reads (historyFromJSON).
    const json = execFileSync('.tools/bin/temporal', ['workflow', 'show', '--address', temporalAddress, '--workflow-id', handle.workflowId, '-o', 'json']);
    writeFileSync(new URL(`${prefix}${name}.json`, dir), json);
    console.log(`recorded ${prefix}${name}`);
  }
  const handle = (id: number) => stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, id));
  const settle = () => new Promise((r) => setTimeout(r, 2000));

  const linked = stack.js.sim.createProduct({ name: 'Linked', price: 9990, sku: 'REC-L', stock: 100 });
  const [rbLinked] = stack.rb.simulator.seedProducts([{ name: 'Linked', code: 'REC-L', price: 9990 }]);
  await stack.link('REC-L', rbLinked!.id, linked.id);
  const unlinked = stack.js.sim.createProduct({ name: 'Unlinked', price: 4990, sku: 'REC-U', stock: 100 });
  // A second product with the same SKU: product sync refuses it, so the order stays pending.
  stack.js.sim.createProduct({ name: 'Unlinked twin', price: 4990, sku: 'REC-U', stock: 100 });
  const factura = (rut: string) => [
    { label: 'Tipo de documento', value: 'Factura electrónica' },
    { label: 'RUT', value: rut },
    { label: 'Razón social', value: 'Comercial Ejemplo SpA' },
    { label: 'Giro', value: 'Venta al por menor' },
  ];

  const unpaid = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }] });
  await stack.waitForOrderState(unpaid.id, 'awaiting_payment');
  await save('awaiting-payment', unpaid.id);

  // Pending, then productsSynced about another SKU (no wake-up) and a retry (plans again, still pending).
  const pending = stack.js.sim.placeOrder({ lines: [{ productId: unlinked.id, qty: 2 }] });
  stack.js.sim.payOrder(pending.id);
  await stack.waitForOrderState(pending.id, 'pending_products');
  await handle(pending.id).signal(productsSyncedSignal, { skus: ['OTHER'] });
  await handle(pending.id).signal(retrySignal);
  await settle();
  await save('pending-products', pending.id);

  // Needs attention (invalid RUT under "hold"), then a resolve with another invalid RUT.
  const held = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }], additionalFields: factura('76.192.083-1') });
  stack.js.sim.payOrder(held.id);
  await stack.waitForOrderState(held.id, 'needs_attention');
  await handle(held.id).signal(resolveSignal, { receiver: { rut: '11.111.111-2', razonSocial: 'X', giro: 'Y' } });
  await settle();
  await save('needs-attention', held.id);

  const boleta = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }], shipping: 3990 });
  stack.js.sim.payOrder(boleta.id);
  await stack.waitForOrderState(boleta.id, 'issued');
  await save('issued-boleta-shipping', boleta.id);

  const fact = stack.js.sim.placeOrder({
    lines: [{ productId: linked.id, qty: 2 }],
    additionalFields: factura('76.192.083-1'),
    billingAddress: { address: 'Teatinos 120', municipality: 'Santiago', city: 'Santiago' },
  });
  stack.js.sim.payOrder(fact.id);
  await stack.waitForOrderState(fact.id, 'needs_attention');
  await handle(fact.id).signal(resolveSignal, { receiver: { rut: '76192083-9', razonSocial: 'Comercial Ejemplo SpA', giro: 'Venta al por menor' } });
  await stack.waitForOrderState(fact.id, 'issued');
  await save('issued-factura-after-resolve', fact.id);

  const canceled = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }] });
  await stack.waitForOrderState(canceled.id, 'awaiting_payment');
  stack.js.sim.cancelOrder(canceled.id);
  await stack.waitForOrderState(canceled.id, 'canceled');
  await save('canceled', canceled.id);

  // The create's answer is lost after relBase made the document: unknown outcome, found by label.
  stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/dtes', remaining: 1 }] });
  const lost = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }] });
  stack.js.sim.payOrder(lost.id);
  await stack.waitForOrderState(lost.id, 'issued');
  stack.rb.simulator.setFaults({ commitThenFail: [] });
  await save('issued-after-lost-answer', lost.id);

  // A needs-attention order retried through the update (still needs attention after it plans again).
  const updated = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 1 }], additionalFields: factura('76.192.083-1') });
  stack.js.sim.payOrder(updated.id);
  await stack.waitForOrderState(updated.id, 'needs_attention');
  await handle(updated.id).executeUpdate(retryUpdate);
  await save('needs-attention-after-retry-update', updated.id);

  // Canceled after its boleta was issued (the simulator delivers order_canceled): annulled by a 61.
  const credited = stack.js.sim.placeOrder({ lines: [{ productId: linked.id, qty: 2 }], shipping: 3990 });
  stack.js.sim.payOrder(credited.id);
  await stack.waitForOrderState(credited.id, 'issued');
  stack.js.sim.cancelOrder(credited.id);
  await stack.waitForOrderState(credited.id, 'credited');
  await save('credited-after-cancel', credited.id);
}

runBench(main);
