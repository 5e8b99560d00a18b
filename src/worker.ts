/**
 * The Temporal worker: composes real dependencies into activities and runs one Worker per task queue
 * (workflows and database activities; Jumpseller API activities; relBase API activities).
 *
 * `npm run worker` runs it alone against a configured Temporal and database; `npm start` runs it
 * in-process with the API.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, makeTelemetryFilterString, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { ConfigError, loadConfig, requireExternalServices, type Config } from './config.js';
import { createLogger, type Logger } from './observability/logger.js';
import { startServices } from './runtime/services.js';
import { onShutdownSignal } from './runtime/shutdown.js';
import { API_QUEUE_RATES, MAIN_TASK_QUEUE, jumpsellerQueue, relbaseQueue } from './workflows/task-queues.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (webpack); pass the result to every Worker. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  activityDeps: ActivityDeps;
  workflowBundle: WorkflowBundle;
  /** The stores whose API queues this worker serves. */
  storeCodes: string[];
  /** Overrides the main queue (tests run each file on its own). */
  mainTaskQueue?: string;
  /** Activities per second on each store's API queues; default API_QUEUE_RATES (the real limits). */
  apiQueueRates?: { jumpseller: number; relbase: number };
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function createWorkers(s: WorkerSetup): Promise<RunningWorkers> {
  const activities = createActivities(s.activityDeps);
  const common = { connection: s.connection, namespace: s.namespace, activities };
  const rates = s.apiQueueRates ?? API_QUEUE_RATES;
  const workers = await Promise.all([
    Worker.create({ ...common, taskQueue: s.mainTaskQueue ?? MAIN_TASK_QUEUE, workflowBundle: s.workflowBundle }),
    ...s.storeCodes.flatMap((code) => [
      Worker.create({ ...common, taskQueue: jumpsellerQueue(code), maxTaskQueueActivitiesPerSecond: rates.jumpseller }),
      Worker.create({ ...common, taskQueue: relbaseQueue(code), maxTaskQueueActivitiesPerSecond: rates.relbase }),
    ]),
  ]);
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    workers,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
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
      ...(config.temporal.metricsPort !== undefined
        ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.temporal.metricsPort}` } } }
        : {}),
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const external = requireExternalServices(config, 'npm run worker');
  installTemporalRuntime(config, logger);
  const services = await startServices({
    config,
    logger,
    databaseUrl: external.databaseUrl,
    embeddedDatabase: false,
    temporalAddress: external.temporalAddress,
    migrate: false,
  });
  const connection = await NativeConnection.connect({ address: external.temporalAddress });
  const storeCodes = await services.stores.codes();
  const running = await createWorkers({
    connection,
    storeCodes,
    namespace: config.temporal.namespace,
    workflowBundle: await bundleWorkflows(),
    activityDeps: { db: services.db, stores: services.stores, temporal: services.temporal, logger },
  });
  logger.info({ stores: storeCodes }, 'worker running');
  onShutdownSignal(logger, async () => {
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
