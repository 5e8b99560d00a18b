/**
 * `npm run bench:catalog`: a catalog sync at the APIs' real published limits (Jumpseller 20/s and
 * 800/min, relBase 7/s, both simulators enforcing them), on the real stack: Temporal dev server,
 * PostgreSQL, the API, and the worker as its own process (`src/worker.ts`, as in production) so
 * its peak RSS is the worker's alone.
 *
 * The catalog has the shape of the correctness test (half simple products, half with 4 variants;
 * 30% of the SKUs already in relBase, half of those with an image, one in 15 with another name or
 * price). The full 2,000 products / 5,000 SKUs need about 7,900 relBase calls, 19 minutes at 7/s,
 * so by default it runs 40% of it (PRODUCTS=800, 2,000 SKUs); PRODUCTS=2000 runs the whole one.
 *
 * Printed: the sync's time against the floor the limits set (the API calls it needs ÷ the rate
 * each API allows, the slower API deciding), as a ratio (goal ≤ 1.15); throttling answers both
 * simulators gave (goal 0); the worker's peak RSS (goal < 400 MB).
 *
 * Env: PRODUCTS (800), TEST_DATABASE_URL.
 */
import { readFileSync } from 'node:fs';
import { startCatalogSync } from '../test/support/catalog-start.js';
import { startEnvironmentFromProcess } from '../test/support/environment.js';
import { startWorkerProcess } from '../test/support/processes.js';
import { startStack } from '../test/support/stack.js';

const PRODUCTS = Number(process.env.PRODUCTS ?? 800);
const RELBASE_PER_SECOND = 7;
const JUMPSELLER_PER_SECOND = 800 / 60; // the minute budget binds before the 20/s one
const RELBASE_PAGE = 25; // the simulator's default page size of /productos
const JUMPSELLER_PAGE = 100;

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function main() {
  const env = await startEnvironmentFromProcess(false);
  // Real limits everywhere: the simulators' defaults, the clients' and queues' defaults.
  const stack = await startStack({ environment: env, skipInstall: true, inProcessWorkers: false });
  const worker = startWorkerProcess({ ...stack.processEnv, LOG_LEVEL: 'info' });
  try {
    // The catalog.
    const seeds: { name: string; code: string; price: number }[] = [];
    const imageless = new Set<string>();
    let skus = 0;
    for (let n = 1; n <= PRODUCTS; n++) {
      const price = 1000 + n * 10;
      const simple = n % 2 === 1;
      const product = stack.js.sim.createProduct({
        name: `Producto ${n}`,
        price,
        sku: simple ? `B-${n}` : null,
        images: 1,
        variants: simple ? [] : ['S', 'M', 'L', 'XL'].map((size) => ({ sku: `B-${n}-${size}`, options: [{ name: 'Talla', value: size }] })),
      });
      const items = simple ? [{ sku: `B-${n}`, name: `Producto ${n}` }] : product.variants.map((v) => ({ sku: v.sku!, name: `Producto ${n} (${v.options[0]!.value})` }));
      for (const item of items) {
        skus++;
        if (skus % 10 < 3) {
          const changed = seeds.length % 15 === 0;
          seeds.push({ name: changed ? `${item.name} viejo` : item.name, code: item.sku, price: changed ? price + 1 : price });
          if (seeds.length % 2 === 0) imageless.add(item.sku);
        }
      }
    }
    for (const p of stack.rb.simulator.seedProducts(seeds)) {
      if (!imageless.has(p.code)) stack.rb.simulator.state.products.get(p.id)!.url_image = `https://relbase.example/${p.code}.png`;
    }
    const changed = seeds.filter((s) => s.name.endsWith(' viejo')).length;
    const created = skus - seeds.length;
    const imagesNeeded = created + imageless.size;

    // The calls a sync cannot do without.
    const jsPages = Math.floor(PRODUCTS / JUMPSELLER_PAGE) + 1; // until a page comes back short
    const jumpsellerCalls = 1 + 2 * jsPages; // count, scan, sync
    const relbaseCalls = Math.ceil(seeds.length / RELBASE_PAGE) + created + changed + imagesNeeded;
    const floorSeconds = Math.max(relbaseCalls / RELBASE_PER_SECOND, jumpsellerCalls / JUMPSELLER_PER_SECOND);

    // The worker bundles its workflows first; time the sync, not the start-up.
    const readyBy = Date.now() + 120_000;
    while (!worker.output().includes('worker running')) {
      if (Date.now() > readyBy) throw new Error(`the worker did not start:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    stack.js.sim.resetRequestStats();
    const rbBefore = stack.rb.simulator.requests();

    console.log(`catalog sync at the real limits: ${PRODUCTS} products, ${skus} SKUs, ${seeds.length} already in relBase (${changed} changed, ${imageless.size} without image)`);
    const started = performance.now();
    const handle = await startCatalogSync(stack.temporal, stack.storeCode, { taskQueue: stack.mainTaskQueue });
    const report = await handle.result();
    const seconds = (performance.now() - started) / 1000;

    const rb = stack.rb.simulator.requests();
    const js = stack.js.sim.requestStats();
    const rss = peakRssMb(worker.child.pid!);
    const k = report.counts;
    const ok = k.created === created && k.linked === seeds.length && k.updated === changed && k.imagesUploaded === imagesNeeded && k.failed === 0;
    console.log(`report: ${JSON.stringify(k)}`);
    console.log(`report matches the catalog's ground truth: ${ok ? 'yes' : 'NO'}`);
    console.log(`API calls needed: relBase ${relbaseCalls} (made ${rb.total - rbBefore.total}), Jumpseller ${jumpsellerCalls} (made ${js.total})`);
    console.log(`floor: ${floorSeconds.toFixed(1)} s (relBase ${relbaseCalls} ÷ ${RELBASE_PER_SECOND}/s; Jumpseller ${jumpsellerCalls} ÷ ${JUMPSELLER_PER_SECOND.toFixed(2)}/s)`);
    console.log(`time: ${seconds.toFixed(1)} s; ratio to floor: ${(seconds / floorSeconds).toFixed(3)} (goal ≤ 1.15)`);
    console.log(`throttling answers: relBase ${rb.throttled - rbBefore.throttled}, Jumpseller ${js.throttled} (goal 0)`);
    console.log(`worker peak RSS: ${rss.toFixed(0)} MB (goal < 400 MB)`);
    if (!ok) process.exitCode = 1;
  } finally {
    await worker.stop();
    await stack.stop();
    await env.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
