/**
 * The Jumpseller app install against the simulator (its OAuth server at its root): /install →
 * authorize → /oauth/callback; hooks and checkout fields created once; tokens sealed in the row;
 * access tokens refreshed before expiry and after a 401, one writer at a time (a claim, no row lock
 * across the token call), rotated tokens recorded before use, 401 storms rationed; only
 * `invalid_grant` marks the store as needing a re-install, the app's own credentials refused raise an
 * alert instead, and an operator can reactivate a store.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { keyringOf } from '../../src/crypto/keyring.js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { adminRoutes } from '../../src/api/admin/routes.js';
import { createApp } from '../../src/api/app.js';
import { installRoutes, type InstallDeps } from '../../src/api/install/routes.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { HOOK_EVENTS } from '../../src/install/install-plan.js';
import { createJumpsellerOAuthClient, OAUTH_SCOPES } from '../../src/jumpseller/oauth.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startJumpsellerSimulator, type RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import { parseApiTokens } from '../../src/security/api-tokens.js';
import { ApiError } from '../../src/http/api-errors.js';
import { createOAuthTokenManager, markNeedsReinstall, REJECTED_REFRESH_INTERVAL_MS, openCredentials } from '../../src/stores/oauth-tokens.js';
import { createStoreRegistry, type StoreRegistry } from '../../src/stores/registry.js';
import { createWorkers, type RunningWorkers } from '../../src/worker.js';
import { catalogWorkflowId } from '../../src/workflows/catalog/contracts.js';
import { orderReconcileScheduleId } from '../../src/workflows/order-reconcile/contracts.js';
import { stockReconcileScheduleId } from '../../src/workflows/stock/contracts.js';
import { installStateQuery } from '../../src/workflows/install/contracts.js';
import { startInstall } from '../../src/install/run-install.js';
import { testDataConverter } from '../support/encryption.js';
import { freshDatabase, type FreshDatabase } from '../support/fresh-database.js';
import { installQuietRuntime } from '../support/quiet-runtime.js';
import { workflowBundle } from '../support/stack.js';

const PUBLIC_URL = 'http://service.test';
const ADMIN_TOKEN = 'oauth-test-admin-Zq8vN2kLp4Xw';
const key = keyringOf([{ id: 'test', key: randomBytes(32) }]);
let js: RunningJumpsellerSimulator;
let rb: RunningRelbaseSimulator;
let db: Db;
let db2: Db;
let database: FreshDatabase;
let connection: Connection;
let workerConnection: NativeConnection;
/** Runs the install workflows this file's callbacks start, on its own queue. */
let workers: RunningWorkers | undefined;
let temporal: Client;
let mainTaskQueue: string;
let app: Hono;
let registry: StoreRegistry;
let storeCode: string;
/** Added to the token manager's clock: moves "now" without touching the simulator. */
let clockOffsetMs = 0;
/** Also added to "now": moves past the window that rations refreshes for rejected tokens. */
let laterMs = 0;
let tokenRequests = 0;

const oauthFetch: typeof fetch = (input, init) => {
  tokenRequests++;
  return fetch(input, init);
};

function oauthClient(o: { clientSecret?: string; fetch?: typeof fetch } = {}) {
  return createJumpsellerOAuthClient({
    oauthUrl: js.url,
    clientId: js.sim.oauthClient.clientId,
    clientSecret: o.clientSecret ?? js.sim.oauthClient.clientSecret,
    redirectUri: `${PUBLIC_URL}/oauth/callback`,
    fetch: o.fetch ?? oauthFetch,
  });
}

/** The install routes' dependencies as this file's store is served, with `o` changed (an app configured otherwise). */
function installDeps(o: Partial<InstallDeps> = {}): InstallDeps {
  return {
    db,
    stores: registry,
    temporal,
    mainTaskQueue,
    logger: createLogger('silent'),
    oauth: oauthClient(),
    secretsKeyring: key,
    jumpsellerApiUrl: js.apiUrl,
    publicUrl: PUBLIC_URL,
    ...o,
  };
}

