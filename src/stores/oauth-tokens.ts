/**
 * OAuth stores' credentials, sealed in `stores`, and their access tokens kept fresh.
 *
 * Access tokens last an hour. A token is refreshed a few minutes before it expires, and at once when
 * the API answers 401 with it. One writer at a time: the refresh runs inside a transaction holding
 * the store's row (`select … for update`), and whoever gets the row second sees the new token and
 * uses it instead of refreshing again, across any number of processes. Jumpseller may rotate the
 * refresh token, so the one that comes back is always the one stored.
 *
 * A refused refresh means the merchant uninstalled the app or revoked it: the store is marked
 * `needs_reinstall` with the reason (the admin API and `ops stores` show it) and every call for it
 * fails with a permanent `auth` error until the store is installed again.
 */
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { ApiError } from '../http/api-errors.js';
import type { JumpsellerClient } from '../jumpseller/client-types.js';
import { OAuthRefusedError, oauthClientFromConfig, type JumpsellerOAuthClient, type OAuthTokens } from '../jumpseller/oauth.js';
import type { Logger } from '../observability/logger.js';
import { openJson, sealJson, sealSecret } from './secrets.js';

/** Refresh this long before the expiry the token endpoint gave, so a call never starts with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

const CredentialsSchema = z.object({
  jumpseller: z.object({ accessToken: z.string(), refreshToken: z.string() }),
  relbase: z.object({ userToken: z.string(), companyToken: z.string() }).nullable().default(null),
});

/** What `stores.credentials_sealed` holds for an installed store, once opened. */
export type SealedCredentials = z.infer<typeof CredentialsSchema>;

export const credentialsContext = (code: string) => `credentials:${code}`;
export const hooksTokenContext = (code: string) => `hooks-token:${code}`;

export function openCredentials(key: Buffer, code: string, sealed: string): SealedCredentials {
  return CredentialsSchema.parse(openJson(key, sealed, credentialsContext(code)));
}

function sealCredentials(key: Buffer, code: string, creds: SealedCredentials): string {
  return sealJson(key, creds, credentialsContext(code));
}

export interface InstalledStore {
  code: string;
  name: string | null;
  tokens: OAuthTokens;
  hooksToken: string;
}

/**
 * Records an OAuth install: new tokens and hooks token, sealed; the store active again. A re-install
 * keeps the store's settings and its relBase credentials.
 */
export async function saveInstalledStore(db: Db, key: Buffer, s: InstalledStore): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('stores').select(['credentials_sealed', 'auth_kind']).where('code', '=', s.code).forUpdate().executeTakeFirst();
    let relbase: SealedCredentials['relbase'] = null;
    if (existing?.credentials_sealed && existing.auth_kind === 'oauth') {
      try {
        relbase = openCredentials(key, s.code, existing.credentials_sealed).relbase;
      } catch {
        relbase = null; // sealed with another key: the operator sets relBase credentials again
      }
    }
    const values = {
      name: s.name,
      auth_kind: 'oauth',
      credentials_sealed: sealCredentials(key, s.code, { jumpseller: { accessToken: s.tokens.accessToken, refreshToken: s.tokens.refreshToken }, relbase }),
      hooks_token_sealed: sealSecret(key, s.hooksToken, hooksTokenContext(s.code)),
      access_token_expires_at: s.tokens.expiresAt,
      status: 'active',
      status_reason: null,
      updated_at: new Date(),
    };
    await trx
      .insertInto('stores')
      .values({ code: s.code, ...values, settings: JSON.stringify({}) })
      .onConflict((oc) => oc.column('code').doUpdateSet(values))
      .execute();
  });
}

/** Sets an installed store's relBase tokens (the OAuth install only connects Jumpseller). */
export async function saveRelbaseCredentials(db: Db, key: Buffer, code: string, relbase: { userToken: string; companyToken: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('stores').select(['credentials_sealed', 'auth_kind']).where('code', '=', code).forUpdate().executeTakeFirst();
    if (!row || row.auth_kind !== 'oauth' || !row.credentials_sealed) return false;
    const creds = openCredentials(key, code, row.credentials_sealed);
    await trx
      .updateTable('stores')
      .set({ credentials_sealed: sealCredentials(key, code, { ...creds, relbase }), updated_at: new Date() })
      .where('code', '=', code)
      .execute();
    return true;
  });
}

export async function markNeedsReinstall(db: Db, code: string, reason: string): Promise<void> {
  await db.updateTable('stores').set({ status: 'needs_reinstall', status_reason: reason, updated_at: new Date() }).where('code', '=', code).execute();
}

export interface AccessTokenSource {
  /** A token good for at least the refresh margin; refreshes when it is not. */
  accessToken(code: string): Promise<string>;
  /**
   * After a 401 with `rejected` (default: the token this process last handed out): a newer token,
   * refreshed here unless another writer already did.
   */
  refreshAfterRejection(code: string, rejected: string | undefined): Promise<string>;
}

export interface OAuthTokenManagerOptions {
  db: Db;
  secretsKey: Buffer;
  oauth: JumpsellerOAuthClient;
  logger?: Logger;
  now?: () => number;
  refreshMarginMs?: number;
}

function reinstallError(code: string, reason: string | null): ApiError {
  return new ApiError('jumpseller', 'auth', `store ${code} needs to be installed again (${reason ?? 'its authorisation was refused'})`, 401);
}

