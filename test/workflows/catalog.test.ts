/**
 * Catalog sync across continue-as-new: with a low hand-over limit a small catalog takes several runs;
 * the stored report reads "running" at every hand-over (never failed, never finished early), each
 * run's input is cursors and counters only, and the last run's counts cover the whole catalog.
 * Activities are fakes of a five-product catalog whose SKUs relBase already holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPageState, CatalogReportState } from '../../src/activities/catalog-records.js';
import { catalogWorkflowId, type CatalogReport, type CatalogSyncInput } from '../../src/workflows/catalog/contracts.js';
import type { catalogSyncWorkflow } from '../../src/workflows/catalog/workflow.js';
import type { SyncItem } from '../../src/workflows/product/contracts.js';
import { CATALOG_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { Calls, newStore, openEnv, runIdsOf, withWorkers, type WorkflowTestEnv } from './support/harness.js';

const PRODUCTS = 5;

let env: WorkflowTestEnv;
beforeAll(async () => {
  env = await openEnv();
});
afterAll(async () => {
  await env?.close();
});

function item(n: number): SyncItem & { sku: string } {
  return {
    key: String(n),
    sku: `C-${n}`,
    label: `Product ${n}`,
    name: `Product ${n}`,
    price: 1000 * n,
    jsProductId: String(n),
    jsVariantId: null,
    imageUrl: null,
    fingerprint: `fp-${n}`,
  };
}

function catalogFakes() {
  const calls = new Calls();
  const activities = calls.record({
    startCatalogReport: () => 'report-1',
    countCatalogProducts: () => PRODUCTS,
    // One product a page (pageSize 1): a page with fewer products than the page size is the last.
    scanCatalogPageInto: (input: { page: number }) => ({ products: input.page <= PRODUCTS ? 1 : 0, skus: input.page <= PRODUCTS ? 1 : 0 }),
    closeCatalogScan: () => ({ skus: PRODUCTS, duplicated: 0 }),
    indexRelbasePage: () => ({ nextPage: null, products: PRODUCTS, indexed: PRODUCTS }),
    readCatalogPage: (input: { page: number }) => (input.page <= PRODUCTS ? { products: 1, items: [item(input.page)] } : { products: 0, items: [] }),
    loadCatalogPage: (input: { skus: string[] }): CatalogPageState => ({
      links: {},
      lookups: Object.fromEntries(input.skus.map((sku) => [sku, { kind: 'found', entry: { id: 500 + Number(sku.slice(2)), fingerprint: `fp-${sku.slice(2)}`, hasImage: true } }])),
      duplicated: [],
    }),
    claimCreateIntents: () => [],
    finishSkuSync: () => undefined,
    recordCatalogProblems: () => undefined,
    wakePendingOrdersPage: () => ({ signalled: 0, next: null }),
    saveCatalogProgress: (input: CatalogReportState): CatalogReport | null =>
      input.status === 'running'
        ? null
        : {
            storeCode: input.storeCode,
            status: input.status,
            startedAt: input.startedAt,
            finishedAt: 'now',
            totalProducts: input.totalProducts,
            counts: input.counts,
            problems: [],
            problemsOmitted: 0,
            imageFailures: [],
          },
  });
  return { calls, activities };
}

describe('catalog sync', () => {
  it('hands over to new runs with cursors and counters only, the report reading "running" at every hand-over, and completes with the whole count', async () => {
    const store = newStore();
    const f = catalogFakes();
    const workflowId = catalogWorkflowId(store.storeCode);
    const input: CatalogSyncInput = { storeCode: store.storeCode, pageSize: 1, concurrency: 2, handOverAfterEvents: 25 };
    const report = await withWorkers(env, store, f.activities, () =>
      env.client.workflow.execute<typeof catalogSyncWorkflow>(CATALOG_WORKFLOW_TYPE, { workflowId, taskQueue: store.taskQueue, args: [input] }),
    );

    const runs = await runIdsOf(env.client, workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const statuses = f.calls.inputs<CatalogReportState>('saveCatalogProgress').map((s) => s.status);
    // Every save before the last says "running"; a hand-over saves "running" too (never "failed").
    expect(statuses.at(-1)).toBe('completed');
    expect(statuses.slice(0, -1).every((s) => s === 'running')).toBe(true);
    expect(statuses.filter((s) => s === 'running').length).toBeGreaterThanOrEqual(runs.length - 1);
    // One report for the whole sync, started once.
    expect(f.calls.count('startCatalogReport')).toBe(1);
    expect(new Set(f.calls.inputs<CatalogReportState>('saveCatalogProgress').map((s) => s.reportId))).toEqual(new Set(['report-1']));

    expect(report.status).toBe('completed');
    expect(report.counts).toMatchObject({ productsSeen: PRODUCTS, skusSeen: PRODUCTS, linked: PRODUCTS, created: 0, failed: 0 });
    // Each page scanned, indexed and synced exactly once across all the runs.
    expect(f.calls.inputs<{ page: number }>('scanCatalogPageInto').map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.calls.count('indexRelbasePage')).toBe(1);
    expect(f.calls.inputs<{ skus: string[] }>('loadCatalogPage').flatMap((p) => p.skus)).toEqual(['C-1', 'C-2', 'C-3', 'C-4', 'C-5']);

    // What each run handed the next: the input as given plus cursors and counters.
    for (const runId of runs.slice(1)) {
      const started = (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      const size = (started?.input?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0);
      expect(size).toBeLessThan(2_048);
    }
  });
});
