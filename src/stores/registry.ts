/**
 * Everything the service knows about a store, by its Jumpseller code: the hooks token that signs its
 * webhooks, its settings, and API clients bound to its credentials. Clients are built once per store
 * and process so each store's rate limiters are shared by every activity in that process.
 *
 * Single-store mode takes credentials from the configuration; installed (OAuth) stores take theirs
 * from their row, sealed with the SECRETS_KEY keyring, with access tokens refreshed by `oauth.tokens`. Settings
 * always come from the database.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import { findStore, listStoreCodes } from '../db/stores-repository.js';
import type { RateLimiter, RateWindow } from '../http/rate-limiter.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import { createJumpsellerClient, type JumpsellerClient } from '../jumpseller/client.js';
import { createRelbaseClient, type RelbaseClient } from '../relbase/client.js';
import { ApiError } from '../http/api-errors.js';
import type { Store } from '../db/schema.js';
import { hooksTokenContext, openCredentials, type AccessTokenSource } from './oauth-tokens.js';
import { openSecret } from './secrets.js';
import type { Keyring } from '../crypto/keyring.js';
import { readSettings, type StoreSettings } from './settings.js';

export interface StoreCredentials {
  code: string;
  jumpsellerLogin: string;
  jumpsellerAuthToken: string;
  hooksToken: string;
  relbaseUserToken: string;
  relbaseCompanyToken: string;
}

export interface StoreContext {
  code: string;
  hooksToken: string;
  settings: StoreSettings;
  jumpseller: JumpsellerClient;
  relbase: RelbaseClient;
  /** False for an installed store whose relBase tokens are not set yet (its relBase client refuses every call). */
  relbaseConnected: boolean;
}

export interface StoreRegistry {
  /** Undefined when the store is unknown or not active. */
  get(code: string): Promise<StoreContext | undefined>;
  /** Only the hooks token: the webhook ingress needs nothing else. Undefined for a store waiting for approval. */
  hooksToken(code: string): Promise<string | undefined>;
  codes(): Promise<string[]>;
}

/**
 * Every API call is made by an activity, and a throttling answer goes back to Temporal's retry
 * (src/activities/failures.ts) with the delay the API asked for, so the clients never retry one
 * themselves: an activity stays one HTTP call, and its retries show in its history. The clients'
 * limiters still pace the calls of one process.
 */
const SINGLE_CALL = { relbase: { throttleRetries: 0 }, jumpseller: { maxThrottleRetries: 0 } } as const;

export interface StoreRegistryOptions {
  db: Db;
  jumpsellerApiUrl: string;
  relbaseApiUrl: string;
  /** Stores configured through variables. */
  configured: StoreCredentials[];
  /** Installed (OAuth) stores; without it only configured stores exist. */
  oauth?: { secretsKeyring: Keyring; tokens: AccessTokenSource };
  /**
   * The configured stores' client limiters. Default: the published limits (Jumpseller 20/s and
   * 800/min, relBase 7/s); tests against simulators configured with higher limits raise them.
   */
  rateLimits?: { jumpseller?: RateWindow[]; relbase?: RateWindow[] };
  /** The configured stores' relBase limiter itself (tests hold it to keep calls waiting); wins over `rateLimits.relbase`. */
  relbaseLimiter?: RateLimiter;
}

