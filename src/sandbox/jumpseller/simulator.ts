/**
 * A wire-compatible Jumpseller store for tests and demos: the `/v1` REST API (rate limited,
 * authenticated, with injectable faults), OAuth at the root, signed webhooks with production-like
 * retries, duplicates and reordering, and `/_sim/*` to drive and inspect it. Build the app here;
 * serve it with server.ts or call `app.request()` directly.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { faultMiddleware, noFaults } from '../faults.js';
import type { Faults } from '../faults.js';
import { requireAuth } from './auth.js';
import { createApiRoutes } from './api-routes.js';
import { createCatalogOperations } from './catalog-operations.js';
import type { NewProduct, ProductChange, VariantChange } from './catalog-operations.js';
import { createControlRoutes } from './control-routes.js';
import { createOAuthRoutes, issueTokens, revokeAllTokens } from './oauth-routes.js';
import type { IssuedTokens } from './oauth-routes.js';
import { createOrderOperations } from './order-operations.js';
import type { PlaceOrder } from './order-operations.js';
import { SimRequestError } from './sim-errors.js';
import { createSimState, emptyStats, freshIds, randomSecret, simNow } from './state.js';
import type { SimOrder, SimProduct, SimState, SimVariant } from './state.js';
import { requestStats, rateLimit } from './traffic.js';
import { createWebhookDispatcher } from './webhook-delivery.js';
import type { DeliveryAttempt, WebhookDeliveryOptions } from './webhook-delivery.js';

export interface JumpsellerSimulatorOptions {
  storeCode?: string;
  storeName?: string;
  login?: string;
  authToken?: string;
  hooksToken?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  /** Requests per second and per minute; Jumpseller's are 20 and 800. */
  rateLimit?: { perSecond?: number; perMinute?: number };
  webhooks?: Partial<WebhookDeliveryOptions>;
  /** Base URL the simulator is reachable at (image URLs); startJumpsellerSimulator sets it. */
  publicUrl?: string;
  /** For webhook delivery; defaults to the global fetch. */
  deliveryFetch?: typeof fetch;
  /** Drives injected faults and random reordering; inject for determinism. */
  random?: () => number;
}

/** What `GET /_sim/requests` reports. */
export interface RequestReport {
  total: number;
  /** e.g. `GET /v1/products/:id/variants.json` → 3 */
  byRoute: Record<string, number>;
  /** Every 429 (and 403-with-Remaining-0) answered, rate limiter or injected. */
  throttled: number;
  /** Successful POST/PUT/DELETE calls. */
  writes: number;
  /** The most API requests that arrived within any 1 s. */
  peakPerSecond: number;
  injectedErrors: number;
  injectedThrottles: number;
  committedThenFailed: number;
}

export interface JumpsellerSimulator {
  app: Hono;
  state: SimState;
  oauthClient: { clientId: string; clientSecret: string };
  /** Basic-auth credentials of the store. */
  credentials: { login: string; authToken: string };
  /** The current hooks token (it changes with resetHooksToken). */
  readonly hooksToken: string;
  /** Gives the store a new hooks token, as a merchant can in the admin; returns it. */
  resetHooksToken(): string;
  setPublicUrl(url: string): void;

  placeOrder(input: PlaceOrder): SimOrder;
  /** `paidAt` (epoch ms): when the order was paid (`completed_at`); default now. */
  payOrder(id: number, paidAt?: number): SimOrder;
  cancelOrder(id: number): SimOrder;
  abandonOrder(id: number): SimOrder;
  createProduct(input: NewProduct): SimProduct;
  updateProduct(id: number, change: ProductChange): SimProduct;
  updateVariant(productId: number, variantId: number, change: VariantChange): SimVariant;
  deleteProduct(id: number): void;

  requestStats(): RequestReport;
  /** Zeroes the request counters (not the rate-limit window), to measure one phase of a test. */
  resetRequestStats(): void;
  setFaults(faults: Partial<Faults>): Faults;
  /** `banForMs` starts a temporary ban from now (0 lifts it). */
  setRateLimit(limits: { perSecond?: number; perMinute?: number; legacy403Next?: number; banForMs?: number }): {
    perSecond: number;
    perMinute: number;
    legacy403Next: number;
    bannedUntil: number;
  };
  setWebhookOptions(options: Partial<WebhookDeliveryOptions>): WebhookDeliveryOptions;
  deliveries(): DeliveryAttempt[];
  /** Resolves once every webhook delivery and retry in flight has finished. */
  flushDeliveries(): Promise<void>;
  /** Moves the simulator's clock (token expiry, dates); returns the new now. */
  advanceClock(ms: number): number;
  /** Hands out OAuth tokens without the redirect dance. */
  issueAccessToken(scope?: string): IssuedTokens;
  revokeAllTokens(): void;
  /** Forgets catalogue, orders, hooks, fields, tokens, faults, counters and deliveries; keeps credentials. */
  reset(): void;
  /** Stops pending webhook retries (shutdown). */
  stop(): void;
}

