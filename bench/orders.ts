/**
 * `npm run bench:orders`: webhook ingress and paid-webhook-to-document latency, on the real stack
 * (Temporal dev server, PostgreSQL, both simulators at their published rate limits).
 *
 * 1. Ingress: ORDERS paid orders; their `order_paid` webhooks are POSTed signed to the API with
 *    CONCURRENCY in flight. Reported: accepted per second. In the same run, the raw rate of
 *    `signalWithStart` from this process to the same server (workflows nobody runs), the ceiling the
 *    ingress sits on.
 * 2. Latency of that burst: from each webhook's acceptance to its document appearing in relBase.
 *    relBase allows about 7 requests/s per account and a fault-free order needs one (the create: the
 *    lookup is skipped while the database proves no create was sent), so a 1,000-order burst is
 *    queue-bound: its p99 is the drain time. Reported with documents/s against relBase's ceiling.
 * 3. Latency at a sustainable pace: PACED orders at PACE per second (under relBase's budget).
 * 4. relBase calls per document over the whole run (the goal: at most 1.05 with no faults).
 *
 * Env: ORDERS (1000), CONCURRENCY (32), PACED (120), PACE (2), TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startEnvironmentFromProcess } from '../test/support/environment.js';
import { testDataConverter } from '../test/support/encryption.js';
import { startStack, type TestStack } from '../test/support/stack.js';
import { deliver, inParallel, orderBody } from '../test/support/webhooks.js';
import { RELBASE_RATE_LIMITS } from '../src/relbase/client.js';
import { runBench } from './run.js';

const ORDERS = Number(process.env.ORDERS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const PACED = Number(process.env.PACED ?? 120);
const PACE = Number(process.env.PACE ?? 2);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: Math.round(percentile(s, 50)), p99: Math.round(percentile(s, 99)), max: Math.round(s[s.length - 1] ?? NaN) };
}

/** Watches relBase's documents and records when each label first appears. */
function watchDocuments(stack: TestStack) {
  const seen = new Map<string, number>();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const d of stack.rb.simulator.documents()) if (d.label_value && !seen.has(d.label_value)) seen.set(d.label_value, now);
  }, 10);
  return { seen, stop: () => clearInterval(timer) };
}

