/**
 * Runs recorded before a change of the order workflow (test/fixtures/order-histories/, written by
 * scripts/record-order-histories.ts from the code of their day) replay with the code of today: runs
 * waiting in production carry on after a deploy, and the `state` query of finished runs still answers.
 * A change that would break them fails here with Temporal's DeterminismViolationError.
 *
 * `pre-steps-*`: recorded by the code before issuing became single-call steps (commit 548083f).
 * `steps-*`: recorded by the single-call issuing code (before credit notes and the fiscal wiring).
 * `credit-notes-*`: recorded by the code that credits cancellations after issuing (its issued runs
 * are still listening for a cancellation; one ended credited).
 * `fiscal-*`: recorded by the code that plans with `planDocument` (issue 15), payloads sealed with
 * the test keys (test/support/encryption.ts).
 * `sii-status-*`: recorded by the code that follows the issued document's SII status (its issued runs
 * wait for their first look, 300 s after issuing by default).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../../src/temporal/bundle-workflows.js';
import { testDataConverter } from '../../support/encryption.js';
import { historyFromCliJson } from '../../support/history-json.js';

const dir = new URL('../../fixtures/order-histories/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  workflowBundle = await bundleWorkflows();
}, 120_000);

describe('order runs recorded by earlier code replay', () => {
  it('has the recorded runs of each code: waiting for payment, pending, needs attention, issued, canceled', () => {
    const scenarios = ['awaiting-payment', 'canceled', 'issued-boleta-shipping', 'issued-factura-after-resolve', 'needs-attention', 'pending-products'];
    for (const prefix of ['pre-steps-', 'steps-']) expect(fixtures).toEqual(expect.arrayContaining(scenarios.map((s) => `${prefix}${s}.json`)));
    expect(fixtures).toEqual(expect.arrayContaining(['steps-issued-after-lost-answer.json', 'steps-needs-attention-after-retry-update.json']));
    expect(fixtures).toEqual(expect.arrayContaining([...scenarios.map((s) => `credit-notes-${s}.json`), 'credit-notes-credited-after-cancel.json']));
    expect(fixtures).toEqual(expect.arrayContaining([...scenarios.map((s) => `sii-status-${s}.json`), 'sii-status-credited-after-cancel.json']));
  });

  it.each(fixtures)(
    '%s',
    async (file) => {
      const history = historyFromCliJson(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
      // Runs recorded since payloads are encrypted carry them sealed with the test keys; older ones in clear.
      await Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter }, history, `replay-${file}`);
    },
    60_000,
  );
});
