/**
 * `npm start`: the whole service in one process on embedded defaults. Without DATABASE_URL it runs
 * PGlite; without TEMPORAL_ADDRESS a Temporal dev server with its Web UI; without real store
 * credentials the Jumpseller and relBase simulators with a demo catalog. It prints where everything is.
 */
import { serve } from '@hono/node-server';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, describeConfig, loadConfig, useSandbox } from './config.js';
import { composeApi } from './api/compose.js';
import { createProcessLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { sandboxImageSources } from './runtime/sandbox-image-sources.js';
import { closeServer } from './runtime/http-server.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { startServices } from './runtime/services.js';
import { onShutdownSignal } from './runtime/shutdown.js';
import { startSandbox } from './sandbox/demo.js';
import { runInstall } from './install/run-install.js';
import { ensureStockReconcileSchedules } from './stock/schedules.js';
import { ensureOrderReconcileSchedules } from './order-reconcile/schedules.js';
import { ensureDeliveryRetentionSchedule } from './retention/schedule.js';
import { webhookUrl } from './install/install-plan.js';
import { MAIN_TASK_QUEUE } from './workflows/task-queues.js';
import { temporalConnectionOptions } from './temporal/connection-options.js';
import { encryptedDataConverter } from './temporal/data-converter.js';
import { resolveEncryptionKeyring } from './temporal/encryption-keys.js';
import { devCodecEndpoint } from './api/codec/dev-endpoint.js';
import { bundleWorkflowsInChild, createWorkers, installTemporalRuntime, promoteOwnBuild, serveNewStores } from './worker.js';

/** How long start-up waits for the stores' install reports before it goes on without them. */
const INSTALL_WAIT_MS = 30_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config.logLevel, config.logFormat);
  logger.info(describeConfig(config), 'starting');
  const encryption = resolveEncryptionKeyring(config);
  const dataConverter = encryptedDataConverter(encryption.keyring);
  logger.info({ payloadKeys: encryption.source, keyIds: encryption.keyring.keys.map((k) => k.id) }, 'payloads in Temporal are encrypted');
  installTemporalRuntime(config, logger);

  // The embedded Web UI cannot send credentials to the codec endpoint, so it gets a URL with a
  // secret path made for this run (src/api/codec/dev-endpoint.ts).
  const devCodec = config.temporal.address ? undefined : devCodecEndpoint(config.port);
  const sandbox = useSandbox(config) ? await startSandbox(config, logger) : undefined;
  const infra = await startInfrastructure(config, logger, process.env.PATH, devCodec ? { uiCodecEndpoint: devCodec.url } : {});
  const metrics = createMetrics();
  const services = await startServices({
    config,
    logger,
    databaseUrl: infra.databaseUrl,
    embeddedDatabase: infra.embeddedDatabase,
    temporalAddress: infra.temporalAddress,
    dataConverter,
    migrate: true,
    role: 'all',
    onOAuthConfigurationError: () => metrics.oauthConfigurationErrors.inc(),
    ...(sandbox ? { apiUrls: sandbox.apiUrls, store: sandbox.store } : {}),
  });

  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal.connection, infra.temporalAddress));
  const storeCodes = await services.stores.codes();
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    dataConverter,
    workflowBundle: await bundleWorkflowsInChild(),
    storeCodes,
    activityDeps: {
      db: services.activityDb,
      stores: services.stores,
      temporal: services.temporal,
      logger,
      // The sandbox's simulator serves images from 127.0.0.1: allowed only while the sandbox runs here.
      imageSources: sandbox ? sandboxImageSources(config.imageHosts, sandbox.apiUrls.jumpseller) : { allowedHosts: config.imageHosts },
    },
    versioning: config.temporal.versioning,
  });
  const stopPromoting = promoteOwnBuild(connection, config.temporal.namespace, config.temporal.versioning, logger);

  await ensureStockReconcileSchedules(services.temporal, MAIN_TASK_QUEUE, services.stores, logger);
  await ensureOrderReconcileSchedules(services.temporal, MAIN_TASK_QUEUE, webhookUrl(config.publicUrl), services.stores, logger);
  await ensureDeliveryRetentionSchedule(services.temporal, MAIN_TASK_QUEUE, config.webhookDeliveries).catch((err: unknown) =>
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not create the webhook delivery retention schedule'),
  );
  const stopWatchingStores = serveNewStores(workers, () => services.stores.codes(), logger);

  const api = composeApi(services, config, logger, {
    metrics,
    codec: {
      keyring: encryption.keyring,
      ...(devCodec ? { devPathToken: devCodec.pathToken } : {}),
      ...(infra.temporalUiUrl ? { embeddedUiOrigins: [`http://localhost:${config.temporal.uiPort}`, `http://127.0.0.1:${config.temporal.uiPort}`] } : {}),
    },
  });
  const server = serve({ fetch: api.app.fetch, port: config.port, hostname: config.host });
  const internalServer =
    api.internalApp && config.internal.port !== undefined ? serve({ fetch: api.internalApp.fetch, port: config.internal.port, hostname: config.internal.host }) : undefined;

  if (config.installOnStart) {
    // Each store's install workflow (idempotent), before the banner says the service is ready: the
    // webhooks must exist before a first order is paid. A store whose install takes longer than
    // INSTALL_WAIT_MS (Jumpseller slow or down) goes on in Temporal, and start-up goes on without it.
    await Promise.all(
      storeCodes.map(async (code) => {
        const install = await runInstall({ temporal: services.temporal, taskQueue: MAIN_TASK_QUEUE, storeCode: code, publicUrl: config.publicUrl, waitMs: INSTALL_WAIT_MS });
        if (install.state === 'done') logger.info({ store: code, workflowId: install.workflowId, ...install.report }, 'install steps done');
        else if (install.state === 'running') logger.warn({ store: code, workflowId: install.workflowId }, 'install steps still running; see the workflow in the Web UI');
        else logger.error({ store: code, workflowId: install.workflowId, reason: install.reason }, 'install steps failed; run `npm run ops -- install` once the cause is fixed');
      }),
    );
  }

  const lines = [
    '',
    'jumpseller-relbase is running',
    internalServer
      ? `  API:             http://localhost:${config.port}   (health, readiness and metrics on internal port ${config.internal.port}: /healthz, /readyz, /metrics)`
      : `  API:             http://localhost:${config.port}   (health: /healthz, readiness: /readyz, metrics: /metrics)`,
    `  Webhooks:        ${config.publicUrl}/webhooks/jumpseller`,
    `  Temporal:        ${infra.temporalAddress} (namespace ${config.temporal.namespace})`,
    `  Temporal Web UI: ${infra.temporalUiUrl ?? '(served by your Temporal deployment)'}`,
    `  Payloads:        encrypted in Temporal (${encryption.source})${infra.temporalUiUrl ? '; the Web UI above shows them decoded' : ''}`,
    `  Database:        ${infra.embeddedDatabase ? `embedded PGlite under ${config.dataDir}` : 'DATABASE_URL'}`,
    ...(sandbox ? sandbox.banner : []),
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  onShutdownSignal(logger, async () => {
    stopPromoting();
    api.redispatcher.stop();
    stopWatchingStores();
    await closeServer(server);
    if (internalServer) await closeServer(internalServer);
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
