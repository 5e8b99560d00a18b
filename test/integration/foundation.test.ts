import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { MigrationError, migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';

let db: Db;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: 1 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await db?.destroy();
});

describe('migrations', () => {
  it('created every table of the design', async () => {
    const rows = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db);
    const names = rows.rows.map((r) => r.table_name);
    for (const t of ['stores', 'webhook_deliveries', 'product_links', 'documents', 'orders', 'stock_pushes', 'sync_reports']) {
      expect(names).toContain(t);
    }
  });

  it('is a no-op when already at the latest migration', async () => {
    const results = await migrateToLatest(db);
    expect(results).toEqual([]);
  });

  it('enforces one document per store and order', async () => {
    const row = { store_code: 'mig-test', order_id: '1', state: 'intent', type_document: 39, label_value: 'JS-1' };
    await db.insertInto('documents').values(row).execute();
    await expect(db.insertInto('documents').values(row).execute()).rejects.toThrow(/duplicate key/);
  });

  it('reports a failing database as a MigrationError instead of hanging or passing', async () => {
    const broken = createDatabase('postgres://postgres@127.0.0.1:1/nothing');
    await expect(migrateToLatest(broken)).rejects.toBeInstanceOf(MigrationError);
    await broken.destroy();
  });
});

describe('health endpoints', () => {
  const app = () => createApp({ db, temporal, logger: createLogger('silent'), metrics: createMetrics() });

  it('/healthz answers without touching dependencies', async () => {
    const res = await app().request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when the database and Temporal answer', async () => {
    const res = await app().request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('/readyz is 503 naming the database when it does not answer', async () => {
    const broken = createDatabase('postgres://postgres@127.0.0.1:1/nothing');
    const res = await createApp({ db: broken, temporal, logger: createLogger('silent'), metrics: createMetrics() }).request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks.database).toMatch(/^failing/);
    expect(body.checks.temporal).toBe('ok');
    await broken.destroy();
  });

  it('/metrics is Prometheus text with the request counter', async () => {
    const a = app();
    await a.request('/healthz');
    const res = await a.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
  });

  it('unknown routes get the JSON error envelope with a request id', async () => {
    const res = await app().request('/nope');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });
});
