/**
 * What `npm start` brings up around the app when nothing is configured: an embedded PostgreSQL
 * (PGlite) unless DATABASE_URL is set, and an embedded Temporal dev server with its Web UI unless
 * TEMPORAL_ADDRESS is set. Each piece says where it came from so the banner can tell the user.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { findTemporalCli } from '../temporal/cli-binary.js';
import { startDevServer } from '../temporal/dev-server.js';
import type { Logger } from '../observability/logger.js';

export interface Infrastructure {
  databaseUrl: string;
  /** True for PGlite: one session at a time. */
  embeddedDatabase: boolean;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  stop(): Promise<void>;
}

export interface InfrastructureOptions {
  /** The codec endpoint the embedded Web UI decodes payloads with. */
  uiCodecEndpoint?: string;
}

export async function startInfrastructure(config: Config, logger: Logger, pathEnv: string | undefined, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort);
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      logger.info({ dataDir: join(config.dataDir, 'pglite') }, 'embedded PostgreSQL (PGlite) started');
    }

    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const binary = findTemporalCli(config.temporal.cliPath, pathEnv);
      const dev = await startDevServer({
        binary,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        dbFile: join(config.dataDir, 'temporal', 'temporal.sqlite'),
        ...(options.uiCodecEndpoint ? { uiCodecEndpoint: options.uiCodecEndpoint } : {}),
      });
      stops.push(() => dev.stop());
      temporalAddress = dev.address;
      temporalUiUrl = dev.uiUrl;
      logger.info({ address: dev.address, binary: dev.source }, 'embedded Temporal dev server started');
    }
    return { databaseUrl, embeddedDatabase: !config.databaseUrl, temporalAddress, temporalUiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
