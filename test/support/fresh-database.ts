/**
 * A PostgreSQL database of a test file's own, for tests that leave rows every later process would
 * see: installed stores sealed with a test key make a worker started by another file refuse to start
 * (it cannot open them), as it should in production. On the run's real server it is a new database
 * dropped afterwards; on the embedded fallback, a second embedded server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { freePort, freshRealDatabase } from './environment.js';

export interface FreshDatabase {
  url: string;
  drop: () => Promise<void>;
}

export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  if (!inject('embeddedDatabase')) {
    const real = await freshRealDatabase(inject('databaseUrl'), prefix);
    if (!real) throw new Error("the test run's PostgreSQL does not answer");
    return real;
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const embedded = await startEmbeddedPostgres(dir, await freePort());
  return { url: embedded.url, drop: async () => (await embedded.stop(), rmSync(dir, { recursive: true, force: true })) };
}
