/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded PGlite) and exits non-zero on failure. */
import { ConfigError, loadConfig } from '../config.js';
import { createDatabase } from './database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { migrateToLatest } from './migrate.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort);
  const db = createDatabase(config.databaseUrl ?? embedded!.url, {
    maxConnections: 1,
    statementTimeoutMs: 0,
    idleInTransactionTimeoutMs: 0,
    applicationName: 'jumpseller-relbase migrate',
  });
  // ^ migrations may run longer than any statement budget (an index on a big table)
  try {
    const results = await migrateToLatest(db);
    if (results.length === 0) console.log('database schema is up to date');
    for (const r of results) console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