export function createStoreRegistry(o: StoreRegistryOptions): StoreRegistry {
  const clients = new Map<string, { jumpseller: JumpsellerClient; relbase: RelbaseClient }>();
  const configured = new Map(o.configured.map((s) => [s.code, s]));

  function clientsFor(creds: StoreCredentials) {
    let c = clients.get(creds.code);
    if (!c) {
      c = {
        jumpseller: createJumpsellerClient({
          ...SINGLE_CALL.jumpseller,
          baseUrl: o.jumpsellerApiUrl,
          auth: { kind: 'basic', login: creds.jumpsellerLogin, authToken: creds.jumpsellerAuthToken },
          ...(o.rateLimits?.jumpseller ? { limiter: createRateLimiter(o.rateLimits.jumpseller) } : {}),
        }),
        relbase: createRelbaseClient({
          ...SINGLE_CALL.relbase,
          baseUrl: o.relbaseApiUrl,
          userToken: creds.relbaseUserToken,
          companyToken: creds.relbaseCompanyToken,
          ...(o.relbaseLimiter ? { limiter: o.relbaseLimiter } : o.rateLimits?.relbase ? { limiter: createRateLimiter(o.rateLimits.relbase) } : {}),
        }),
      };
      clients.set(creds.code, c);
    }
    return c;
  }

  const jumpsellerOAuthClients = new Map<string, JumpsellerClient>();
  const relbaseOAuthClients = new Map<string, RelbaseClient>();

  function oauthContext(row: Store, oauth: NonNullable<StoreRegistryOptions['oauth']>): StoreContext {
    const code = row.code;
    let jumpseller = jumpsellerOAuthClients.get(code);
    if (!jumpseller) {
      // A 401 gets a newer token and another try, inside the transport (see oauth-tokens.ts).
      jumpseller = createJumpsellerClient({
        ...SINGLE_CALL.jumpseller,
        baseUrl: o.jumpsellerApiUrl,
        auth: {
          kind: 'bearer',
          getAccessToken: () => oauth.tokens.accessToken(code),
          tokenRejected: (token) => oauth.tokens.refreshAfterRejection(code, token),
        },
      });
      jumpsellerOAuthClients.set(code, jumpseller);
    }
    const creds = openCredentials(oauth.secretsKeyring, code, row.credentials_sealed!);
    // Keyed by the tokens' digest: an operator changing them (in another process) gets a new client.
    const rbKey = creds.relbase ? `${code}:${createHash('sha256').update(`${creds.relbase.userToken}\n${creds.relbase.companyToken}`).digest('hex')}` : `${code}:none`;
    let relbase = relbaseOAuthClients.get(rbKey);
    if (!relbase) {
      relbase = creds.relbase
        ? createRelbaseClient({ ...SINGLE_CALL.relbase, baseUrl: o.relbaseApiUrl, userToken: creds.relbase.userToken, companyToken: creds.relbase.companyToken })
        : relbaseNotConnected(code);
      relbaseOAuthClients.set(rbKey, relbase);
    }
    return {
      code,
      hooksToken: openSecret(oauth.secretsKeyring, row.hooks_token_sealed!, hooksTokenContext(code)),
      settings: readSettings(row.settings),
      jumpseller,
      relbase,
      relbaseConnected: creds.relbase !== null,
    };
  }

  const isOAuthRow = (row: Store | undefined): row is Store =>
    o.oauth !== undefined && row?.auth_kind === 'oauth' && row.credentials_sealed !== null && row.hooks_token_sealed !== null;

  return {
    async get(code) {
      const creds = configured.get(code);
      const row = await findStore(o.db, code);
      if (!row || row.status !== 'active') return undefined;
      if (creds) return { code, hooksToken: creds.hooksToken, settings: readSettings(row.settings), ...clientsFor(creds), relbaseConnected: true };
      return isOAuthRow(row) ? oauthContext(row, o.oauth!) : undefined;
    },
    async hooksToken(code) {
      const creds = configured.get(code);
      if (creds) return creds.hooksToken;
      if (!o.oauth) return undefined;
      const row = await findStore(o.db, code);
      // A store nobody approved is not served: its signed webhooks are refused like a stranger's.
      if (row?.status === 'pending_approval') return undefined;
      return isOAuthRow(row) ? openSecret(o.oauth.secretsKeyring, row.hooks_token_sealed!, hooksTokenContext(code)) : undefined;
    },
    async codes() {
      const active = await listStoreCodes(o.db);
      if (!o.oauth) return active.filter((c) => configured.has(c));
      const rows = await o.db.selectFrom('stores').select(['code', 'auth_kind']).where('status', '=', 'active').execute();
      const oauthCodes = new Set(rows.filter((r) => r.auth_kind === 'oauth').map((r) => r.code));
      return active.filter((c) => configured.has(c) || oauthCodes.has(c));
    },
  };
}

/**
 * An installed store whose relBase tokens are not set yet: every relBase call fails with a permanent
 * error that says what to do, so orders wait as needs-attention instead of retrying blindly.
 */
function relbaseNotConnected(code: string): RelbaseClient {
  const refuse = () =>
    Promise.reject(new ApiError('relbase', 'auth', `store ${code} has no relBase credentials yet; set them with \`npm run ops -- relbase-credentials --store ${code}\``));
  return new Proxy({} as RelbaseClient, { get: () => refuse });
}
