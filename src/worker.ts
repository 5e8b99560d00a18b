/**
 * The Temporal worker: composes real dependencies into activities and runs one Worker per task queue
 * (workflows and database activities; Jumpseller API activities; relBase API activities).
 *
 * `npm run worker` runs it alone against a configured Temporal and database; `npm start` runs it
 * in-process with the API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { activitiesByQueue } from './activities/queue-activities.js';
import { ConfigError, loadConfig, requireExternalServices, type Config } from './config.js';
import { createProcessLogger, type Logger } from './observability/logger.js';
import { createPgApiLease, type ApiLease } from './runtime/api-lease.js';
import { startServices } from './runtime/services.js';
import { ensureStockReconcileSchedules } from './stock/schedules.js';
import { ensureOrderReconcileSchedules } from './order-reconcile/schedules.js';
import { ensureDeliveryRetentionSchedule } from './retention/schedule.js';
import { webhookUrl } from './install/install-plan.js';
import { onShutdownSignal } from './runtime/shutdown.js';
import { WORKFLOWS_PATH } from './temporal/bundle-workflows.js';
import { temporalConnectionOptions } from './temporal/connection-options.js';
import { encryptedDataConverter } from './temporal/data-converter.js';
import { resolveEncryptionKeyring } from './temporal/encryption-keys.js';
import { makeCurrent, workerDeploymentOptions, type WorkerVersioningSettings } from './temporal/worker-deployment.js';
import { API_QUEUE_RATES, MAIN_TASK_QUEUE, jumpsellerQueue, relbaseQueue } from './workflows/task-queues.js';

const BUNDLE_CLI_PATH = fileURLToPath(new URL('./temporal/bundle-workflows-cli.ts', import.meta.url));

/**
 * Bundles the workflow code in a short-lived child process and returns the bundle's path. Webpack
 * needs a few hundred MB while it runs; doing it elsewhere keeps that out of the long-running worker's
 * memory (its resident size never shrinks back after a peak).
 */
export async function bundleWorkflowsInChild(): Promise<{ codePath: string }> {
  const codePath = join(mkdtempSync(join(tmpdir(), 'jr-workflows-')), 'workflow-bundle.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BUNDLE_CLI_PATH, WORKFLOWS_PATH, codePath], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling the workflow code failed (exit ${code})`))));
  });
  return { codePath };
}

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  /** The encrypting data converter (src/temporal/data-converter.ts); clients must use the same. */
  dataConverter: DataConverter;
  activityDeps: ActivityDeps;
  workflowBundle: WorkflowBundle | { codePath: string };
  /** The stores whose API queues this worker serves. */
  storeCodes: string[];
  /** Overrides the main queue (tests run each file on its own). */
  mainTaskQueue?: string;
  /** Activities per second on each store's API queues; default API_QUEUE_RATES (the real limits). */
  apiQueueRates?: { jumpseller: number; relbase: number };
  /**
   * Several worker processes (`npm run worker`): serve a store's API queues only while this process
   * holds the store's lease, so one process's client limiters pace that store's calls. Unset: always
   * serve them (one process: `npm start`, tests).
   */
  apiQueueLease?: ApiLease;
  /** Worker Versioning (TEMPORAL_WORKER_BUILD_ID); unset: unversioned workers. */
  versioning?: WorkerVersioningSettings;
}

/**
 * Activities one leased process runs at once on an API queue: enough to keep the API at its limit,
 * few enough that tasks wait in Temporal (durable, visible) rather than in this process's limiter
 * past their heartbeat timeout.
 */
const LEASED_API_QUEUE_CONCURRENCY = 8;

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves once `shutdown` has stopped every worker; rejects if a worker fails on its own. */
  done: Promise<void>;
  /** Starts serving a store's API queues (a store installed after start-up); a no-op when served. */
  addStore(code: string): Promise<boolean>;
  shutdown(): Promise<void>;
}

