/**
 * Once per test run: one real Temporal dev server (the CLI built by `npm install`) and one fresh
 * PostgreSQL database on the real server at TEST_DATABASE_URL (default 127.0.0.1:5432), migrated.
 * Where no PostgreSQL answers (a laptop), an embedded PGlite stands in, with a printed notice;
 * CI always has the real one (.ci/run makes sure it is up).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { findTemporalCli } from '../../src/temporal/cli-binary.js';
import { startDevServer } from '../../src/temporal/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    /** True when the embedded PGlite stands in for PostgreSQL (one connection at a time). */
    embeddedDatabase: boolean;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function realPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `jr_test_${randomBytes(4).toString('hex')}`;
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

export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<void>)[] = [];
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let databaseUrl: string;
  let embeddedDatabase = false;
  const real = await realPostgres(adminUrl);
  if (real) {
    databaseUrl = real.url;
    cleanups.push(real.drop);
  } else {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL at ${adminUrl} and none answered`);
    console.warn(`[tests] no PostgreSQL answered at ${adminUrl}: using an embedded PGlite instead`);
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

  const binary = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  const server = await startDevServer({ binary, port: await freePort(), uiPort: undefined, namespace: 'default', dbFile: undefined });
  cleanups.push(() => server.stop());

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('embeddedDatabase', embeddedDatabase);

  return async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('[tests] cleanup failed', err));
  };
}