/** The install routes alone (see installDeps). */
function installApp(o: Partial<InstallDeps> = {}): Hono {
  const deps = installDeps(o);
  return createApp({ db, temporal, logger: deps.logger, metrics: createMetrics(), routes: [installRoutes(deps)] });
}

const tokens = () => createOAuthTokenManager({ db, secretsKeyring: key, oauth: oauthClient(), now: () => Date.now() + clockOffsetMs + laterMs });

beforeAll(async () => {
  storeCode = `oauth-${randomBytes(3).toString('hex')}`;
  js = await startJumpsellerSimulator({ storeCode, storeName: 'Tienda OAuth' });
  rb = await startRelbaseSimulator({ port: 0 });
  // A database of its own: the stores it installs stay sealed with this file's key, and a worker
  // process started by a later file would rightly refuse to start on them.
  database = await freshDatabase('jr_oauth');
  db = createDatabase(database.url, { maxConnections: 2 });
  await migrateToLatest(db);
  db2 = createDatabase(database.url, { maxConnections: 2 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, dataConverter: testDataConverter });
  mainTaskQueue = `main-${storeCode}`;
  registry = createStoreRegistry({ db, jumpsellerApiUrl: js.apiUrl, relbaseApiUrl: rb.apiUrl, configured: [], oauth: { secretsKeyring: key, tokens: tokens() } });
  const logger = createLogger('silent');
  app = createApp({
    db,
    temporal,
    logger,
    metrics: createMetrics(),
    routes: [
      installRoutes(installDeps({ logger, autoApprove: '*' })),
      adminRoutes({
        db,
        temporal,
        stores: registry,
        logger,
        adminTokens: parseApiTokens({ ADMIN_TOKEN }).admin,
        secretsKeyring: key,
        publicUrl: PUBLIC_URL,
        mainTaskQueue,
      }),
    ],
  });
  installQuietRuntime();
  workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  workers = await createWorkers({
    connection: workerConnection,
    namespace: 'default',
    dataConverter: testDataConverter,
    workflowBundle: await workflowBundle(),
    storeCodes: [storeCode],
    mainTaskQueue,
    activityDeps: { db, stores: registry, temporal, logger },
  });
});

/** Removes the schedules the installs made, so no scheduled run calls Jumpseller behind the token tests' counts. */
async function removeSchedules(): Promise<void> {
  for (const id of [stockReconcileScheduleId(storeCode), orderReconcileScheduleId(storeCode)]) {
    await temporal.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  }
}

afterAll(async () => {
  await removeSchedules().catch(() => undefined);
  await workers?.shutdown();
  await workerConnection?.close();
  await removeCommitFailure().catch(() => undefined);
  await js?.close();
  await rb?.close();
  await connection?.close();
  await db?.destroy();
  await db2?.destroy();
  await database?.drop();
});

/** /install → the simulator's authorize page → the callback URL it redirects to. */
async function authorize(): Promise<URL> {
  const res = await app.request(`/install?store=${storeCode}`);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${js.url}/oauth/authorize`);
  expect(location.searchParams.get('client_id')).toBe(js.sim.oauthClient.clientId);
  expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/oauth/callback`);
  expect(location.searchParams.get('response_type')).toBe('code');
  expect(location.searchParams.get('scope')!.split(' ').sort()).toEqual([...OAUTH_SCOPES].sort());
  expect(location.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
  const approved = await fetch(location, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get('location')!);
}

interface CallbackBody {
  installed: boolean;
  store: string;
  workflowId: string;
  steps: {
    hooksCreated: string[];
    fieldsCreated: string[];
    shippingProductCreated: boolean;
    relbasePending: string | null;
    catalogSync: string;
    schedules: Record<string, string>;
  } | null;
  pending: string | null;
}

async function callback(url: URL): Promise<Response> {
  return app.request(`${url.pathname}${url.search}`, { headers: { accept: 'application/json' } });
}

const storeRow = () => db.selectFrom('stores').selectAll().where('code', '=', storeCode).executeTakeFirstOrThrow();
const storedCredentials = async () => openCredentials(key, storeCode, (await storeRow()).credentials_sealed!).jumpseller;
/** The stored access token expires within the refresh margin: the next call refreshes. */
const expireSoon = () =>
  db
    .updateTable('stores')
    .set({ access_token_expires_at: new Date(Date.now() + 60_000) })
    .where('code', '=', storeCode)
    .execute();

