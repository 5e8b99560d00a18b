/**
 * The audit log on the real database: every admin write and stock notice names its caller (the
 * operator whose token it was, or `stock-notices`), the action, the store, the outcome; reads and
 * refused authentications write nothing; operators read it back with `GET /admin/audit`.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminRoutes } from '../../src/api/admin/routes.js';
import { createApp } from '../../src/api/app.js';
import { stockRoutes } from '../../src/api/stock/routes.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { ensureBasicStore } from '../../src/db/stores-repository.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { parseApiTokens } from '../../src/security/api-tokens.js';
import { sha256 } from '../../src/security/token-strength.js';
import { createStoreRegistry } from '../../src/stores/registry.js';

const ALICE = 'alice-Zq8vN2kLp4Xw7RtY';
const BOB = 'bob-Hm3sK9dQ1fJ6uEcB';
const STOCK = 'stock-notice-V5nT8rW2yL4k';
let db: Db;
let connection: Connection;
let app: Hono;
let store: string;

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), { maxConnections: 2 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const temporal = new Client({ connection });
  const logger = createLogger('silent');
  const tokens = parseApiTokens({ ADMIN_TOKENS: `alice:sha256:${sha256(ALICE).toString('hex')},bob:sha256:${sha256(BOB).toString('hex')}`, STOCK_NOTICES_TOKEN: STOCK });
  store = `audit-${randomBytes(3).toString('hex')}`;
  await ensureBasicStore(db, store, {});
  const stores = createStoreRegistry({ db, jumpsellerApiUrl: 'http://127.0.0.1:1', relbaseApiUrl: 'http://127.0.0.1:1', configured: [] });
  const common = { db, temporal, logger, mainTaskQueue: `audit-${store}` };
  app = createApp({
    db,
    temporal,
    logger,
    metrics: createMetrics(),
    routes: [
      adminRoutes({ ...common, stores, adminTokens: tokens.admin, secretsKeyring: undefined, publicUrl: 'http://service.test' }),
      stockRoutes({ ...common, stockNoticesToken: tokens.stockNotices }),
    ],
  });
});

afterAll(async () => {
  await connection?.close();
  await db?.destroy();
});

const as = (token: string, method = 'GET', body?: unknown) => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const entries = () => db.selectFrom('admin_audit_log').selectAll().where('store_code', '=', store).orderBy('id').execute();

describe('the audit log', () => {
  it('records who changed what, on which store, and how it ended; reads record nothing', async () => {
    expect((await app.request(`/admin/stores/${store}/settings`, as(ALICE))).status).toBe(200);
    expect((await app.request(`/admin/stores/${store}/settings`, as(ALICE, 'PATCH', { stockSyncEnabled: false }))).status).toBe(200);
    expect((await app.request(`/admin/stores/${store}/settings`, as(BOB, 'PATCH', { defaultDocument: 'pizza' }))).status).toBe(400);
    const rows = await entries();
    expect(rows.map((r) => [r.actor, r.action, r.store_code, r.outcome, r.status])).toEqual([
      ['alice', 'PATCH /admin/stores/:code/settings', store, 'ok', 200],
      ['bob', 'PATCH /admin/stores/:code/settings', store, 'refused', 400],
    ]);
    expect(rows[0]!.details).toEqual({ changed: ['stockSyncEnabled'] });
    expect(rows[0]!.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(rows[0]!.request_id).toBeTruthy();
  });

  it('records stock notices as the stock-notices caller, with the store from the body', async () => {
    const res = await app.request('/stock/notices', as(STOCK, 'POST', { store, skus: ['NOT-LINKED'] }));
    expect(res.status).toBe(202);
    expect((await entries()).at(-1)).toMatchObject({
      actor: 'stock-notices',
      action: 'POST /stock/notices',
      store_code: store,
      outcome: 'ok',
      details: { skus: 1, relbaseProductIds: 0 },
    });
  });

  it('writes nothing for a refused token, an operator token on stock notices, or the stock token on admin routes', async () => {
    const before = (await entries()).length;
    expect((await app.request(`/admin/stores/${store}/settings`, as('not-a-token-at-all-1234', 'PATCH', { stockSyncEnabled: true }))).status).toBe(401);
    expect((await app.request(`/admin/stores/${store}/settings`, as(STOCK, 'PATCH', { stockSyncEnabled: true }))).status).toBe(401);
    expect((await app.request('/stock/notices', as(ALICE, 'POST', { store, skus: ['X'] }))).status).toBe(401);
    expect((await entries()).length).toBe(before);
  });

  it('is read back newest first by operators, filtered by store or operator', async () => {
    const res = await app.request(`/admin/audit?store=${store}&limit=10`, as(BOB));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entries: { actor: string; action: string; outcome: string }[] };
    expect(body.entries.map((e) => e.actor)).toEqual(['stock-notices', 'bob', 'alice']);
    const alices = (await (await app.request(`/admin/audit?store=${store}&actor=alice`, as(BOB))).json()) as { entries: unknown[] };
    expect(alices.entries).toHaveLength(1);
    expect((await app.request('/admin/audit?limit=0', as(BOB))).status).toBe(400);
    expect((await app.request('/admin/audit', as(STOCK))).status).toBe(401);
  });
});
