/**
 * Starting the install workflow from outside it (the OAuth callback, the admin API, start-up in
 * single-store mode) and waiting a while for its report. One run per store at a time: a start while
 * one runs joins it; a finished run is followed by a new one (every step looks before it creates).
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { INSTALL_WORKFLOW_TYPE, installWorkflowId, relbaseConnectedSignal, type InstallInput, type InstallReport } from '../workflows/install/contracts.js';
import { webhookUrl } from './install-plan.js';

export interface InstallStart {
  temporal: Client;
  /** The queue the service's workflows run on. */
  taskQueue: string;
  storeCode: string;
  /** Where Jumpseller reaches this service (PUBLIC_URL). */
  publicUrl: string;
  /** Start the store's first catalog sync when none has run (default true; tests turn it off). */
  firstCatalogSync?: boolean;
}

export type InstallOutcome =
  | { state: 'done'; workflowId: string; report: InstallReport }
  | { state: 'running'; workflowId: string }
  | { state: 'failed'; workflowId: string; reason: string };

function inputOf(o: InstallStart): InstallInput {
  return { storeCode: o.storeCode, hookUrl: webhookUrl(o.publicUrl), firstCatalogSync: o.firstCatalogSync ?? true };
}

export async function startInstall(o: InstallStart) {
  return o.temporal.workflow.start(INSTALL_WORKFLOW_TYPE, {
    workflowId: installWorkflowId(o.storeCode),
    taskQueue: o.taskQueue,
    args: [inputOf(o)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/**
 * The store's relBase tokens were just set: a running install does its relBase steps with them (it
 * read the store before), or a new one starts. Answers the install's workflow id.
 */
export async function installWithRelbase(o: InstallStart): Promise<string> {
  const handle = await o.temporal.workflow.signalWithStart(INSTALL_WORKFLOW_TYPE, {
    workflowId: installWorkflowId(o.storeCode),
    taskQueue: o.taskQueue,
    args: [inputOf(o)],
    signal: relbaseConnectedSignal,
    signalArgs: [{ firstCatalogSync: o.firstCatalogSync ?? true }],
  });
  return handle.workflowId;
}

/**
 * Starts (or joins) the store's install and waits up to `waitMs` for its report. A start Temporal
 * refuses (unreachable) is a failed outcome that says so: the caller has saved the store already.
 */
export async function runInstall(o: InstallStart & { waitMs: number }): Promise<InstallOutcome> {
  const workflowId = installWorkflowId(o.storeCode);
  let handle;
  try {
    handle = await startInstall(o);
  } catch (err) {
    return { state: 'failed', workflowId, reason: `could not start the install steps: ${err instanceof Error ? err.message : String(err)}` };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), o.waitMs)));
  try {
    const result = await Promise.race([handle.result() as Promise<InstallReport>, timeout]);
    return result === 'timeout' ? { state: 'running', workflowId } : { state: 'done', workflowId, report: result };
  } catch (err) {
    if (err instanceof WorkflowFailedError) return { state: 'failed', workflowId, reason: innermostMessage(err) };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The message of the failure at the bottom of the chain (an activity's own error, not "Activity task failed"). */
function innermostMessage(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}