async function waitForDocuments(seen: Map<string, number>, labels: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (labels.some((l) => !seen.has(l))) {
    if (Date.now() > deadline) throw new Error(`only ${labels.filter((l) => seen.has(l)).length}/${labels.length} documents after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rawSignalWithStartRate(address: string, n: number): Promise<number> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: testDataConverter });
  const queue = `bench-unpolled-${randomUUID()}`;
  const ids = Array.from({ length: n }, (_, i) => `bench-raw-${queue}-${i}`);
  const started = performance.now();
  await inParallel(ids, CONCURRENCY, async (workflowId) => {
    await client.workflow.signalWithStart('benchNobodyRunsThis', { workflowId, taskQueue: queue, args: [], signal: 'ping', signalArgs: [] });
  });
  const seconds = (performance.now() - started) / 1000;
  await inParallel(ids, CONCURRENCY, async (id) => {
    await client.workflow
      .getHandle(id)
      .terminate('bench cleanup')
      .catch(() => undefined);
  });
  await connection.close();
  return n / seconds;
}

async function main() {
  const env = await startEnvironmentFromProcess(false);
  const stack = await startStack({ environment: env, skipInstall: true });
  const watcher = watchDocuments(stack);
  try {
    const product = stack.js.sim.createProduct({ name: 'Bench', price: 9990, sku: 'BENCH-1', stock: 1_000_000 });
    const [rb] = stack.rb.simulator.seedProducts([{ name: 'Bench', code: 'BENCH-1', price: 9990, stock: 1_000_000 }]);
    await stack.link('BENCH-1', rb!.id, product.id);

    const placeAndPay = () => {
      const o = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
      stack.js.sim.payOrder(o.id);
      return { id: o.id, body: orderBody(stack, o.id) };
    };

    // 1 + 2: the burst.
    const burst = Array.from({ length: ORDERS }, placeAndPay);
    const acceptedAt = new Map<string, number>();
    const ingressStart = performance.now();
    await inParallel(burst, CONCURRENCY, async (o) => {
      const res = await deliver(stack, { event: 'order_paid', body: o.body });
      if (res.status !== 200) throw new Error(`webhook for ${o.id} answered ${res.status}`);
      acceptedAt.set(`JS-${o.id}`, performance.now());
    });
    const ingressSeconds = (performance.now() - ingressStart) / 1000;
    const rawRate = await rawSignalWithStartRate(env.temporalAddress, ORDERS);

    const burstLabels = burst.map((o) => `JS-${o.id}`);
    await waitForDocuments(watcher.seen, burstLabels, 30 * 60_000);
    const drainSeconds = (Math.max(...burstLabels.map((l) => watcher.seen.get(l)!)) - ingressStart) / 1000;
    const burstLatency = summary(burstLabels.map((l) => watcher.seen.get(l)! - acceptedAt.get(l)!));

    // 3: paced.
    const pacedLatencies: number[] = [];
    const pacedLabels: string[] = [];
    const pacedAccepted = new Map<string, number>();
    for (let i = 0; i < PACED; i++) {
      const o = placeAndPay();
      const res = await deliver(stack, { event: 'order_paid', body: o.body });
      if (res.status !== 200) throw new Error(`webhook for ${o.id} answered ${res.status}`);
      pacedAccepted.set(`JS-${o.id}`, performance.now());
      pacedLabels.push(`JS-${o.id}`);
      await new Promise((r) => setTimeout(r, 1000 / PACE));
    }
    await waitForDocuments(watcher.seen, pacedLabels, 10 * 60_000);
    for (const l of pacedLabels) pacedLatencies.push(watcher.seen.get(l)! - pacedAccepted.get(l)!);
    const paced = summary(pacedLatencies);

    const docs = stack.rb.simulator.documents();
    const rbStats = stack.rb.simulator.requests();
    const jsStats = stack.js.sim.requestStats();
    // The client's pacing is relBase's ceiling for one store: 7 per second, at least 150 ms apart.
    const relbaseCeiling = Math.min(...RELBASE_RATE_LIMITS.map((w) => (w.limit * 1000) / w.ms));
    const callsPerDocument = rbStats.total / docs.length;
    const burstRate = ORDERS / drainSeconds;
    const lines = [
      '',
      `bench:orders  (${ORDERS} orders, ${CONCURRENCY} webhooks in flight; ${PACED} more at ${PACE}/s)`,
      `  webhook ingress:             ${(ORDERS / ingressSeconds).toFixed(0)} accepted/s  (${ingressSeconds.toFixed(1)} s for ${ORDERS})`,
      `  raw signalWithStart, same machine: ${rawRate.toFixed(0)}/s`,
      `  burst: webhook → document    p50 ${burstLatency.p50} ms, p99 ${burstLatency.p99} ms (queue-bound; all ${ORDERS} documents in ${drainSeconds.toFixed(1)} s)`,
      `  documents/s for the store:   ${burstRate.toFixed(2)} in the burst, against relBase's ${relbaseCeiling.toFixed(2)} calls/s per account (${((100 * burstRate * callsPerDocument) / relbaseCeiling).toFixed(0)}% of it used)`,
      `  relBase calls per document:  ${callsPerDocument.toFixed(3)} (${rbStats.total} calls for ${docs.length} documents; ${JSON.stringify(rbStats.byRoute)})`,
      `  paced: webhook → document    p50 ${paced.p50} ms, p99 ${paced.p99} ms, max ${paced.max} ms`,
      `  documents: ${docs.length} for ${ORDERS + PACED} orders (distinct labels ${new Set(docs.map((d) => d.label_value)).size})`,
      `  relBase: ${rbStats.total} requests, ${rbStats.throttled} throttled, peak ${rbStats.peakPerSecond}/s; Jumpseller: ${jsStats.total} requests, ${jsStats.throttled} throttled, peak ${jsStats.peakPerSecond}/s`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    watcher.stop();
    await stack.stop();
    await env.stop();
  }
}

runBench(main);