/**
 * A commit that fails after Jumpseller answered: while the store's code is in `test_fail_credentials`,
 * any update changing its sealed credentials raises, as a lost connection or a failover would.
 */
async function installCommitFailure(): Promise<void> {
  await sql`create table if not exists test_fail_credentials (code text primary key)`.execute(db);
  await sql`create or replace function test_fail_credentials_update() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from test_fail_credentials where code = new.code) and new.credentials_sealed is distinct from old.credentials_sealed then
        raise exception 'injected: the commit failed';
      end if;
      return new;
    end $$`.execute(db);
  await sql`drop trigger if exists test_fail_credentials on stores`.execute(db);
  await sql`create trigger test_fail_credentials before update on stores for each row execute function test_fail_credentials_update()`.execute(db);
}

async function removeCommitFailure(): Promise<void> {
  if (!db) return;
  await sql`drop trigger if exists test_fail_credentials on stores`.execute(db);
  await sql`drop table if exists test_fail_credentials`.execute(db);
}

describe('installing the app', () => {
  it('creates the hooks, checkout fields and schedules, keeps the tokens sealed, and says relBase is still to connect', async () => {
    const res = await callback(await authorize());
    expect(res.status).toBe(200);
    const body = (await res.json()) as CallbackBody;
    expect(body).toMatchObject({ installed: true, store: storeCode, workflowId: `install:${storeCode}` });
    expect(body.steps).toMatchObject({
      shippingProductCreated: false,
      catalogSync: 'after relBase is connected',
      schedules: { stockReconcile: 'created', orderReconcile: 'created' },
    });
    expect([...body.steps!.hooksCreated].sort()).toEqual([...HOOK_EVENTS].sort());
    expect(body.pending).toMatch(/no relBase tokens yet/);
    expect(body.pending).toBe(body.steps!.relbasePending);
    // The schedules exist from the install on, not from the next worker start.
    expect((await temporal.schedule.getHandle(stockReconcileScheduleId(storeCode)).describe()).scheduleId).toBe(stockReconcileScheduleId(storeCode));

    const hooks = [...js.sim.state.hooks.values()];
    expect(hooks.map((h) => h.event).sort()).toEqual([...HOOK_EVENTS].sort());
    expect(new Set(hooks.map((h) => h.url))).toEqual(new Set([`${PUBLIC_URL}/webhooks/jumpseller`]));
    expect([...js.sim.state.checkoutCustomFields.values()].map((f) => f.label).sort()).toEqual(['Giro', 'RUT', 'Razón social', 'Tipo de documento']);

    const row = await storeRow();
    expect(row).toMatchObject({ auth_kind: 'oauth', status: 'active', name: 'Tienda OAuth' });
    const raw = JSON.stringify(row);
    const secrets = [...js.sim.state.oauth.accessTokens.keys(), ...js.sim.state.oauth.refreshTokens.keys(), js.sim.hooksToken];
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const s of secrets) expect(raw).not.toContain(s);
    // …and they open with the key: the webhook ingress gets the real hooks token.
    expect(await registry.hooksToken(storeCode)).toBe(js.sim.hooksToken);
    expect((row.settings as { checkoutFieldIds?: Record<string, string> }).checkoutFieldIds).toMatchObject({ rut: expect.any(String) as unknown });
  });

  it('setting the relBase tokens finishes the install by itself (shipping product, first catalog sync); another install adds nothing', async () => {
    const hooksBefore = js.sim.state.hooks.size;
    const fieldsBefore = js.sim.state.checkoutCustomFields.size;
    const put = await app.request(`/admin/stores/${storeCode}/relbase-credentials`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userToken: rb.simulator.userToken, companyToken: rb.simulator.companyToken }),
    });
    expect(put.status).toBe(200);
    const { install } = (await put.json()) as { install: string };
    expect(install).toBe(`install:${storeCode}`);
    const report = (await temporal.workflow.getHandle(install).result()) as NonNullable<CallbackBody['steps']>;
    expect(report).toMatchObject({ hooksCreated: [], fieldsCreated: [], shippingProductCreated: true, relbasePending: null, catalogSync: 'started' });
    expect(rb.simulator.products().filter((p) => p.code === 'ENVIO')).toHaveLength(1);
    // The first catalog sync runs to its end; a new install neither makes another product nor starts another sync.
    await temporal.workflow.getHandle(catalogWorkflowId(storeCode)).result();
    const res = await callback(await authorize());
    const body = (await res.json()) as CallbackBody;
    expect(body.pending).toBeNull();
    expect(body.steps).toMatchObject({
      hooksCreated: [],
      fieldsCreated: [],
      shippingProductCreated: false,
      catalogSync: 'already ran',
      schedules: { stockReconcile: 'updated', orderReconcile: 'updated' },
    });
    expect(js.sim.state.hooks.size).toBe(hooksBefore);
    expect(js.sim.state.checkoutCustomFields.size).toBe(fieldsBefore);
    expect(rb.simulator.products().filter((p) => p.code === 'ENVIO')).toHaveLength(1);
    // The re-install kept the relBase tokens.
    expect(openCredentials(key, storeCode, (await storeRow()).credentials_sealed!).relbase).toEqual({ userToken: rb.simulator.userToken, companyToken: rb.simulator.companyToken });
  });

  it('answers an HTML page to a browser', async () => {
    const url = await authorize();
    const res = await app.request(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('Tienda OAuth');
  });

  it('refuses a state used twice, a made-up state, and a callback without a code', async () => {
    const url = await authorize();
    expect((await callback(url)).status).toBe(200);
    const replay = await callback(url);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/state/);
    const forged = new URL(url);
    forged.searchParams.set('state', 'made-up');
    expect((await callback(forged)).status).toBe(400);
    expect((await app.request('/oauth/callback?state=x')).status).toBe(400);
    expect((await app.request('/oauth/callback?error=access_denied')).status).toBe(400);
  });

  it('answers 503 naming what is missing when the app is not configured', async () => {
    const off = installApp({ oauth: undefined, secretsKeyring: undefined });
    const res = await off.request('/install');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/JUMPSELLER_APP_CLIENT_ID.*SECRETS_KEY/);
  });
});

