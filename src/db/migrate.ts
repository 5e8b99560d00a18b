/** Applies the migrations listed in `migrations/index.ts` (Kysely's Migrator). */
import { Migrator, type MigrationResult } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Db } from './database.js';

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Brings the schema to the latest migration; throws MigrationError naming the one that failed. */
export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new MigrationError(failed ? `migration ${failed} failed: ${reason}` : `migrations could not run: ${reason}`, results, { cause: error });
  }
  return results;
}