export async function createWorkers(s: WorkerSetup): Promise<RunningWorkers> {
  // Each queue's worker registers only its queue's activities (src/activities/queue-activities.ts).
  const activities = activitiesByQueue(createActivities(s.activityDeps));
  const common = { connection: s.connection, namespace: s.namespace, dataConverter: s.dataConverter, ...workerDeploymentOptions(s.versioning) };
  const rates = s.apiQueueRates ?? API_QUEUE_RATES;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  const served = new Set<string>();
  let failed: (err: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined); // observed through `done`

  const run = (w: Worker) => {
    workers.push(w);
    runs.push(w.run().catch((err: unknown) => failed(err)));
  };
  const startApiWorkers = async (code: string) => {
    const limits = s.apiQueueLease ? { maxConcurrentActivityTaskExecutions: LEASED_API_QUEUE_CONCURRENCY } : {};
    const pair = await Promise.all([
      Worker.create({ ...common, ...limits, activities: activities.jumpseller, taskQueue: jumpsellerQueue(code), maxTaskQueueActivitiesPerSecond: rates.jumpseller }),
      Worker.create({ ...common, ...limits, activities: activities.relbase, taskQueue: relbaseQueue(code), maxTaskQueueActivitiesPerSecond: rates.relbase }),
    ]);
    const before = runs.length;
    pair.forEach(run);
    const pairRuns = runs.slice(before);
    return async () => {
      for (const w of pair) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(pairRuns);
    };
  };
  const addStore = async (code: string) => {
    if (served.has(code)) return false;
    served.add(code);
    if (s.apiQueueLease) s.apiQueueLease.serve(`api-queues:${code}`, () => startApiWorkers(code));
    else await startApiWorkers(code);
    return true;
  };

  run(await Worker.create({ ...common, activities: activities.database, taskQueue: s.mainTaskQueue ?? MAIN_TASK_QUEUE, workflowBundle: s.workflowBundle }));
  for (const code of s.storeCodes) await addStore(code);

  let stopped: () => void = () => undefined;
  const allStopped = new Promise<void>((resolve) => (stopped = resolve));
  return {
    workers,
    done: Promise.race([failure, allStopped]),
    addStore,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(runs);
      stopped();
    },
  };
}

/**
 * Stores installed while the worker runs (the OAuth flow) get their API queues served without a
 * restart: the registry is re-read every `intervalMs` (one short query), so the install workflow the
 * OAuth callback starts finds its store served within seconds, while the callback still waits.
 */