describe('installing with wrong app credentials', () => {
  it("answers 503 and raises the alert when Jumpseller refuses the app's own credentials (invalid_client)", async () => {
    let alerts = 0;
    const wrong = installApp({ oauth: oauthClient({ clientSecret: 'not-the-app-secret' }), onConfigurationError: () => alerts++ });
    const start = await wrong.request(`/install?store=${storeCode}`);
    const approved = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const cb = new URL(approved.headers.get('location')!);
    const res = await wrong.request(`${cb.pathname}${cb.search}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/refused this app's credentials/);
    expect(alerts).toBe(1);
  });
});

describe('access tokens', () => {
  beforeAll(removeSchedules);
  it('are refreshed before they expire, and the refresh token that comes back is the one kept', async () => {
    const manager = tokens();
    const before = openCredentials(key, storeCode, (await storeRow()).credentials_sealed!);
    expect(await manager.accessToken(storeCode)).toBe(before.jumpseller.accessToken);

    clockOffsetMs = 56 * 60_000; // 4 minutes before the hour: inside the refresh margin
    const requestsBefore = tokenRequests;
    const fresh = await manager.accessToken(storeCode);
    clockOffsetMs = 0;
    expect(tokenRequests - requestsBefore).toBe(1);
    expect(fresh).not.toBe(before.jumpseller.accessToken);
    const after = openCredentials(key, storeCode, (await storeRow()).credentials_sealed!);
    expect(after.jumpseller.accessToken).toBe(fresh);
    expect(after.jumpseller.refreshToken).not.toBe(before.jumpseller.refreshToken);
    expect(js.sim.state.oauth.refreshTokens.has(after.jumpseller.refreshToken)).toBe(true);
    expect((await storeRow()).access_token_expires_at!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('are refreshed once, not once per process, when two processes find them expiring together', async () => {
    await db
      .updateTable('stores')
      .set({ access_token_expires_at: new Date(Date.now() + 60_000) })
      .where('code', '=', storeCode)
      .execute();
    // Two pools stand for two processes: the row lock, not an in-process map, keeps them to one refresh.
    const a = createOAuthTokenManager({ db, secretsKeyring: key, oauth: oauthClient() });
    const b = createOAuthTokenManager({ db: db2, secretsKeyring: key, oauth: oauthClient() });
    const requestsBefore = tokenRequests;
    const [ta, tb] = await Promise.all([a.accessToken(storeCode), b.accessToken(storeCode)]);
    expect(ta).toBe(tb);
    expect(tokenRequests - requestsBefore).toBe(1);
  });

  it('are refreshed after a 401, and the call that got it succeeds', async () => {
    const store = await registry.get(storeCode);
    expect((await store!.jumpseller.getStoreInfo()).code).toBe(storeCode);
    const tokenBefore = openCredentials(key, storeCode, (await storeRow()).credentials_sealed!).jumpseller.accessToken;
    // Jumpseller's clock says the token is dead while ours still thinks it fresh (skew, early revocation).
    js.sim.advanceClock(2 * 3_600_000);
    const requestsBefore = tokenRequests;
    expect((await store!.jumpseller.getStoreInfo()).code).toBe(storeCode);
    expect(tokenRequests - requestsBefore).toBe(1);
    expect(openCredentials(key, storeCode, (await storeRow()).credentials_sealed!).jumpseller.accessToken).not.toBe(tokenBefore);
  });

  it('hold no row lock while the token endpoint answers: the row stays writable, the claim says who refreshes', async () => {
    await expireSoon();
    let reached!: () => void;
    const atTokenEndpoint = new Promise<void>((r) => (reached = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const gated: typeof fetch = async (input, init) => {
      reached();
      await gate;
      return oauthFetch(input, init);
    };
    const manager = createOAuthTokenManager({ db, secretsKeyring: key, oauth: oauthClient({ fetch: gated }) });
    const refreshing = manager.accessToken(storeCode);
    await atTokenEndpoint;
    // Another session locks the row at once (it waited behind a `for update` held across HTTP before).
    const locked = await db2.transaction().execute((trx) => sql`select code from stores where code = ${storeCode} for update nowait`.execute(trx));
    expect(locked.rows).toHaveLength(1);
    expect((await storeRow()).refresh_claim_owner).toBeTruthy();
    open();
    const token = await refreshing;
    expect((await storedCredentials()).accessToken).toBe(token);
    expect((await storeRow()).refresh_claim_owner).toBeNull();
  });

  it("raise an alert and leave the store alone when Jumpseller refuses the app's own credentials (invalid_client)", async () => {
    await expireSoon();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    let alerts = 0;
    const manager = createOAuthTokenManager({
      db,
      secretsKeyring: key,
      oauth: oauthClient({ clientSecret: 'not-the-app-secret' }),
      logger: createLogger('info', sink),
      onConfigurationError: () => alerts++,
    });
    const before = await storeRow();
    const err = (await manager.accessToken(storeCode).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('misconfigured');
    expect(err.transient).toBe(true); // Temporal keeps retrying until the operator fixes the variables
    expect(alerts).toBe(1);
    expect(await storeRow()).toMatchObject({ status: 'active', status_reason: null, credentials_sealed: before.credentials_sealed, refresh_claim_owner: null });
    const log = lines.join('');
    expect(log).toMatch(/"level":50[^\n]*JUMPSELLER_APP_CLIENT_SECRET/);
    expect(log).not.toContain('not-the-app-secret');
  });

  it('record a rotated refresh token before using the new access token, even when the first commit fails', async () => {
    js.sim.state.oauth.revokeUsedRefreshTokens = true; // strict rotation: losing the new refresh token would be fatal
    await installCommitFailure();
    try {
      await expireSoon();
      const manager = createOAuthTokenManager({ db, secretsKeyring: key, oauth: oauthClient(), sleep: () => Promise.resolve() });
      const before = await storedCredentials();
      const requests = tokenRequests;
      await sql`insert into test_fail_credentials (code) values (${storeCode})`.execute(db);
      const err = (await manager.accessToken(storeCode).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.transient).toBe(true);
      expect(err.message).toMatch(/could not be recorded yet/);
      expect(tokenRequests - requests).toBe(1);
      expect(js.sim.state.oauth.refreshTokens.get(before.refreshToken)?.revoked).toBe(true); // Jumpseller rotated
      expect((await storedCredentials()).refreshToken).toBe(before.refreshToken); // nothing recorded, nothing used

      await sql`delete from test_fail_credentials`.execute(db);
      const token = await manager.accessToken(storeCode);
      expect(tokenRequests - requests).toBe(1); // it recorded what it held instead of refreshing again
      const after = await storedCredentials();
      expect(after.accessToken).toBe(token);
      expect(js.sim.state.oauth.refreshTokens.get(after.refreshToken)?.revoked).toBe(false);
      expect((await storeRow()).status).toBe('active');
    } finally {
      js.sim.state.oauth.revokeUsedRefreshTokens = false;
      await removeCommitFailure();
    }
  });

  it('are refreshed once for a storm of 401s, not once or twice per call', async () => {
    laterMs += REJECTED_REFRESH_INTERVAL_MS; // a minute after the 401 test's refresh
    const store = await registry.get(storeCode);
    expect((await store!.jumpseller.getStoreInfo()).code).toBe(storeCode); // a good token in hand
    js.sim.state.oauth.rejectAllAccessTokens = true; // every token refused, new ones included
    const requests = tokenRequests;
    try {
      const together = await Promise.allSettled(Array.from({ length: 5 }, () => store!.jumpseller.getStoreInfo()));
      expect(together.every((r) => r.status === 'rejected')).toBe(true);
      for (let i = 0; i < 3; i++) await expect(store!.jumpseller.getStoreInfo()).rejects.toBeInstanceOf(ApiError);
      expect(tokenRequests - requests).toBe(1);
    } finally {
      js.sim.state.oauth.rejectAllAccessTokens = false;
    }
    // The token refreshed then is good: the next call goes through with it.
    expect((await store!.jumpseller.getStoreInfo()).code).toBe(storeCode);
    expect(tokenRequests - requests).toBe(1);
  });

  it('a refused refresh marks the store needs_reinstall with the reason, and a new install brings it back', async () => {
    laterMs += REJECTED_REFRESH_INTERVAL_MS; // a minute after the last refresh for a rejected token
    const store = await registry.get(storeCode);
    js.sim.revokeAllTokens(); // the merchant uninstalled the app
    await expect(store!.jumpseller.getStoreInfo()).rejects.toMatchObject({ code: 'auth' });
    const row = await storeRow();
    expect(row.status).toBe('needs_reinstall');
    expect(row.status_reason).toMatch(/refresh refused.*install the app again/);
    expect(await registry.get(storeCode)).toBeUndefined();
    expect(await registry.codes()).not.toContain(storeCode);
    // Further calls fail fast without asking the OAuth server again.
    const requestsBefore = tokenRequests;
    await expect(tokens().accessToken(storeCode)).rejects.toThrow(/installed again/);
    expect(tokenRequests).toBe(requestsBefore);

    const res = await callback(await authorize());
    expect(res.status).toBe(200);
    expect(await storeRow()).toMatchObject({ status: 'active', status_reason: null });
    expect(await registry.codes()).toContain(storeCode);
  });
});

describe('reactivating a store', () => {
  const reactivate = () => app.request(`/admin/stores/${storeCode}/reactivate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('brings back a store marked needs_reinstall by mistake, after Jumpseller answers with its token, and audits it', async () => {
    await markNeedsReinstall(db, storeCode, 'token refresh refused (401 invalid_client): marked by an older version');
    expect(await registry.get(storeCode)).toBeUndefined();
    const res = await reactivate();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ store: storeCode, status: 'active', reactivated: true, jumpseller: 'ok' });
    expect(await storeRow()).toMatchObject({ status: 'active', status_reason: null });
    expect(await registry.codes()).toContain(storeCode);
    const audit = await db.selectFrom('admin_audit_log').selectAll().where('store_code', '=', storeCode).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor: 'admin', action: 'POST /admin/stores/:code/reactivate', outcome: 'ok', details: { previousStatus: 'needs_reinstall' } });
  });

  it('answers 409 and keeps the mark when Jumpseller still refuses the grant (the app was uninstalled)', async () => {
    js.sim.revokeAllTokens();
    await markNeedsReinstall(db, storeCode, 'uninstalled');
    const res = await reactivate();
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/still refuses.*install the app again/);
    expect((await storeRow()).status).toBe('needs_reinstall');
  });
});

