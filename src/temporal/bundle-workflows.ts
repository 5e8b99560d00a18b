/**
 * Bundling the workflow code with webpack, quietly (only errors are printed). One definition for the
 * tests, which bundle in-process, and for the short-lived child process the worker bundles in. The
 * bundle carries the failure converter that encodes failure messages, so a workflow's own failures
 * are encrypted like its payloads (src/temporal/data-converter.ts).
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export function bundleWorkflows(workflowsPath: string = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
}