export function serveNewStores(running: RunningWorkers, codes: () => Promise<string[]>, logger: Logger, intervalMs = 5_000): () => void {
  const timer = setInterval(() => {
    codes()
      .then(async (list) => {
        for (const code of list) if (await running.addStore(code)) logger.info({ store: code }, 'serving a newly installed store');
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not look for newly installed stores'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * With TEMPORAL_WORKER_PROMOTE (the default), a versioned worker makes its build the deployment's
 * current one once the server has seen it poll: deploying a build is then starting its workers. A
 * build that was current before and was replaced (an old worker restarting mid-roll, or after a
 * rollback) is left alone. Runs in the background until it is done: until then the worker gets no
 * task, and a failure (Temporal restarting, say) is logged and tried again rather than leaving every
 * order waiting for an operator. Returns what stops it (shutdown).
 */
export function promoteOwnBuild(connection: NativeConnection, namespace: string, versioning: WorkerVersioningSettings, logger: Logger, retryMs = 30_000): () => void {
  const { buildId, deploymentName } = versioning;
  if (!buildId) return () => undefined;
  const log = { deployment: deploymentName, buildId };
  if (!versioning.promoteOnStart) {
    logger.info(log, 'worker build waiting to be made current by an operator (TEMPORAL_WORKER_PROMOTE=false)');
    return () => undefined;
  }
  let stopped = false;
  let wake: () => void = () => undefined;
  void (async () => {
    while (!stopped) {
      try {
        const target = { workflowService: connection.workflowService, namespace, deploymentName, buildId, identity: `${process.pid}@worker-start` };
        const outcome = await makeCurrent(target, { onlyIfNew: true });
        if (outcome === 'replaced before')
          logger.warn(log, 'this build was current before and has been replaced: not made current again (`temporal worker deployment set-current-version` does it)');
        else logger.info({ ...log, outcome }, 'worker build is the current one: new tasks come to it');
        return;
      } catch (err) {
        logger.error({ ...log, err: err instanceof Error ? err.message : String(err) }, 'could not make this worker build current yet; trying again');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, retryMs).unref();
        });
      }
    }
  })();
  return () => {
    stopped = true;
    wake();
  };
}

/** Routes the SDK's own logs into ours and, when configured, serves its metrics for Prometheus. */
export function installTemporalRuntime(config: Config, logger: Logger): void {
  Runtime.install({
    logger: {
      log: (level, message, meta) => logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')]({ ...meta }, message),
      trace: (message, meta) => logger.trace({ ...meta }, message),
      debug: (message, meta) => logger.debug({ ...meta }, message),
      info: (message, meta) => logger.info({ ...meta }, message),
      warn: (message, meta) => logger.warn({ ...meta }, message),
      error: (message, meta) => logger.error({ ...meta }, message),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(config.temporal.metricsPort !== undefined ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.temporal.metricsPort}` } } } : {}),
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config.logLevel, config.logFormat);
  const external = requireExternalServices(config, 'npm run worker');
  const encryption = resolveEncryptionKeyring(config);
  const dataConverter = encryptedDataConverter(encryption.keyring);
  installTemporalRuntime(config, logger);
  // Served with the SDK's own metrics (TEMPORAL_METRICS_PORT): this process has no HTTP side of its own.
  const oauthConfigurationErrors = Runtime.instance().metricMeter.createCounter(
    'jumpseller_oauth_configuration_errors',
    'errors',
    "Jumpseller's OAuth server refused the app's own credentials; stores are left untouched",
  );
  const services = await startServices({
    config,
    logger,
    databaseUrl: external.databaseUrl,
    embeddedDatabase: false,
    temporalAddress: external.temporalAddress,
    dataConverter,
    migrate: false,
    role: 'worker',
    onOAuthConfigurationError: () => oauthConfigurationErrors.add(1),
  });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal.connection, external.temporalAddress));
  const storeCodes = await services.stores.codes();
  const apiQueueLease = createPgApiLease(external.databaseUrl, logger);
  const running = await createWorkers({
    connection,
    storeCodes,
    apiQueueLease,
    namespace: config.temporal.namespace,
    dataConverter,
    workflowBundle: await bundleWorkflowsInChild(),
    activityDeps: { db: services.activityDb, stores: services.stores, temporal: services.temporal, logger, imageSources: { allowedHosts: config.imageHosts } },
    versioning: config.temporal.versioning,
  });
  const stopPromoting = promoteOwnBuild(connection, config.temporal.namespace, config.temporal.versioning, logger);
  await ensureStockReconcileSchedules(services.temporal, MAIN_TASK_QUEUE, services.stores, logger);
  // A worker process does not serve the webhooks: without PUBLIC_URL it cannot know their address
  // (its own PORT need not be the API's), and a wrong guess would register hooks nobody answers.
  if (!config.publicUrlSet) logger.warn({}, "PUBLIC_URL is not set: the paid-order reconcile will not check the stores' webhooks");
  await ensureOrderReconcileSchedules(services.temporal, MAIN_TASK_QUEUE, config.publicUrlSet ? webhookUrl(config.publicUrl) : null, services.stores, logger);
  await ensureDeliveryRetentionSchedule(services.temporal, MAIN_TASK_QUEUE, config.webhookDeliveries).catch((err: unknown) =>
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not create the webhook delivery retention schedule'),
  );
  logger.info({ stores: storeCodes, payloadKeys: encryption.source }, 'worker running');
  const stopWatching = serveNewStores(running, () => services.stores.codes(), logger);
  onShutdownSignal(logger, async () => {
    stopPromoting();
    stopWatching();
    await apiQueueLease.close();
    await running.shutdown();
    await connection.close();
    await services.close();
  });
  await running.done;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error('worker failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
