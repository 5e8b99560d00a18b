/**
 * `npm run api`: the HTTP app alone, against a configured Temporal and database (the shape
 * docker-compose and a scaled deployment use; workers run as `npm run worker`).
 */
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, requireExternalServices } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { startServices } from '../runtime/services.js';
import { onShutdownSignal } from '../runtime/shutdown.js';
import { composeApi } from './compose.js';
import { closeServer } from '../runtime/http-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const external = requireExternalServices(config, 'npm run api');
  const services = await startServices({
    config,
    logger,
    databaseUrl: external.databaseUrl,
    embeddedDatabase: false,
    temporalAddress: external.temporalAddress,
    migrate: true,
  });
  const api = composeApi(services, config, logger);
  const server = serve({ fetch: api.app.fetch, port: config.port, hostname: config.host });
  logger.info({ url: `http://localhost:${config.port}` }, 'API listening');
  onShutdownSignal(logger, async () => {
    api.redispatcher.stop();
    await closeServer(server);
    await services.close();
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('api failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
