/**
 * Composition shared by `npm start`, `npm run api` and `npm run worker`: the database (migrated),
 * the store registry, the Temporal client. Each entry point adds what it serves.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config, SingleStoreConfig } from '../config.js';
import { createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ensureBasicStore } from '../db/stores-repository.js';
import type { Logger } from '../observability/logger.js';
import { oauthClientFromConfig } from '../jumpseller/oauth.js';
import { installedStoresFromConfig } from '../stores/oauth-tokens.js';
import { requireUsableSealedSecrets } from '../stores/sealed-secrets.js';
import { createStoreRegistry, type StoreCredentials, type StoreRegistry } from '../stores/registry.js';
import { poolSize, type PoolRole } from './pool-budgets.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';

export interface Services {
  /** The pool of the process's HTTP side (or of its worker when it runs only a worker). */
  db: Db;
  /** The pool activities use: `db` itself except under `npm start` on PostgreSQL, where each side has its own. */
  activityDb: Db;
  stores: StoreRegistry;
  temporal: Client;
  temporalConnection: Connection;
  close(): Promise<void>;
}

export interface ServicesOptions {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  embeddedDatabase: boolean;
  temporalAddress: string;
  /** The encrypting data converter (src/temporal/data-converter.ts); the workers must use the same. */
  dataConverter: DataConverter;
  /** Overrides the API base URLs (the sandbox simulators). */
  apiUrls?: { jumpseller: string; relbase: string };
  /** Overrides the configured single store (the sandbox's demo store). */
  store?: SingleStoreConfig;
  migrate: boolean;
  /** What this process runs: its pools follow (runtime/pool-budgets.ts). */
  role: 'api' | 'worker' | 'all';
  /** Jumpseller refused the OAuth app's credentials: the alert beside the error log (a metric). */
  onOAuthConfigurationError?: () => void;
}

export function credentialsOf(s: SingleStoreConfig): StoreCredentials {
  return {
    code: s.code,
    jumpsellerLogin: s.login,
    jumpsellerAuthToken: s.authToken,
    hooksToken: s.hooksToken,
    relbaseUserToken: s.relbaseUserToken,
    relbaseCompanyToken: s.relbaseCompanyToken,
  };
}

function openPool(o: ServicesOptions, role: PoolRole): Db {
  return createDatabase(o.databaseUrl, {
    maxConnections: poolSize(role, o.config.database.poolSize, o.embeddedDatabase),
    statementTimeoutMs: o.config.database.statementTimeoutMs,
    idleInTransactionTimeoutMs: o.config.database.idleInTransactionTimeoutMs,
    applicationName: `jumpseller-relbase ${role}`,
  });
}

/** Migrations may run longer than any statement budget (an index on a big table): their own session, unbounded. */
async function migrate(o: ServicesOptions, db: Db): Promise<void> {
  const session = o.embeddedDatabase
    ? db
    : createDatabase(o.databaseUrl, { maxConnections: 1, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0, applicationName: 'jumpseller-relbase migrate' });
  try {
    const results = await migrateToLatest(session);
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length) o.logger.info({ applied }, 'database migrations applied');
  } finally {
    if (session !== db) await session.destroy();
  }
}

export async function startServices(o: ServicesOptions): Promise<Services> {
  const db = openPool(o, o.role === 'worker' ? 'worker' : 'api');
  const activityDb = o.role === 'all' && !o.embeddedDatabase ? openPool(o, 'worker') : db;
  try {
    if (o.migrate) await migrate(o, db);
    // Refuses to run while installed stores' secrets cannot be opened (see src/stores/sealed-secrets.ts).
    await requireUsableSealedSecrets(db, { secretsKeyring: o.config.secretsKeyring, oauthConfigured: oauthClientFromConfig(o.config) !== undefined, logger: o.logger });
    const store = o.store ?? o.config.singleStore;
    if (store) {
      await ensureBasicStore(db, store.code, store.relbaseWarehouseId ? { warehouseId: store.relbaseWarehouseId } : {});
    }
    const temporalConnection = await Connection.connect(temporalConnectionOptions(o.config.temporal.connection, o.temporalAddress));
    const temporal = new Client({ connection: temporalConnection, namespace: o.config.temporal.namespace, dataConverter: o.dataConverter });
    const stores = createStoreRegistry({
      db,
      jumpsellerApiUrl: o.apiUrls?.jumpseller ?? o.config.jumpseller.apiUrl,
      relbaseApiUrl: o.apiUrls?.relbase ?? o.config.relbase.apiUrl,
      configured: store ? [credentialsOf(store)] : [],
      oauth: installedStoresFromConfig(db, o.config, o.logger, o.onOAuthConfigurationError),
    });
    return {
      db,
      activityDb,
      stores,
      temporal,
      temporalConnection,
      async close() {
        await temporalConnection.close();
        if (activityDb !== db) await activityDb.destroy();
        await db.destroy();
      },
    };
  } catch (err) {
    if (activityDb !== db) await activityDb.destroy();
    await db.destroy();
    throw err;
  }
}