describe('admission: an install nobody approved', () => {
  it('waits as pending_approval with nothing made for it, until an operator approves it and it installs', async () => {
    // A store this service has never seen, installed where INSTALL_AUTO_APPROVE_STORES does not name it.
    await db.deleteFrom('stores').where('code', '=', storeCode).execute();
    js.sim.state.hooks.clear();
    const strict = installApp(); // INSTALL_AUTO_APPROVE_STORES unset
    const url = await authorize();
    const res = await strict.request(`${url.pathname}${url.search}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CallbackBody & { approval: string };
    expect(body).toMatchObject({ installed: true, store: storeCode, approval: 'pending', workflowId: null, steps: null });
    expect(body.pending).toMatch(/must approve.*ops -- approve/);
    expect(await storeRow()).toMatchObject({ status: 'pending_approval' });
    expect(await registry.get(storeCode)).toBeUndefined();
    expect(await registry.codes()).not.toContain(storeCode);
    // The webhook ingress gets no hooks token for it: its signed deliveries are refused like a stranger's.
    expect(await registry.hooksToken(storeCode)).toBeUndefined();
    expect(js.sim.state.hooks.size).toBe(0);

    const admin = (path: string) => app.request(`/admin/stores/${storeCode}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect((await admin('reactivate')).status).toBe(409);
    expect((await admin('install')).status).toBe(409);
    const approved = await admin('approve');
    expect(approved.status).toBe(200);
    const report = (await approved.json()) as NonNullable<CallbackBody['steps']> & { approved: boolean; state: string };
    expect(report).toMatchObject({ approved: true, state: 'done', relbasePending: expect.stringMatching(/no relBase tokens yet/) as unknown });
    expect([...report.hooksCreated].sort()).toEqual([...HOOK_EVENTS].sort());
    expect(await storeRow()).toMatchObject({ status: 'active', status_reason: null });
    expect(js.sim.state.hooks.size).toBe(HOOK_EVENTS.length);
    expect(await registry.hooksToken(storeCode)).toBe(js.sim.hooksToken);
    expect((await admin('approve')).status).toBe(409);
    const audit = await db
      .selectFrom('admin_audit_log')
      .selectAll()
      .where('store_code', '=', storeCode)
      .where('action', '=', 'POST /admin/stores/:code/approve')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'refused']);
  });
});

