/**
 * `npm run secrets:reseal`: reseals installed stores' secrets with the newest SECRETS_KEY key, so an
 * older key can then be dropped from the keyring. Runs against DATABASE_URL (or the embedded PGlite
 * while `npm start` is stopped); safe to run again, and beside running services (row locks).
 * Exits non-zero when a value opens with no key of SECRETS_KEY.
 */
import { ConfigError, loadConfig } from '../config.js';
import { createDatabase } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { resealStoredSecrets } from './sealed-secrets.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.secretsKeyring) throw new ConfigError(['SECRETS_KEY: required: it holds the keys to open the stored secrets with and the newest one to seal them with']);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort);
  const db = createDatabase(config.databaseUrl ?? embedded!.url, { maxConnections: 1 });
  try {
    const report = await resealStoredSecrets(db, config.secretsKeyring);
    console.log(`resealed ${report.resealed} value${report.resealed === 1 ? '' : 's'} with key ${config.secretsKeyring.newest.id}; ${report.alreadyNewest} already on it`);
    for (const f of report.failed) console.error(`store ${f.code}: not resealed: ${f.reason}`);
    if (report.failed.length === 0 && config.secretsKeyring.keys.length > 1) {
      console.log(
        `no stored secret needs ${config.secretsKeyring.keys
          .slice(1)
          .map((k) => k.id)
          .join(', ')} any more: those keys can leave SECRETS_KEY`,
      );
    }
    return report.failed.length === 0 ? 0 : 1;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `reseal failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
