/**
 * The workflow bundle as a file, built once per test run by a project's global setup and read by
 * every test file of the run: webpack takes seconds, and a build per file added up to most of a
 * minute of the suite. Node's fs alone, so that global setups (outside the test runtime) can use it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/temporal/bundle-workflows.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the global setup wrote the run's workflow bundle. */
    workflowBundlePath: string;
  }
}

/** Builds the bundle into a temporary file; returns its path and the clean-up for the setup's teardown. */
export async function writeWorkflowBundle(): Promise<{ path: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
  const path = join(dir, 'workflows.js');
  writeFileSync(path, (await bundleWorkflows()).code);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bundle a global setup wrote. */
export function readWorkflowBundle(path: string): WorkflowBundle {
  return { code: readFileSync(path, 'utf8') };
}
