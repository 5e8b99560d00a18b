/**
 * Temporal's two databases on PostgreSQL, created when missing and brought to the newest schema
 * version with the server's own versioned schema files, and the app's own database created when
 * missing (the API migrates it on start). Every step is safe to run again: a second
 * `npm run cluster` on the same PostgreSQL keeps every workflow run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Binaries } from './binaries.js';
import { postgresEndpoint, withDatabase } from './options.js';

const run = promisify(execFile);

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query('select 1 from pg_database where datname = $1', [name]);
    return r.rowCount === 1;
  } finally {
    await client.end();
  }
}

/** Creates the app's database when missing (name from its URL). Returns whether it was created. */
export async function ensureAppDatabase(databaseUrl: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`DATABASE_URL names the database "${name}": use letters, digits and _ only`);
  if (await databaseExists(databaseUrl, name)) return false;
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return true;
}

export interface SchemaResult {
  database: string;
  created: boolean;
  /** The schema version after the update, as `schema_version` records it. */
  version: string;
}

/**
 * `sql create-database` (when missing), `setup-schema -v 0.0` (creates the version table; skips
 * when a version is there) and `update-schema -d <versioned>` (applies what is newer), for the
 * main store and the visibility store. The password travels in SQL_PASSWORD, never in argv.
 */
export async function ensureTemporalSchemas(bin: Binaries, postgresUrl: string, temporalDatabase: string): Promise<SchemaResult[]> {
  const pgEnd = postgresEndpoint(postgresUrl);
  const env = { ...process.env, SQL_PASSWORD: pgEnd.password };
  const base = ['--plugin', 'postgres12', '--ep', pgEnd.host, '-p', String(pgEnd.port), '-u', pgEnd.user];
  const results: SchemaResult[] = [];
  for (const [database, versioned] of [
    [temporalDatabase, join(bin.schemaDir, 'temporal', 'versioned')],
    [`${temporalDatabase}_visibility`, join(bin.schemaDir, 'visibility', 'versioned')],
  ] as const) {
    const tool = (...args: string[]) => run(bin.sql, [...base, '--db', database, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    const created = !(await databaseExists(postgresUrl, database));
    try {
      if (created) await tool('create-database');
      await tool('setup-schema', '-v', '0.0');
      await tool('update-schema', '-d', versioned);
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`Temporal schema setup failed on ${database}: ${(e.stderr ?? e.message).trim().slice(-1500)}`, { cause: err });
    }
    results.push({ database, created, version: await schemaVersion(postgresUrl, database) });
  }
  return results;
}

async function schemaVersion(serverUrl: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, database) });
  await client.connect();
  try {
    const r = await client.query<{ curr_version: string }>('select curr_version from schema_version limit 1');
    return r.rows[0]?.curr_version ?? 'unknown';
  } finally {
    await client.end();
  }
}
