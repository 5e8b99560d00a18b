/**
 * Catalog sync on the whole stack: 2,000 Jumpseller products with 5,000 SKUs, 30% of them already in
 * relBase by code (some with an image, some with another name or price). The simulators and the
 * clients run at raised rate limits so the test takes a few minutes at most, not the 20 minutes the real limits
 * would take (`npm run bench:catalog` measures those).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogSync } from '../support/catalog-start.js';
import { listLinks } from '../../src/db/product-links-repository.js';
import { getLatestSyncReport } from '../../src/db/sync-reports-repository.js';
import { catalogProgressQuery, type CatalogReport } from '../../src/workflows/catalog/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const FAST = 2_000;

beforeAll(async () => {
  stack = await startStack({
    // No webhooks: the 2,000 product_created deliveries would start 2,000 product syncs beside the catalog sync.
    skipInstall: true,
    jumpseller: { rateLimit: { perSecond: FAST, perMinute: FAST * 60 } },
    relbase: { rateLimit: { limit: FAST }, pageSizes: { products: 100 } },
    apiRates: { jumpseller: FAST / 2, relbase: FAST / 2 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const start = (options = {}) => startCatalogSync(stack.temporal, stack.storeCode, { taskQueue: stack.mainTaskQueue, options: { concurrency: 32, ...options } });

interface Truth {
  validSkus: string[];
  seeded: number;
  seededWithoutImage: number;
  seededChanged: number;
}

/** 1,000 simple products and 1,000 with 4 variants; product 7 has no SKU, products 3 and 1,951 share one. */
function buildCatalog(): Truth {
  const validSkus: string[] = [];
  const seeds: { name: string; code: string; price: number }[] = [];
  let seededWithoutImage = 0;
  let seededChanged = 0;
  const imageless: string[] = [];
  for (let n = 1; n <= 2000; n++) {
    const price = 1000 + n * 10;
    const simple = n % 2 === 1;
    const sku = n === 7 ? null : n === 1951 ? 'C-3' : `C-${n}`;
    const product = stack.js.sim.createProduct({
      name: `Producto ${n}`,
      price,
      sku: simple ? sku : null,
      images: 1,
      variants: simple ? [] : ['S', 'M', 'L', 'XL'].map((size) => ({ sku: `C-${n}-${size}`, options: [{ name: 'Talla', value: size }] })),
    });
    const items = simple ? [{ sku, name: `Producto ${n}`, price }] : product.variants.map((v) => ({ sku: v.sku, name: `Producto ${n} (${v.options[0]!.value})`, price }));
    for (const item of items) {
      if (item.sku === null || item.sku === 'C-3') continue;
      validSkus.push(item.sku);
      // Every third valid SKU... until 30% of the 5,000 are in relBase already.
      if (seeds.length < 1500 && validSkus.length % 3 === 0) {
        const changed = seeds.length % 15 === 0;
        if (changed) seededChanged++;
        seeds.push({ name: changed ? `${item.name} viejo` : item.name, code: item.sku, price: changed ? item.price + 1 : item.price });
        if (seeds.length % 2 === 0) {
          seededWithoutImage++;
          imageless.push(item.sku);
        }
      }
    }
  }
  const seeded = stack.rb.simulator.seedProducts(seeds);
  const noImage = new Set(imageless);
  for (const p of seeded) if (!noImage.has(p.code)) stack.rb.simulator.state.products.get(p.id)!.url_image = `https://relbase.example/${p.code}.png`;
  return { validSkus, seeded: seeds.length, seededWithoutImage, seededChanged };
}

