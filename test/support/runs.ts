/**
 * Waiting on a workflow run by what the server says it has in flight, never by the wall clock: the
 * workflow tests and the integration tests share these.
 */
import type { WorkflowHandle } from '@temporalio/client';

/**
 * Waits until the workflow's current run has nothing in flight (no workflow task, no activity but the
 * `heldActivities` the test holds open): what it does next can only come from what the test sends it,
 * or from a timer. Polls the server's description, within a bound (a deadline, not an assertion:
 * generous for a loaded machine).
 */
export async function waitIdle(handle: WorkflowHandle, timeoutMs = 60_000, heldActivities = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === heldActivities) return;
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} still busy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Nudges a waiting run (a signal that makes it do one more pass) until it continues as new, and
 * returns the new run's id. Each nudge is sent only once the run has finished the pass the last one
 * caused: a run continues as new at the end of a pass that no nudge interrupted, so nudges sent on a
 * fixed beat could keep a slow run (a loaded machine) from ever doing so.
 */
export async function nudgeUntilContinuedAsNew(handle: WorkflowHandle, nudge: () => Promise<void>, timeoutMs = 120_000): Promise<string> {
  const current = handle.client.getHandle(handle.workflowId);
  const firstRun = (await current.describe()).runId;
  const deadline = Date.now() + timeoutMs;
  for (let nudges = 0; ; nudges++) {
    if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} did not continue as new after ${nudges} nudges in ${timeoutMs} ms`);
    await nudge();
    for (;;) {
      const { runId, raw } = await current.describe();
      if (runId !== firstRun) return runId;
      if (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0) break;
      if (Date.now() > deadline) throw new Error(`workflow ${handle.workflowId} still busy after ${timeoutMs} ms (${nudges + 1} nudges)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
