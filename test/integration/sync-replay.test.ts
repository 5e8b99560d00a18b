/**
 * Deploying this code over runs that started before it: histories recorded from the previous
 * version (test/fixtures/histories, `temporal workflow show -o json`) of a product sync pass, a stock
 * push and a catalog sync replay against the current workflow bundle without a determinism error.
 * They take the old branches (`patched` markers product-sync-single-calls, stock-push-single-calls,
 * catalog-state-in-postgres) and the activities kept for them.
 *
 * The install workflow's first runs (recorded from install-workflow.test.ts and install-oauth.test.ts
 * with `historyJson`, payloads sealed with the test keys) replay too, so a later change to it (such
 * as its queues) must keep them or patch.
 */
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHistory } from '../support/histories.js';
import { testDataConverter } from '../support/encryption.js';
import { installQuietRuntime } from '../support/quiet-runtime.js';
import { workflowBundle } from '../support/stack.js';

const fixture = (name: string) => loadHistory(new URL(`../fixtures/histories/${name}.json`, import.meta.url));

beforeAll(() => {
  installQuietRuntime();
});

describe('runs started by the previous version replay', () => {
  for (const [name, workflowId] of [
    ['product-sync-before-single-calls', 'product'],
    ['stock-push-before-single-calls', 'stock'],
    ['catalog-sync-before-postgres-state', 'catalog'],
  ] as const) {
    it(name, async () => {
      const history = fixture(name);
      expect(history.events?.length).toBeGreaterThan(10);
      await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${workflowId}-replay`)).resolves.toBeUndefined();
    });
  }
});

describe('install runs recorded by their first version replay', () => {
  for (const name of ['install-lost-shipping-create', 'install-relbase-connected-while-running']) {
    it(name, async () => {
      const history = fixture(name);
      expect(history.events?.length).toBeGreaterThan(20);
      await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: testDataConverter }, history, `${name}-replay`)).resolves.toBeUndefined();
    });
  }
});