describe('catalog sync', () => {
  let truth: Truth;
  let first: CatalogReport;

  it('links the 30% relBase already has, creates the rest, uploads images only where relBase had none, and reports exact counts', { timeout: 600_000 }, async () => {
    truth = buildCatalog();
    expect(truth.validSkus.length).toBe(4997);
    expect(truth.seeded).toBe(1500);
    const rbBefore = stack.rb.simulator.products().length;

    const handle = await start();
    const again = await start();
    expect(again.firstExecutionRunId).toBe(handle.firstExecutionRunId); // one at a time: the running one
    const progress = await handle.query(catalogProgressQuery);
    expect(progress.storeCode).toBe(stack.storeCode);

    first = await handle.result();
    expect(first.status).toBe('completed');
    // It continued as new along the way, so no run's history holds the whole catalog.
    const lastRun = await stack.temporal.workflow.getHandle(handle.workflowId).describe();
    expect(lastRun.runId).not.toBe(handle.firstExecutionRunId);
    expect(lastRun.historyLength).toBeLessThan(20_000);

    const created = stack.rb.simulator.products().length - rbBefore; // rbBefore counts the seeded ones
    expect(created).toBe(4997 - 1500);
    expect(first.counts).toMatchObject({
      productsSeen: 2000,
      skusSeen: 5000,
      linked: truth.seeded,
      created,
      updated: truth.seededChanged,
      unchanged: 0,
      imagesUploaded: created + truth.seededWithoutImage,
      imageFailures: 0,
      failed: 0,
      missingSkus: 1,
      duplicatedSkus: 1,
      invalidSkus: 0,
    });

    // Exactly one relBase product per valid SKU, with its image, the shared and missing ones absent.
    const byCode = new Map<string, number>();
    for (const p of stack.rb.simulator.products()) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
    expect(truth.validSkus.filter((s) => byCode.get(s) !== 1)).toEqual([]);
    expect(byCode.has('C-3')).toBe(false);
    expect(stack.rb.simulator.products().filter((p) => truth.validSkus.includes(p.code) && p.url_image === null)).toEqual([]);
    expect(stack.rb.simulator.products().filter((p) => p.code === 'C-2-M')[0]).toMatchObject({ name: 'Producto 2 (M)' });

    // Problems by name.
    const dup = first.problems.find((p) => p.kind === 'duplicated');
    expect(dup).toMatchObject({ sku: 'C-3' });
    expect(dup!.items).toEqual([expect.stringContaining('"Producto 3" (product '), expect.stringContaining('"Producto 1951" (product ')]);
    const missing = first.problems.find((p) => p.kind === 'missing');
    expect(missing!.items).toEqual([expect.stringContaining('"Producto 7" (product ')]);

    const links = await listLinks(stack.db, stack.storeCode);
    expect(links.filter((l) => l.active)).toHaveLength(4997);
    const rbById = new Map(stack.rb.simulator.products().map((p) => [String(p.id), p]));
    expect(links.filter((l) => rbById.get(l.relbase_product_id)?.code !== l.sku)).toEqual([]);

    const stored = await getLatestSyncReport(stack.db, stack.storeCode, 'catalog');
    expect(stored?.status).toBe('completed');
    expect(stored?.finished_at).not.toBeNull();
    expect(stored?.report).toMatchObject({ counts: first.counts });
  });

  it('running it again changes nothing and makes no write calls', async () => {
    const rbWrites = stack.rb.simulator.requests().writes;
    stack.js.sim.resetRequestStats();
    const handle = await start();
    const report = await handle.result();
    expect(report.counts).toMatchObject({ linked: 0, created: 0, updated: 0, imagesUploaded: 0, failed: 0, unchanged: 4997, missingSkus: 1, duplicatedSkus: 1 });
    expect(stack.rb.simulator.requests().writes).toBe(rbWrites);
    expect(stack.js.sim.requestStats().writes).toBe(0);
  });

  it('can be cancelled: it stops after the SKUs in flight and stores a cancelled report', async () => {
    for (let n = 1; n <= 150; n++) stack.js.sim.createProduct({ name: `Nuevo ${n}`, price: 990, sku: `N-${n}`, images: 0 });
    stack.rb.simulator.setFaults({ latencyMs: 50 });
    try {
      const handle = await start({ concurrency: 2 });
      const deadline = Date.now() + 60_000;
      while ((await handle.query(catalogProgressQuery)).counts.created < 5) {
        if (Date.now() > deadline) throw new Error('the sync created nothing');
        await new Promise((r) => setTimeout(r, 100));
      }
      await handle.signal('cancel');
      const report = await handle.result();
      expect(report.status).toBe('cancelled');
      expect(report.counts.created).toBeGreaterThanOrEqual(5);
      expect(report.counts.created).toBeLessThan(150);
      expect(stack.rb.simulator.products().filter((p) => p.code.startsWith('N-'))).toHaveLength(report.counts.created);
      const stored = await getLatestSyncReport(stack.db, stack.storeCode, 'catalog');
      expect(stored).toMatchObject({ status: 'cancelled', workflow_id: handle.workflowId });
    } finally {
      stack.rb.simulator.setFaults({ latencyMs: 0 });
    }
  });
});
