/**
 * The Temporal server the workflow tests run on (tools/workflow-test-server): a dev server of a
 * Temporal server recent enough (1.32) to skip time for a workflow that asks for it
 * (`TimeSkippingConfig`, behind the namespace setting `frontend.WorkflowTimeSkippingEnabled`). A run
 * with time skipping on jumps its clock to the next timer whenever it has nothing else in flight, so
 * a 90-day wait ends at once, and the workflow sees the jumped clock (`Date.now()`, timers) as it
 * would have after the real wait.
 *
 * `TestWorkflowEnvironment.createTimeSkipping()` cannot be used here: it downloads the Java test
 * server at run time, and this machine reaches no host but the package registries. The server is
 * built from the Go module proxy by scripts/setup-temporal-cli.mjs (npm install), and started by
 * `TestWorkflowEnvironment.createLocal` as an existing executable (it takes the CLI's flags).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/workflows/search-attributes.js';

export const WORKFLOW_TEST_SERVER_PATH = fileURLToPath(new URL('../../../.tools/bin/workflow-test-server', import.meta.url));

export function workflowTestServer(): string {
  const path = process.env.WORKFLOW_TEST_SERVER_PATH ?? WORKFLOW_TEST_SERVER_PATH;
  if (!existsSync(path)) {
    throw new Error(
      `no time-skipping Temporal server at ${path}: run \`node scripts/setup-temporal-cli.mjs\` (it builds tools/workflow-test-server with Go) or set WORKFLOW_TEST_SERVER_PATH`,
    );
  }
  return path;
}

export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: workflowTestServer() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'json', level: 'fatal' },
      extraArgs: [
        '--dynamic-config-value',
        'frontend.WorkflowTimeSkippingEnabled=true',
        '--dynamic-config-value',
        'frontend.enableUpdateWorkflowExecution=true',
        // A workflow's skips per session (the default is 200): the longest test skips a few hundred timers.
        '--dynamic-config-value',
        'frontend.WorkflowTimeSkippingMaxSkipPerSession=100000',
      ],
    },
  });
}
