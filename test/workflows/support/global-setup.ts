/**
 * Once per run of the `workflows` project: the workflow bundle, built once and shared by every file
 * through a temporary file, and one Temporal dev server that skips time (test/workflows/support/server.ts).
 * No PostgreSQL: every activity is a fake in the test itself.
 */
import type { TestProject } from 'vitest/node';
import { writeWorkflowBundle } from '../../support/bundle-file.js';
import { startTimeSkippingServer } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowsServerAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const [bundle, server] = await Promise.all([writeWorkflowBundle(), startTimeSkippingServer()]);
  project.provide('workflowBundlePath', bundle.path);
  project.provide('workflowsServerAddress', server.address);
  return async () => {
    await server.teardown();
    bundle.remove();
  };
}
