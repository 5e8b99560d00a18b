/**
 * `npm run api`: the HTTP app alone, against a configured Temporal and database (the shape
 * docker-compose and a scaled deployment use; workers run as `npm run worker`).
 */
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, requireExternalServices } from '../config.js';
import { createProcessLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { startServices } from '../runtime/services.js';
import { encryptedDataConverter } from '../temporal/data-converter.js';
import { resolveEncryptionKeyring } from '../temporal/encryption-keys.js';
import { onShutdownSignal } from '../runtime/shutdown.js';
import { composeApi } from './compose.js';
import { closeServer } from '../runtime/http-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config.logLevel, config.logFormat);
  const external = requireExternalServices(config, 'npm run api');
  const metrics = createMetrics();
  const encryption = resolveEncryptionKeyring(config);
  const services = await startServices({
    config,
    logger,
    databaseUrl: external.databaseUrl,
    embeddedDatabase: false,
    temporalAddress: external.temporalAddress,
    dataConverter: encryptedDataConverter(encryption.keyring),
    migrate: true,
    role: 'api',
    onOAuthConfigurationError: () => metrics.oauthConfigurationErrors.inc(),
  });
  const api = composeApi(services, config, logger, { metrics, codec: { keyring: encryption.keyring } });
  const server = serve({ fetch: api.app.fetch, port: config.port, hostname: config.host });
  // Health, readiness and metrics on their own port when INTERNAL_PORT says so (not on the public one).
  const internalServer =
    api.internalApp && config.internal.port !== undefined ? serve({ fetch: api.internalApp.fetch, port: config.internal.port, hostname: config.internal.host }) : undefined;
  logger.info({ url: `http://localhost:${config.port}`, internalPort: config.internal.port ?? null }, 'API listening');
  onShutdownSignal(logger, async () => {
    api.redispatcher.stop();
    await closeServer(server);
    if (internalServer) await closeServer(internalServer);
    await services.close();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('api failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
