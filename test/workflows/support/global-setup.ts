/**
 * Once per run of the `workflows` project: the workflow bundle, built once and shared by every file
 * through a temporary file, and one Temporal dev server that skips time (test/workflows/support/server.ts).
 * No PostgreSQL: every activity is a fake in the test itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflows } from '../../../src/temporal/bundle-workflows.js';
import { startTimeSkippingServer } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowsServerAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-tests-'));
  const [bundle, server] = await Promise.all([bundleWorkflows(), startTimeSkippingServer()]);
  const bundlePath = join(dir, 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('workflowsServerAddress', server.address);
  return async () => {
    await server.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}
