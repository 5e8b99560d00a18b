/**
 * The Jumpseller app install against the simulator (its OAuth server at its root): /install →
 * authorize → /oauth/callback; hooks and checkout fields created once; tokens sealed in the row;
 * access tokens refreshed before expiry and after a 401, one writer at a time; a refused refresh
 * marks the store as needing a re-install.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { installRoutes } from '../../src/api/install/routes.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { HOOK_EVENTS } from '../../src/install/install-plan.js';
import { createJumpsellerOAuthClient, OAUTH_SCOPES } from '../../src/jumpseller/oauth.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startJumpsellerSimulator, type RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import { createOAuthTokenManager, openCredentials, saveRelbaseCredentials } from '../../src/stores/oauth-tokens.js';
import { createStoreRegistry, type StoreRegistry } from '../../src/stores/registry.js';

const PUBLIC_URL = 'http://service.test';
const key = randomBytes(32);
let js: RunningJumpsellerSimulator;
let rb: RunningRelbaseSimulator;
let db: Db;
let db2: Db;
let connection: Connection;
let app: Hono;
let registry: StoreRegistry;
let storeCode: string;
/** Added to the token manager's clock: moves "now" without touching the simulator. */
let clockOffsetMs = 0;
let tokenRequests = 0;

const oauthFetch: typeof fetch = (input, init) => {
  tokenRequests++;
  return fetch(input, init);
};

function oauthClient() {
  return createJumpsellerOAuthClient({
    oauthUrl: js.url,
    clientId: js.sim.oauthClient.clientId,
    clientSecret: js.sim.oauthClient.clientSecret,
    redirectUri: `${PUBLIC_URL}/oauth/callback`,
    fetch: oauthFetch,
  });
}

const tokens = () => createOAuthTokenManager({ db, secretsKey: key, oauth: oauthClient(), now: () => Date.now() + clockOffsetMs });

beforeAll(async () => {
  storeCode = `oauth-${randomBytes(3).toString('hex')}`;
  js = await startJumpsellerSimulator({ storeCode, storeName: 'Tienda OAuth' });
  rb = await startRelbaseSimulator({ port: 0 });
  db = createDatabase(inject('databaseUrl'), { maxConnections: 2 });
  db2 = createDatabase(inject('databaseUrl'), { maxConnections: 2 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  registry = createStoreRegistry({ db, jumpsellerApiUrl: js.apiUrl, relbaseApiUrl: rb.apiUrl, configured: [], oauth: { secretsKey: key, tokens: tokens() } });
  const logger = createLogger('silent');
  app = createApp({
    db,
    temporal: new Client({ connection }),
    logger,
    metrics: createMetrics(),
    routes: [installRoutes({ db, stores: registry, logger, oauth: oauthClient(), secretsKey: key, jumpsellerApiUrl: js.apiUrl, publicUrl: PUBLIC_URL })],
  });
});

afterAll(async () => {
  await js?.close();
  await rb?.close();
  await connection?.close();
  await db?.destroy();
  await db2?.destroy();
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
  steps: { hooksCreated: string[]; fieldsCreated: string[]; shippingProductCreated: boolean } | null;
  pending: string | null;
}

async function callback(url: URL): Promise<Response> {
  return app.request(`${url.pathname}${url.search}`, { headers: { accept: 'application/json' } });
}

const storeRow = () => db.selectFrom('stores').selectAll().where('code', '=', storeCode).executeTakeFirstOrThrow();

describe('installing the app', () => {
  it('creates the hooks and checkout fields, keeps the tokens sealed, and says relBase is still to connect', async () => {
    const res = await callback(await authorize());
    expect(res.status).toBe(200);
    const body = (await res.json()) as CallbackBody;
    expect(body).toMatchObject({ installed: true, store: storeCode, steps: null });
    expect(body.pending).toMatch(/relBase credentials/);

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

  it('a second install adds no hook and no field; with relBase connected it finishes with the shipping product', async () => {
    await saveRelbaseCredentials(db, key, storeCode, { userToken: rb.simulator.userToken, companyToken: rb.simulator.companyToken });
    const hooksBefore = js.sim.state.hooks.size;
    const fieldsBefore = js.sim.state.checkoutCustomFields.size;
    const res = await callback(await authorize());
    const body = (await res.json()) as CallbackBody;
    expect(body.pending).toBeNull();
    expect(body.steps).toEqual(expect.objectContaining({ hooksCreated: [], fieldsCreated: [], shippingProductCreated: true }));
    expect(js.sim.state.hooks.size).toBe(hooksBefore);
    expect(js.sim.state.checkoutCustomFields.size).toBe(fieldsBefore);
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
    const off = createApp({
      db,
      temporal: new Client({ connection }),
      logger: createLogger('silent'),
      metrics: createMetrics(),
      routes: [installRoutes({ db, stores: registry, logger: createLogger('silent'), oauth: undefined, secretsKey: undefined, jumpsellerApiUrl: js.apiUrl, publicUrl: PUBLIC_URL })],
    });
    const res = await off.request('/install');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/JUMPSELLER_APP_CLIENT_ID.*SECRETS_KEY/);
  });
});

describe('access tokens', () => {
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
    await db.updateTable('stores').set({ access_token_expires_at: new Date(Date.now() + 60_000) }).where('code', '=', storeCode).execute();
    // Two pools stand for two processes: the row lock, not an in-process map, keeps them to one refresh.
    const a = createOAuthTokenManager({ db, secretsKey: key, oauth: oauthClient() });
    const b = createOAuthTokenManager({ db: db2, secretsKey: key, oauth: oauthClient() });
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

  it('a refused refresh marks the store needs_reinstall with the reason, and a new install brings it back', async () => {
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
