/**
 * `npm run api`: the HTTP app alone, against a configured Temporal and database (the shape
 * docker-compose and a scaled deployment use; workers run as `npm run worker`).
 */
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { startServices } from '../runtime/services.js';
import { onShutdownSignal } from '../runtime/shutdown.js';
import { composeApi } from './compose.js';
import { closeServer } from '../runtime/http-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl || !config.temporal.address) {
    throw new ConfigError([
      ...(config.databaseUrl ? [] : ['DATABASE_URL: required by `npm run api` (use `npm start` for the embedded database)']),
      ...(config.temporal.address ? [] : ['TEMPORAL_ADDRESS: required by `npm run api` (use `npm start` for the embedded Temporal)']),
    ]);
  }
  const services = await startServices({
    config,
    logger,
    databaseUrl: config.databaseUrl,
    embeddedDatabase: false,
    temporalAddress: config.temporal.address,
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
