/**
 * The lint rule that keeps workflow code deterministic: it must refuse Node built-ins, I/O clients and
 * activity implementations in src/workflows, and allow type-only imports of activities.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../../', import.meta.url).pathname });
// An existing workflow file's path, so the workflow rules and the type-aware parser apply to the text.
const filePath = 'src/workflows/order/workflow.ts';

async function restrictedImportMessages(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('workflow import restriction', () => {
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
});
