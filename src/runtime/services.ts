/**
 * Composition shared by `npm start`, `npm run api` and `npm run worker`: the database (migrated),
 * the store registry, the Temporal client. Each entry point adds what it serves.
 */
import { Client, Connection } from '@temporalio/client';
import type { Config, SingleStoreConfig } from '../config.js';
import { createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ensureBasicStore } from '../db/stores-repository.js';
import type { Logger } from '../observability/logger.js';
import { installedStoresFromConfig } from '../stores/oauth-tokens.js';
import { createStoreRegistry, type StoreCredentials, type StoreRegistry } from '../stores/registry.js';

export interface Services {
  db: Db;
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
  /** Overrides the API base URLs (the sandbox simulators). */
  apiUrls?: { jumpseller: string; relbase: string };
  /** Overrides the configured single store (the sandbox's demo store). */
  store?: SingleStoreConfig;
  migrate: boolean;
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

export async function startServices(o: ServicesOptions): Promise<Services> {
  const db = createDatabase(o.databaseUrl, { maxConnections: o.embeddedDatabase ? 1 : 10 });
  try {
    if (o.migrate) {
      const results = await migrateToLatest(db);
      const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (applied.length) o.logger.info({ applied }, 'database migrations applied');
    }
    const store = o.store ?? o.config.singleStore;
    if (store) {
      await ensureBasicStore(db, store.code, store.relbaseWarehouseId ? { warehouseId: store.relbaseWarehouseId } : {});
    }
    const temporalConnection = await Connection.connect({ address: o.temporalAddress });
    const temporal = new Client({ connection: temporalConnection, namespace: o.config.temporal.namespace });
    const stores = createStoreRegistry({
      db,
      jumpsellerApiUrl: o.apiUrls?.jumpseller ?? o.config.jumpseller.apiUrl,
      relbaseApiUrl: o.apiUrls?.relbase ?? o.config.relbase.apiUrl,
      configured: store ? [credentialsOf(store)] : [],
      oauth: installedStoresFromConfig(db, o.config, o.logger),
    });
    return {
      db,
      stores,
      temporal,
      temporalConnection,
      async close() {
        await temporalConnection.close();
        await db.destroy();
      },
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