describe('relBase tokens set while an install runs', () => {
  it('the running install does its relBase steps with them instead of reporting them missing', async () => {
    await removeSchedules();
    // A store without relBase tokens (admission above re-created it), and a slow Jumpseller: the
    // install reads the store, then spends seconds on its Jumpseller steps.
    expect(openCredentials(key, storeCode, (await storeRow()).credentials_sealed!).relbase).toBeNull();
    js.sim.setFaults({ latencyMs: 1500 });
    try {
      const handle = await startInstall({ temporal, taskQueue: mainTaskQueue, storeCode, publicUrl: PUBLIC_URL, firstCatalogSync: false });
      await expect.poll(async () => (await handle.query(installStateQuery)).step, { timeout: 30_000, interval: 50 }).not.toBe('reading the store');
      const put = await app.request(`/admin/stores/${storeCode}/relbase-credentials`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userToken: rb.simulator.userToken, companyToken: rb.simulator.companyToken }),
      });
      expect(await put.json()).toMatchObject({ relbase: 'connected', install: `install:${storeCode}` });
      const report = (await handle.result()) as NonNullable<CallbackBody['steps']>;
      expect(report.relbasePending).toBeNull();
      expect(rb.simulator.products().filter((p) => p.code === 'ENVIO')).toHaveLength(1);
    } finally {
      js.sim.setFaults({ latencyMs: 0 });
    }
  });
});
