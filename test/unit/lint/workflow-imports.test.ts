/**
 * The lint rule that keeps workflow code deterministic: it must refuse Node built-ins, I/O clients and
 * activity implementations in src/workflows, and allow type-only imports of activities.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../../', import.meta.url).pathname });
// An existing workflow file's path, so the workflow rules and the type-aware parser apply to the text.
const filePath = 'src/workflows/order/workflow.ts';

async function restrictedImportMessages(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('workflow import restriction', () => {
  // The first lint loads the whole TypeScript project for the type-aware rules: tens of seconds on a
  // busy 2-core machine. Paid once here, so each case below only lints its few lines.
  beforeAll(async () => {
    await eslint.lintText('export {};', { filePath });
  }, 180_000);

  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'Node built-ins'],
    ["import pg from 'pg';\nexport const x = pg;", 'must not do I/O'],
    ["import { Kysely } from 'kysely';\nexport const x = Kysely;", 'must not do I/O'],
    ["import { Client } from '@temporalio/client';\nexport const x = Client;", 'must not do I/O'],
    ["import { createOrderActivities } from '../../activities/order-activities.js';\nexport const x = createOrderActivities;", 'never implementations'],
  ])('refuses %s', async (code, expected) => {
    const messages = await restrictedImportMessages(code);
    expect(messages.join('\n')).toContain(expected);
  });

  it('allows type-only imports of activities and the workflow SDK', async () => {
    const code =
      "import type { OrderActivities } from '../../activities/order-activities.js';\nimport { proxyActivities } from '@temporalio/workflow';\nexport const x = proxyActivities<OrderActivities>({ startToCloseTimeout: '1m' });";
    expect(await restrictedImportMessages(code)).toEqual([]);
  });

  // Per-queue activity types hold only if every proxy comes from activity-proxies.ts.
  const proxyMessages = async (code: string, path: string) => {
    const [result] = await eslint.lintText(code, { filePath: path });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const rawProxy = "import { proxyActivities } from '@temporalio/workflow';\nexport const x = proxyActivities({ startToCloseTimeout: '1m' });";

  it('refuses proxyActivities in a workflow, pointing to the per-queue proxies', async () => {
    expect((await proxyMessages(rawProxy, filePath)).join('\n')).toContain('activity-proxies.ts');
  });

  it('allows proxyActivities in activity-proxies.ts itself', async () => {
    expect(await proxyMessages(rawProxy, 'src/workflows/activity-proxies.ts')).toEqual([]);
  });
});