export function createOAuthTokenManager(o: OAuthTokenManagerOptions): AccessTokenSource & { lastHanded(code: string): string | undefined } {
  const now = o.now ?? Date.now;
  const margin = o.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  /** One refresh per store at a time inside this process; the row lock does it across processes. */
  const inFlight = new Map<string, Promise<string>>();

  const fresh = (expiresAt: number) => expiresAt - margin > now();

  async function refresh(code: string, rejected: string | undefined): Promise<string> {
    const outcome = await o.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('stores')
        .select(['credentials_sealed', 'access_token_expires_at', 'status', 'status_reason', 'auth_kind'])
        .where('code', '=', code)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.auth_kind !== 'oauth' || !row.credentials_sealed) {
        return { kind: 'error' as const, error: new ApiError('jumpseller', 'auth', `store ${code} has no OAuth credentials`, 401) };
      }
      if (row.status === 'needs_reinstall') return { kind: 'error' as const, error: reinstallError(code, row.status_reason) };
      const creds = openCredentials(o.secretsKey, code, row.credentials_sealed);
      const expiresAt = row.access_token_expires_at?.getTime() ?? 0;
      // Another writer refreshed while we waited for the row: use theirs.
      const someoneRefreshed = rejected === undefined ? fresh(expiresAt) : creds.jumpseller.accessToken !== rejected && fresh(expiresAt);
      if (someoneRefreshed) return { kind: 'ok' as const, token: creds.jumpseller.accessToken, expiresAt };
      let tokens: OAuthTokens;
      try {
        tokens = await o.oauth.refresh(creds.jumpseller.refreshToken);
      } catch (err) {
        if (!(err instanceof OAuthRefusedError)) throw err; // transient: nothing changed, the caller retries
        const reason = `token refresh refused at ${new Date(now()).toISOString()}: ${err.message}; install the app again`;
        await trx.updateTable('stores').set({ status: 'needs_reinstall', status_reason: reason, updated_at: new Date() }).where('code', '=', code).execute();
        o.logger?.warn({ store: code }, 'Jumpseller refused the token refresh: store marked needs_reinstall');
        return { kind: 'error' as const, error: reinstallError(code, reason) };
      }
      await trx
        .updateTable('stores')
        .set({
          credentials_sealed: sealCredentials(o.secretsKey, code, { ...creds, jumpseller: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } }),
          access_token_expires_at: tokens.expiresAt,
          updated_at: new Date(),
        })
        .where('code', '=', code)
        .execute();
      o.logger?.info({ store: code, expiresAt: tokens.expiresAt.toISOString() }, 'Jumpseller access token refreshed');
      return { kind: 'ok' as const, token: tokens.accessToken, expiresAt: tokens.expiresAt.getTime() };
    });
    if (outcome.kind === 'error') {
      cache.delete(code);
      throw outcome.error;
    }
    cache.set(code, { token: outcome.token, expiresAt: outcome.expiresAt });
    return outcome.token;
  }

  function refreshOnce(code: string, rejected: string | undefined): Promise<string> {
    let p = inFlight.get(code);
    if (!p) {
      p = refresh(code, rejected).finally(() => inFlight.delete(code));
      inFlight.set(code, p);
    }
    return p;
  }

  return {
    async accessToken(code) {
      const cached = cache.get(code);
      if (cached && fresh(cached.expiresAt)) return cached.token;
      const row = await o.db
        .selectFrom('stores')
        .select(['credentials_sealed', 'access_token_expires_at', 'status', 'status_reason'])
        .where('code', '=', code)
        .executeTakeFirst();
      if (row?.status === 'needs_reinstall') throw reinstallError(code, row.status_reason);
      const expiresAt = row?.access_token_expires_at?.getTime() ?? 0;
      if (row?.credentials_sealed && fresh(expiresAt)) {
        const token = openCredentials(o.secretsKey, code, row.credentials_sealed).jumpseller.accessToken;
        cache.set(code, { token, expiresAt });
        return token;
      }
      return refreshOnce(code, undefined);
    },
    refreshAfterRejection(code, rejected) {
      // Without a token named, the one last handed out is the rejected one; knowing none, refresh anyway.
      const r = rejected ?? cache.get(code)?.token ?? '';
      cache.delete(code);
      return refreshOnce(code, r);
    },
    lastHanded(code) {
      return cache.get(code)?.token;
    },
  };
}

/**
 * The same client, but a call answered 401 gets a newer token and is tried again: a token revoked or
 * expired early (clock skew) costs a retry, not a failed activity. Two rounds, because the first may
 * only adopt a token another process refreshed, which can be just as dead; the second then refreshes.
 */
export function withRefreshOn401(client: JumpsellerClient, onUnauthorized: () => Promise<unknown>): JumpsellerClient {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(client) as [string, unknown][]) {
    if (typeof fn !== 'function') {
      wrapped[name] = fn;
      continue;
    }
    const call = fn as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      for (let round = 0; ; round++) {
        try {
          return await call(...args);
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 401 || round >= 2) throw err;
          await onUnauthorized();
        }
      }
    };
  }
  return wrapped as unknown as JumpsellerClient;
}

/**
 * What the store registry needs to serve installed stores: SECRETS_KEY and a token manager. Undefined
 * without SECRETS_KEY (sealed rows cannot open) or without the app's OAuth credentials (cannot refresh).
 */
export function installedStoresFromConfig(
  db: Db,
  config: Parameters<typeof oauthClientFromConfig>[0] & { secretsKey: Buffer | undefined },
  logger?: Logger,
): { secretsKey: Buffer; tokens: AccessTokenSource } | undefined {
  const oauth = oauthClientFromConfig(config);
  if (!config.secretsKey || !oauth) return undefined;
  return { secretsKey: config.secretsKey, tokens: createOAuthTokenManager({ db, secretsKey: config.secretsKey, oauth, ...(logger ? { logger } : {}) }) };
}
