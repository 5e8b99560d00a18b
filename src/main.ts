/**
 * `npm start`: the whole service in one process on embedded defaults. Without DATABASE_URL it runs
 * PGlite; without TEMPORAL_ADDRESS a Temporal dev server with its Web UI; without real store
 * credentials the Jumpseller and relBase simulators with a demo catalog. It prints where everything is.
 */
import { serve } from '@hono/node-server';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, describeConfig, loadConfig, useSandbox } from './config.js';
import { composeApi } from './api/compose.js';
import { createLogger } from './observability/logger.js';
import { closeServer } from './runtime/http-server.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { startServices } from './runtime/services.js';
import { onShutdownSignal } from './runtime/shutdown.js';
import { startSandbox } from './sandbox/demo.js';
import { installStore } from './install/install-store.js';
import { ensureStockReconcileSchedules } from './stock/schedules.js';
import { MAIN_TASK_QUEUE } from './workflows/task-queues.js';
import { bundleWorkflowsInChild, createWorkers, installTemporalRuntime, serveNewStores } from './worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info(describeConfig(config), 'starting');
  installTemporalRuntime(config, logger);

  const sandbox = useSandbox(config) ? await startSandbox(config, logger) : undefined;
  const infra = await startInfrastructure(config, logger, process.env.PATH);
  const services = await startServices({
    config,
    logger,
    databaseUrl: infra.databaseUrl,
    embeddedDatabase: infra.embeddedDatabase,
    temporalAddress: infra.temporalAddress,
    migrate: true,
    ...(sandbox ? { apiUrls: sandbox.apiUrls, store: sandbox.store } : {}),
  });

  const connection = await NativeConnection.connect({ address: infra.temporalAddress });
  const storeCodes = await services.stores.codes();
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    workflowBundle: await bundleWorkflowsInChild(),
    storeCodes,
    activityDeps: { db: services.db, stores: services.stores, temporal: services.temporal, logger },
  });

  await ensureStockReconcileSchedules(services.temporal, MAIN_TASK_QUEUE, services.stores, logger);
  const stopWatchingStores = serveNewStores(workers, () => services.stores.codes(), logger);

  const api = composeApi(services, config, logger);
  const server = serve({ fetch: api.app.fetch, port: config.port, hostname: config.host });

  if (config.installOnStart) {
    for (const code of storeCodes) {
      const store = await services.stores.get(code);
      if (!store) continue;
      await installStore(services.db, store, config.publicUrl, logger).catch((err: unknown) =>
        logger.error({ store: code, err: err instanceof Error ? err.message : String(err) }, 'install steps failed; run `npm run ops -- install` once the cause is fixed'),
      );
    }
  }

  const lines = [
    '',
    'jumpseller-relbase is running',
    `  API:             http://localhost:${config.port}   (health: /healthz, readiness: /readyz, metrics: /metrics)`,
    `  Webhooks:        ${config.publicUrl}/webhooks/jumpseller`,
    `  Temporal:        ${infra.temporalAddress} (namespace ${config.temporal.namespace})`,
    `  Temporal Web UI: ${infra.temporalUiUrl ?? '(served by your Temporal deployment)'}`,
    `  Database:        ${infra.embeddedDatabase ? `embedded PGlite under ${config.dataDir}` : 'DATABASE_URL'}`,
    ...(sandbox ? sandbox.banner : []),
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  onShutdownSignal(logger, async () => {
    api.redispatcher.stop();
    stopWatchingStores();
    await closeServer(server);
    await workers.shutdown();
    await connection.close();
    await services.close();
    await infra.stop();
    await sandbox?.stop();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('start failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
