/**
 * Worker Versioning (Temporal's Worker Deployments): with TEMPORAL_WORKER_BUILD_ID set, every Worker
 * of the process joins the deployment `TEMPORAL_WORKER_DEPLOYMENT` as that build, and the server
 * sends tasks only to the deployment's *current* build. A roll is then one switch: start the new
 * build's workers, make it current, stop the old ones. Old workers get no task after the switch, so
 * a history written by new code is not replayed by old code (unless an operator rolls back).
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

/** What Temporal accepts as a build id (and this service as TEMPORAL_WORKER_BUILD_ID / --build-id). */
export const BUILD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
export const BUILD_ID_RULE = 'must be a build id: letters, digits and . _ + - (at most 128), e.g. a git commit or a release tag';

type Deployment = Omit<DeploymentTarget, 'buildId' | 'identity'>;
type Described = Awaited<ReturnType<WorkflowService['describeWorkerDeployment']>>;

/** The deployment's current build id; undefined when there is none (the first versioned deploy) or no deployment yet. */
export async function currentBuildId(t: Deployment): Promise<string | undefined> {
  return currentOf(await describeDeployment(t));
}

function currentOf(d: Described | undefined): string | undefined {
  return d?.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
}

async function describeDeployment(t: Deployment): Promise<Described | undefined> {
  try {
    return await t.workflowService.describeWorkerDeployment({ namespace: t.namespace, deploymentName: t.deploymentName });
  } catch (err) {
    if (grpcCode(err) === NOT_FOUND) return undefined; // created by the server when its first poller arrives
    throw err;
  }
}

const summaryOf = (d: Described | undefined, buildId: string) => (d?.workerDeploymentInfo?.versionSummaries ?? []).find((s) => s.deploymentVersion?.buildId === buildId);

/**
 * Whether this build was current (or ramping) once and something replaced it since: a newer build,
 * or an operator's rollback. A worker of such a build restarting must not take the deployment back.
 */
function replacedBefore(d: Described | undefined, buildId: string): boolean {
  const s = summaryOf(d, buildId);
  if (!s) return false;
  const status = Number(s.status ?? 0);
  return status === STATUS_DRAINING || status === STATUS_DRAINED || s.lastDeactivationTime != null;
}

export type Promotion = 'promoted' | 'already current' | 'replaced before';

/**
 * Makes `buildId` the deployment's current build, once the server has seen its pollers; a no-op when
 * it already is. Safe when several workers do it at once: the server's conflict token turns a lost
 * race into a read that finds the build current. Transient refusals (Temporal restarting, busy, a
 * lock held) are retried until `timeoutMs`; the error then names the last one.
 *
 * `onlyIfNew` (a worker promoting its own build at start): a build that was current before and was
 * replaced is left alone ('replaced before'), so an old worker restarting mid-roll, or after a
 * rollback, does not take the deployment back to its code.
 *
 * `ignoreMissingTaskQueues`: a store's API queues are polled by one worker process at a time (the
 * store's lease), so a new build may not poll them yet when it is promoted; they wait in Temporal
 * until the old build's worker lets the lease go and one of the new build takes it (a few seconds).
 */
export async function makeCurrent(t: DeploymentTarget, opts: { timeoutMs?: number; intervalMs?: number; onlyIfNew?: boolean } = {}): Promise<Promotion> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last = 'the server has not seen its workers poll';
  for (;;) {
    try {
      const d = await describeDeployment(t);
      if (currentOf(d) === t.buildId) return 'already current';
      if (opts.onlyIfNew && replacedBefore(d, t.buildId)) return 'replaced before';
      // The server refuses to make a build current before it has seen its pollers.
      if (d && summaryOf(d, t.buildId)) {
        await t.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: t.namespace,
          deploymentName: t.deploymentName,
          buildId: t.buildId,
          conflictToken: d.conflictToken,
          identity: t.identity,
          ignoreMissingTaskQueues: true,
        });
        return 'promoted';
      }
    } catch (err) {
      // FAILED_PRECONDITION: another worker changed the deployment between the read and the write.
      if (!TRANSIENT.has(grpcCode(err) ?? -1)) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`build ${t.buildId} of the worker deployment ${t.deploymentName} could not be made current: ${last}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}

// gRPC codes: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, UNAVAILABLE.
const TRANSIENT = new Set([4, 8, 9, 14]);
const NOT_FOUND = 5;
// temporal.api.enums.v1.WorkerDeploymentVersionStatus
const STATUS_DRAINING = 4;
const STATUS_DRAINED = 5;

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
