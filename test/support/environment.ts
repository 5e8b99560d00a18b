/**
 * A Temporal dev server (from the built CLI) and a fresh, migrated PostgreSQL database: what the test
 * run's global setup provides, and what each bench starts for itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { findTemporalCli } from '../../src/temporal/cli-binary.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import type { StackEnvironment } from './stack.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A new database on the server at `adminUrl` (dropped by `drop`), or undefined when none answers there. */
export async function freshRealDatabase(adminUrl: string, prefix = 'jr_test'): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface RunningEnvironment extends StackEnvironment {
  stop(): Promise<void>;
}

/**
 * @param adminUrl  a PostgreSQL to create the database on; when none answers, an embedded PGlite
 *                  (with a printed notice) unless `requireRealDatabase`.
 */
export async function startEnvironment(o: {
  adminUrl: string;
  requireRealDatabase: boolean;
  cliPath?: string | undefined;
  pathEnv?: string | undefined;
}): Promise<RunningEnvironment> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('[environment] cleanup failed', err));
  };
  try {
    let databaseUrl: string;
    let embeddedDatabase = false;
    const real = await freshRealDatabase(o.adminUrl);
    if (real) {
      databaseUrl = real.url;
      cleanups.push(real.drop);
    } else {
      if (o.requireRealDatabase) throw new Error(`PostgreSQL is required at ${o.adminUrl} and none answered`);
      console.warn(`[environment] no PostgreSQL answered at ${o.adminUrl}: using an embedded PGlite instead`);
      const dir = mkdtempSync(join(tmpdir(), 'jr-pglite-'));
      const embedded = await startEmbeddedPostgres(dir, await freePort());
      databaseUrl = embedded.url;
      embeddedDatabase = true;
      cleanups.push(async () => {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      });
    }
    const db = createDatabase(databaseUrl, { maxConnections: 1 });
    await migrateToLatest(db);
    await db.destroy();

    const server = await startDevServer({
      binary: findTemporalCli(o.cliPath, o.pathEnv),
      port: await freePort(),
      uiPort: undefined,
      namespace: 'default',
      dbFile: undefined,
    });
    cleanups.push(() => server.stop());
    return { temporalAddress: server.address, databaseUrl, embeddedDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The environment a bench or the test run starts: TEST_DATABASE_URL (or the local PostgreSQL), TEMPORAL_CLI_PATH, PATH. */
export function startEnvironmentFromProcess(requireRealDatabase: boolean): Promise<RunningEnvironment> {
  return startEnvironment({
    adminUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    requireRealDatabase,
    cliPath: process.env.TEMPORAL_CLI_PATH,
    pathEnv: process.env.PATH,
  });
}