function errorAnswer(err: Error, c: Context): Response {
  if (err instanceof SimRequestError) {
    return c.json({ message: err.message, ...(err.errors ? { errors: err.errors } : {}) }, err.status);
  }
  return c.json({ message: 'Internal Server Error' }, 500);
}

export function createJumpsellerSimulator(opts: JumpsellerSimulatorOptions = {}): JumpsellerSimulator {
  const random = opts.random ?? Math.random;
  const state = createSimState({
    storeCode: opts.storeCode ?? 'tienda-simulada',
    storeName: opts.storeName ?? 'Tienda Simulada',
    login: opts.login ?? 'sim-login',
    authToken: opts.authToken ?? randomSecret(16),
    hooksToken: opts.hooksToken ?? randomSecret(16),
    clientId: opts.oauthClientId ?? 'sim-client-id',
    clientSecret: opts.oauthClientSecret ?? randomSecret(16),
    perSecond: opts.rateLimit?.perSecond ?? 20,
    perMinute: opts.rateLimit?.perMinute ?? 800,
    publicUrl: opts.publicUrl ?? 'http://localhost',
  });
  const webhooks = createWebhookDispatcher(state, {
    ...(opts.deliveryFetch ? { fetch: opts.deliveryFetch } : {}),
    random,
    ...(opts.webhooks ? { options: opts.webhooks } : {}),
  });
  const catalog = createCatalogOperations(state, webhooks);
  const orders = createOrderOperations(state, webhooks, catalog);

  const app = new Hono();
  const sim: JumpsellerSimulator = {
    app,
    state,
    oauthClient: { clientId: state.oauth.clientId, clientSecret: state.oauth.clientSecret },
    credentials: state.credentials,
    get hooksToken() {
      return state.store.hooks_token;
    },
    resetHooksToken: () => {
      state.store.hooks_token = randomSecret(16);
      return state.store.hooks_token;
    },
    setPublicUrl: (url) => {
      state.publicUrl = url.replace(/\/+$/, '');
    },
    ...orders,
    createProduct: (input) => catalog.createProduct(input),
    updateProduct: (id, change) => catalog.updateProduct(id, change),
    updateVariant: (productId, variantId, change) => catalog.updateVariant(productId, variantId, change),
    deleteProduct: (id) => catalog.deleteProduct(id),
    requestStats: () => {
      const { recent: _recent, ...stats } = state.stats;
      return { ...stats, byRoute: { ...stats.byRoute }, ...state.counters };
    },
    resetRequestStats: () => {
      state.stats = emptyStats();
    },
    setFaults: (faults) => {
      state.faults = { ...state.faults, ...faults };
      return state.faults;
    },
    setRateLimit: ({ banForMs, ...limits }) => {
      Object.assign(state.rateLimit, limits);
      if (banForMs !== undefined) state.rateLimit.bannedUntil = banForMs > 0 ? simNow(state) + banForMs : 0;
      const { perSecond, perMinute, legacy403Next, bannedUntil } = state.rateLimit;
      return { perSecond, perMinute, legacy403Next, bannedUntil };
    },
    setWebhookOptions: (options) => {
      webhooks.options = { ...webhooks.options, ...options };
      return webhooks.options;
    },
    deliveries: () => [...webhooks.log],
    flushDeliveries: () => webhooks.flush(),
    advanceClock: (ms) => {
      state.clockOffsetMs += ms;
      return simNow(state);
    },
    issueAccessToken: (scope = 'read_store read_orders read_products write_products read_hooks write_hooks read_settings write_settings') => issueTokens(state, scope),
    revokeAllTokens: () => revokeAllTokens(state),
    reset: () => {
      webhooks.cancelPending();
      webhooks.log.length = 0;
      state.products.clear();
      state.orders.clear();
      state.hooks.clear();
      state.checkoutCustomFields.clear();
      state.oauth.codes.clear();
      state.oauth.accessTokens.clear();
      state.oauth.refreshTokens.clear();
      state.oauth.revokeUsedRefreshTokens = false;
      state.oauth.rejectAllAccessTokens = false;
      state.ids = freshIds();
      state.faults = noFaults();
      state.counters = { injectedErrors: 0, injectedThrottles: 0, committedThenFailed: 0 };
      state.rateLimit.counted = [];
      state.rateLimit.legacy403Next = 0;
      state.rateLimit.bannedUntil = 0;
      state.stats = emptyStats();
    },
    stop: () => webhooks.cancelPending(),
  };

  const api = createApiRoutes(state, catalog);
  api.onError(errorAnswer);
  const throttleAnswer = () => new Response(JSON.stringify({ message: 'Too Many Requests' }), { status: 429, headers: { 'content-type': 'application/json' } });

  app.use('/v1/*', requestStats(state));
  app.use('/v1/*', rateLimit(state));
  app.use('/v1/*', faultMiddleware(state, throttleAnswer, random));
  app.use('/v1/*', requireAuth(state));
  app.route('/v1', api);
  app.route('/oauth', createOAuthRoutes(state));
  const control = createControlRoutes(sim);
  control.onError(errorAnswer);
  app.route('/_sim', control);
  app.onError(errorAnswer);
  return sim;
}
