/**
 * Worker Versioning (Temporal's Worker Deployments): with TEMPORAL_WORKER_BUILD_ID set, every Worker
 * of the process joins the deployment `TEMPORAL_WORKER_DEPLOYMENT` as that build, and the server
 * sends tasks only to the deployment's *current* build. A roll is then one switch: start the new
 * build's workers, make it current, stop the old ones. Old workers get no task after the switch, so
 * a history written by new code is never replayed by old code.
 *
 * Every workflow is AUTO_UPGRADE: an order may wait 90 days for payment, far longer than anyone keeps
 * an old build running, so a waiting run moves to the new build at its next task. What keeps that
 * safe is what kept unversioned deploys safe: `patched()` around changed commands and the replay
 * tests of recorded histories in `npm test`. Measured evidence: docs/worker-versioning.md.
 */
import type { WorkflowService } from '@temporalio/client';
import type { WorkerDeploymentOptions } from '@temporalio/worker';

export interface WorkerVersioningSettings {
  /** The Worker Deployment's name: one per service (all its queues). */
  deploymentName: string;
  /** This build; unset: the workers run unversioned (every worker gets every task). */
  buildId: string | undefined;
  /** Make this build current once its workers poll (unless it is already). */
  promoteOnStart: boolean;
}

export const DEFAULT_DEPLOYMENT_NAME = 'jumpseller-relbase';

/** What each `Worker.create` gets, or nothing when the workers run unversioned. */
export function workerDeploymentOptions(v: WorkerVersioningSettings | undefined): { workerDeploymentOptions?: WorkerDeploymentOptions } {
  if (!v?.buildId) return {};
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: v.deploymentName, buildId: v.buildId },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

export interface DeploymentTarget {
  workflowService: WorkflowService;
  namespace: string;
  deploymentName: string;
  buildId: string;
  /** Who made the change, as the Web UI and `temporal worker deployment describe` show it. */
  identity: string;
}

/** The deployment's current build id; undefined when there is none (the first versioned deploy) or no deployment yet. */
export async function currentBuildId(t: Omit<DeploymentTarget, 'buildId' | 'identity'>): Promise<string | undefined> {
  const d = await describeDeployment(t);
  return d?.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
}

async function describeDeployment(t: Omit<DeploymentTarget, 'buildId' | 'identity'>) {
  try {
    return await t.workflowService.describeWorkerDeployment({ namespace: t.namespace, deploymentName: t.deploymentName });
  } catch (err) {
    if (grpcCode(err) === NOT_FOUND) return undefined; // created by the server when its first poller arrives
    throw err;
  }
}

/**
 * Makes `buildId` the deployment's current build, once the server has seen its pollers; a no-op when
 * it already is. Safe when several workers do it at once: the server's conflict token turns a lost
 * race into a retry that finds the build current.
 *
 * `ignoreMissingTaskQueues`: a store's API queues are polled by one worker process at a time (the
 * store's lease), so a new build may not poll them yet when it is promoted; its worker that takes the
 * lease serves them as soon as the old build's worker stops.
 */
export async function makeCurrent(t: DeploymentTarget, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<'promoted' | 'already current'> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const pause = () => new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  for (;;) {
    const d = await describeDeployment(t);
    if (d?.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId === t.buildId) return 'already current';
    // The server refuses to make a build current before it has seen its pollers.
    const known = (d?.workerDeploymentInfo?.versionSummaries ?? []).some((s) => s.deploymentVersion?.buildId === t.buildId);
    if (d && known) {
      try {
        await t.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: t.namespace,
          deploymentName: t.deploymentName,
          buildId: t.buildId,
          conflictToken: d.conflictToken,
          identity: t.identity,
          ignoreMissingTaskQueues: true,
        });
        return 'promoted';
      } catch (err) {
        // Another worker changed the deployment between the read and the write: read again.
        if (grpcCode(err) !== FAILED_PRECONDITION && grpcCode(err) !== ABORTED) throw err;
      }
    }
    if (Date.now() > deadline)
      throw new Error(`build ${t.buildId} of the worker deployment ${t.deploymentName} could not be made current: the server has not seen its workers poll`);
    await pause();
  }
}

const ABORTED = 10;
const FAILED_PRECONDITION = 9;
const NOT_FOUND = 5;

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
