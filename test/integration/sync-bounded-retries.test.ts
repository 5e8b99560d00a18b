/**
 * Product sync's workflow code against fake activities on the real Temporal server: a SKU whose
 * relBase lookups keep failing is retried a bounded number of times and then reported as failed,
 * while the product's other SKU syncs and the pass ends (it used to retry forever and stall the
 * product). The fakes ask Temporal to retry after 10 ms, so the bound is reached in seconds.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LinkRecord } from '../../src/activities/product-records.js';
import type { IntentClaim } from '../../src/db/create-intents-repository.js';
import { databaseProfile, jumpsellerApiProfile, relbaseApiProfile } from '../../src/workflows/activity-profiles.js';
import { productWorkflowId, type ProductSyncStatus, type RelbaseEntry, type SyncItem } from '../../src/workflows/product/contracts.js';
import { SYNC_API_RETRY } from '../../src/workflows/product/sync-profiles.js';
import { PRODUCT_SYNC_WORKFLOW_TYPE } from '../../src/workflows/workflow-types.js';
import { installQuietRuntime } from '../support/quiet-runtime.js';
import { workflowBundle } from '../support/stack.js';

let connection: Connection;
let native: NativeConnection;
let client: Client;

beforeAll(async () => {
  // Retries are the point here: keep the SDK's warnings about them out of the output.
  installQuietRuntime();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await native?.close();
  await connection?.close();
});

const item = (sku: string): SyncItem & { sku: string } => ({
  key: `product:${sku}`,
  sku,
  label: `"${sku}" (variant of product 1)`,
  name: sku,
  price: 1000,
  jsProductId: '1',
  jsVariantId: sku,
  imageUrl: null,
  fingerprint: `fp-${sku}`,
});

describe('bounded retries', () => {
  it('a SKU relBase keeps failing is reported failed after the bounded attempts; the other SKU syncs and the pass ends', async () => {
    const store = `t-${randomBytes(4).toString('hex')}`;
    const mainQueue = `main-${store}`;
    let badAttempts = 0;
    const recorded: LinkRecord[] = [];
    const entry: RelbaseEntry = { id: 501, fingerprint: 'fp-OK-1', hasImage: true };
    const activities = {
      readProductForSync: () => Promise.resolve({ found: true, name: 'Producto', items: [item('OK-1'), item('BAD-1')] }),
      loadProductLinks: () => Promise.resolve({ links: {}, sharedElsewhere: {} }),
      claimProductSkus: () => Promise.resolve({ sharedElsewhere: {}, deactivated: [] }),
      deactivateProductLinks: () => Promise.resolve([]),
      findRelbaseProductsPage: (input: { code: string }) => {
        if (input.code === 'OK-1') return Promise.resolve({ matches: [entry], nextPage: null });
        badAttempts++;
        throw ApplicationFailure.create({ message: 'relBase answered 503', type: 'relbase.server', nextRetryDelay: '10ms' });
      },
      claimCreateIntents: (input: { skus: string[] }) => Promise.resolve(input.skus.map((sku): IntentClaim => ({ sku, state: 'claimed', createsUnconfirmed: 0, linkedTo: null }))),
      finishSkuSync: (input: { links: LinkRecord[] }) => Promise.resolve(void recorded.push(...input.links)),
      wakePendingOrdersPage: () => Promise.resolve({ signalled: 0, next: null }),
    };
    const queues = [mainQueue, jumpsellerApiProfile(store).taskQueue!, relbaseApiProfile(store).taskQueue!];
    expect(databaseProfile.taskQueue).toBeUndefined(); // database activities run on the workflow's own queue
    const bundle = await workflowBundle();
    const workers = await Promise.all(
      queues.map((taskQueue) => Worker.create({ connection: native, namespace: 'default', taskQueue, activities, ...(taskQueue === mainQueue ? { workflowBundle: bundle } : {}) })),
    );
    const runs = workers.map((w) => w.run());
    try {
      const status = (await client.workflow.execute(PRODUCT_SYNC_WORKFLOW_TYPE, {
        workflowId: productWorkflowId(store, 1),
        taskQueue: mainQueue,
        args: [{ storeCode: store, productId: '1' }],
        workflowExecutionTimeout: '2 minutes',
      })) as ProductSyncStatus;

      expect(badAttempts).toBe(SYNC_API_RETRY.maximumAttempts);
      expect(status.state).toBe('failed');
      expect(status.skus).toEqual([{ sku: 'OK-1', relbaseProductId: 501, outcome: 'linked', image: 'present' }]);
      expect(status.problems).toEqual([{ kind: 'failed', sku: 'BAD-1', items: [item('BAD-1').label], reason: 'relBase answered 503' }]);
      expect(status.reason).toContain('BAD-1');
      expect(recorded.map((l) => [l.sku, l.relbaseProductId])).toEqual([['OK-1', 501]]);
    } finally {
      for (const w of workers) w.shutdown();
      await Promise.all(runs);
    }
  });
});
