/**
 * A catalog sync at scale on the whole stack: 10,000 Jumpseller products with 5 variants each
 * (50,000 SKUs), 49,600 of them already in relBase. The sync's state lives in PostgreSQL, so each
 * run hands the next only cursors and counters: every continue-as-new input in the history stays
 * under 64 KB, the stored report reads "running" across the hand-overs, and the final counts equal
 * the catalog's ground truth. The simulators and clients run at raised rates so it takes minutes.
 */
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLinks } from '../../src/db/product-links-repository.js';
import { getLatestSyncReport } from '../../src/db/sync-reports-repository.js';
import { catalogWorkflowId, type CatalogReport } from '../../src/workflows/catalog/contracts.js';
import { startCatalogSync } from '../support/catalog-start.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const FAST = 5_000;
const PRODUCTS = 10_000;
const VARIANTS = 5;
const INPUT_LIMIT_BYTES = 64 * 1024;

beforeAll(async () => {
  stack = await startStack({
    skipInstall: true,
    jumpseller: { rateLimit: { perSecond: FAST, perMinute: FAST * 60 } },
    relbase: { rateLimit: { limit: FAST }, pageSizes: { products: 500 } },
    apiRates: { jumpseller: FAST / 5, relbase: FAST / 5 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

interface Truth {
  validSkus: Set<string>;
  changed: number;
  created: number;
  conflict: string;
}

const skuOf = (n: number, v: number) => `S-${n}-${v}`;

/**
 * Product 77's third variant has no SKU; product 5,000's first variant reuses product 4,000's SKU
 * (both are kept out); relBase holds S-9000-1 twice (that SKU fails, named); products 9,921 to
 * 10,000 are new to relBase (400 SKUs created, each with an image); one seeded SKU in 100 has
 * another price in relBase (updated).
 */
function buildCatalog(): Truth {
  const validSkus = new Set<string>();
  const seeds: { name: string; code: string; price: number }[] = [];
  let changed = 0;
  let created = 0;
  const conflict = skuOf(9000, 1);
  for (let n = 1; n <= PRODUCTS; n++) {
    const isNew = n > PRODUCTS - 80;
    const price = 1000 + n;
    const variants = Array.from({ length: VARIANTS }, (_, i) => {
      const v = i + 1;
      const sku = n === 77 && v === 3 ? null : n === 5000 && v === 1 ? skuOf(4000, 1) : skuOf(n, v);
      return { sku, options: [{ name: 'Modelo', value: `M${v}` }] };
    });
    stack.js.sim.createProduct({ name: `Artículo ${n}`, price, images: isNew ? 1 : 0, variants });
    for (const [i, variant] of variants.entries()) {
      const sku = variant.sku;
      if (sku === null || sku === skuOf(4000, 1)) continue;
      validSkus.add(sku);
      if (isNew) {
        created++;
        continue;
      }
      const name = `Artículo ${n} (M${i + 1})`;
      const differs = sku !== conflict && seeds.length % 100 === 0;
      if (differs) changed++;
      seeds.push({ name, code: sku, price: differs ? price + 1 : price });
      if (sku === conflict) seeds.push({ name, code: sku, price });
    }
  }
  stack.rb.simulator.seedProducts(seeds);
  return { validSkus, changed, created, conflict };
}

/** Every run of the sync, first to last, walking back from the current one through the histories. */
async function continueAsNewInputSizes(workflowId: string): Promise<number[]> {
  const sizes: number[] = [];
  let runId: string | undefined = (await stack.temporal.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await stack.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    for (const e of events) {
      const payloads = e.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads;
      if (payloads) sizes.unshift(payloads.reduce((n, p) => n + (p.data?.length ?? 0) + Object.values(p.metadata ?? {}).reduce((m, v) => m + v.length, 0), 0));
    }
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return sizes;
}

describe('catalog sync of 50,000 SKUs', () => {
  it('hands over cursors and counters only, reads "running" between runs, and reports the ground truth', { timeout: 900_000 }, async () => {
    const truth = buildCatalog();
    expect(truth.validSkus.size).toBe(49_997);
    const rbBefore = stack.rb.simulator.products().length;

    const started = Date.now();
    const handle = await startCatalogSync(stack.temporal, stack.storeCode, { taskQueue: stack.mainTaskQueue, options: { concurrency: 32 } });
    // Watch the stored report while the sync runs: which run was current, and what the report said.
    const seen: { runId: string; status: string }[] = [];
    let finished = false;
    const watcher = (async () => {
      while (!finished) {
        const [d, report] = await Promise.all([stack.temporal.workflow.getHandle(handle.workflowId).describe(), getLatestSyncReport(stack.db, stack.storeCode, 'catalog')]);
        if (d.status.name === 'RUNNING' && report) seen.push({ runId: d.runId, status: report.status });
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    let report: CatalogReport;
    try {
      report = await handle.result();
    } finally {
      finished = true;
      await watcher;
    }
    const seconds = (Date.now() - started) / 1000;

    // Several runs, each handed at most a few hundred bytes.
    const sizes = await continueAsNewInputSizes(catalogWorkflowId(stack.storeCode));
    console.log(`50,000-SKU catalog sync: ${seconds.toFixed(0)} s, ${sizes.length + 1} runs, continue-as-new inputs ${Math.min(...sizes)}–${Math.max(...sizes)} bytes`);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThan(INPUT_LIMIT_BYTES);

    // The report read "running" in run after run, across the hand-overs, and nothing but "completed"
    // after it (the last run stores the final report just before it closes).
    const statuses = seen.map((s) => s.status);
    expect(statuses.filter((s) => s !== 'running' && s !== 'completed')).toEqual([]);
    expect(statuses.slice(Math.max(0, statuses.indexOf('completed'))).every((s) => s === 'completed' || statuses.indexOf('completed') < 0)).toBe(true);
    const runsReadingRunning = new Set(seen.filter((s) => s.status === 'running').map((s) => s.runId));
    expect(runsReadingRunning.size).toBeGreaterThanOrEqual(3);

    // The counts are the catalog's ground truth.
    expect(report.status).toBe('completed');
    expect(report.counts).toMatchObject({
      pages: PRODUCTS / 100 + 1,
      productsSeen: PRODUCTS,
      skusSeen: PRODUCTS * VARIANTS,
      created: truth.created,
      linked: truth.validSkus.size - truth.created - 1,
      updated: truth.changed,
      unchanged: 0,
      imagesUploaded: truth.created,
      imageFailures: 0,
      failed: 1,
      missingSkus: 1,
      duplicatedSkus: 1,
      invalidSkus: 0,
    });
    expect(report.problems.map((p) => [p.kind, p.sku]).sort()).toEqual([
      ['duplicated', skuOf(4000, 1)],
      ['failed', truth.conflict],
      ['missing', null],
    ]);
    const stored = await getLatestSyncReport(stack.db, stack.storeCode, 'catalog');
    expect(stored).toMatchObject({ status: 'completed' });
    expect(stored!.report).toMatchObject({ counts: report.counts });

    // One relBase product per valid SKU (the conflict's two stay two), each linked.
    expect(stack.rb.simulator.products().length - rbBefore).toBe(truth.created);
    const byCode = new Map<string, number>();
    for (const p of stack.rb.simulator.products()) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
    expect([...truth.validSkus].filter((s) => byCode.get(s) !== (s === truth.conflict ? 2 : 1))).toEqual([]);
    const links = await listLinks(stack.db, stack.storeCode);
    expect(links.filter((l) => l.active).length).toBe(truth.validSkus.size - 1);
  });
});
