/**
 * `npm run bench:stock`: stock sync at the APIs' real limits (relBase 7/s with its 403, Jumpseller
 * 20/s and 800/min, both simulators enforcing them), on the real stack with the worker as its own
 * process.
 *
 * 1. Reconcile: SKUS linked SKUs, all in line with the shop, then CHANGED of them changed in relBase.
 *    Reported: relBase stock reads per SKU (goal ≤ 1), Jumpseller updates (goal: exactly the changed
 *    ones), throttling answers (goal 0), and relBase's allowed rate used during the run (goal ≥ 85%).
 *    5,000 SKUs take 12 minutes at 7/s; the default runs 1,000 (SKUS=5000 for the full size).
 * 2. Latency: NOTICES stock-change notices (one SKU each, PACE per second), from the notice to the
 *    shop showing the new value; p50 and p99 against the debounce window + 2 s.
 *
 * Env: SKUS (1000), CHANGED (10% of SKUS), NOTICES (60), PACE (2), DEBOUNCE_MS (2000), TEST_DATABASE_URL.
 */
import { Client, Connection } from '@temporalio/client';
import { startEnvironmentFromProcess } from '../test/support/environment.js';
import { startWorkerProcess } from '../test/support/processes.js';
import { testDataConverter } from '../test/support/encryption.js';
import { startStack } from '../test/support/stack.js';
import { STOCK_RECONCILE_WORKFLOW_TYPE, stockReconcileWorkflowId, type StockReconcileProgress } from '../src/workflows/stock/contracts.js';
import { runBench } from './run.js';

const SKUS = Number(process.env.SKUS ?? 1000);
const CHANGED = Number(process.env.CHANGED ?? Math.round(SKUS / 10));
const NOTICES = Number(process.env.NOTICES ?? 60);
const PACE = Number(process.env.PACE ?? 2);
const DEBOUNCE_MS = Number(process.env.DEBOUNCE_MS ?? 2000);
const TOKEN = 'bench-stock-notice-token-0123456789';
const RELBASE_PER_SECOND = 7;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main() {
  const env = await startEnvironmentFromProcess(false);
  const stack = await startStack({ environment: env, skipInstall: true, inProcessWorkers: false, stockNoticesToken: TOKEN, settings: { stockDebounceMs: DEBOUNCE_MS } });
  const worker = startWorkerProcess({ ...stack.processEnv, LOG_LEVEL: 'warn' });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, dataConverter: testDataConverter });
  try {
    // SKUS simple products, linked, with the shop already showing relBase's value.
    const warehouseId = stack.rb.simulator.warehouses()[0]!.id;
    const rbProducts = stack.rb.simulator.seedProducts(Array.from({ length: SKUS }, (_, i) => ({ name: `Stock ${i}`, code: `ST-${String(i).padStart(5, '0')}`, price: 1000 })));
    const rows = rbProducts.map((rb, i) => {
      const js = stack.js.sim.createProduct({ name: `Stock ${i}`, price: 1000, sku: rb.code, stock: 20, images: 0 });
      stack.rb.simulator.setStock({ productId: rb.id, warehouseId, set: 20 });
      return { rb, js };
    });
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await stack.db
        .insertInto('product_links')
        .values(chunk.map(({ rb, js }) => ({ store_code: stack.storeCode, sku: rb.code, js_product_id: String(js.id), js_variant_id: null, relbase_product_id: String(rb.id) })))
        .execute();
      await stack.db
        .insertInto('stock_pushes')
        .values(chunk.map(({ rb }) => ({ store_code: stack.storeCode, sku: rb.code, quantity: 20 })))
        .execute();
    }
    const changed = rows.filter((_, i) => i % Math.max(1, Math.floor(SKUS / CHANGED)) === 0).slice(0, CHANGED);
    changed.forEach(({ rb }, i) => stack.rb.simulator.setStock({ productId: rb.id, warehouseId, set: i % 3 === 0 ? -1 : 30 + (i % 7) + 0.5 }));

    // 1. Reconcile.
    const stockReads = () =>
      Object.entries(stack.rb.simulator.requests().byRoute)
        .filter(([r]) => r.includes('stock_por_bodegas'))
        .reduce((n, [, c]) => n + c, 0);
    const readsBefore = stockReads();
    const rbBefore = stack.rb.simulator.requests();
    const jsWritesBefore = stack.js.sim.requestStats().writes;
    const started = performance.now();
    const report = (await client.workflow.execute(STOCK_RECONCILE_WORKFLOW_TYPE, {
      workflowId: stockReconcileWorkflowId(stack.storeCode),
      taskQueue: stack.mainTaskQueue,
      args: [{ storeCode: stack.storeCode }],
    })) as StockReconcileProgress;
    const seconds = (performance.now() - started) / 1000;
    const reads = stockReads() - readsBefore;
    // The pushes the reconcile handed over finish after it: wait for the shop.
    const deadline = Date.now() + 600_000;
    while (stack.js.sim.requestStats().writes - jsWritesBefore < report.changed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 2000));
    const jsWrites = stack.js.sim.requestStats().writes - jsWritesBefore;
    const rbAfter = stack.rb.simulator.requests();

    // 2. Latency of notices.
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < NOTICES; i++) {
      const { rb, js } = rows[(i * 7919) % rows.length]!;
      const target = 100 + i;
      stack.rb.simulator.setStock({ productId: rb.id, warehouseId, set: target });
      const sent = performance.now();
      const res = await fetch(`${stack.apiUrl}/stock/notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ store: stack.storeCode, skus: [rb.code] }),
      });
      if (res.status !== 202) throw new Error(`notice answered ${res.status}`);
      pending.push(
        (async () => {
          while (stack.js.sim.state.products.get(js.id)!.stock !== target) await new Promise((r) => setTimeout(r, 10));
          latencies.push(performance.now() - sent);
        })(),
      );
      await new Promise((r) => setTimeout(r, 1000 / PACE));
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);

    const lines = [
      '',
      `bench:stock  (${SKUS} linked SKUs, ${CHANGED} changed in relBase; ${NOTICES} notices at ${PACE}/s; debounce ${DEBOUNCE_MS} ms)`,
      `  reconcile: ${seconds.toFixed(1)} s; relBase stock reads ${reads} for ${SKUS} SKUs (${(reads / SKUS).toFixed(2)} per SKU); checked ${report.checked}, drift ${report.changed}, failed ${report.failed}`,
      `  relBase rate used: ${(reads / seconds).toFixed(2)}/s of ${RELBASE_PER_SECOND}/s allowed = ${((100 * reads) / seconds / RELBASE_PER_SECOND).toFixed(1)}%`,
      `  Jumpseller updates: ${jsWrites} (changed SKUs: ${CHANGED})`,
      `  throttling answers: relBase ${rbAfter.throttled - rbBefore.throttled}, Jumpseller ${stack.js.sim.requestStats().throttled}; relBase peak ${rbAfter.peakPerSecond}/s`,
      `  notice → shop updated: p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms (goal p99 < ${DEBOUNCE_MS + 2000} ms)`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await worker.stop();
    await connection.close();
    await stack.stop();
    await env.stop();
  }
}

runBench(main);
