/**
 * OAuth stores' credentials, sealed in `stores`, and their access tokens kept fresh.
 *
 * Access tokens last an hour. A token is refreshed when it is expired (or within a few minutes of
 * it) and when Jumpseller rejects it (401); nothing else triggers a refresh.
 *
 * - **One refresher per store, across processes, without holding a lock across HTTP.** A refresher
 *   first *claims* the store's row with a short UPDATE (owner and expiry, `refresh_claim_*`); the
 *   claim outlives the token call's timeout. Others wait for the claim to go and then use the token
 *   it left. Inside one process, callers share one refresh per store (single flight).
 * - **Rotated tokens are recorded before they are used.** Jumpseller may rotate the refresh token: the
 *   answer is kept in memory and written (compare-and-set on the credentials it replaces) before the
 *   new access token is handed out; if the write fails it is retried, now and on the next call, so a
 *   failed commit never loses the only valid refresh token.
 * - **Rejections are rationed.** A 401 refreshes once; a token refreshed for a rejection less than
 *   `rejectedRefreshIntervalMs` ago that is rejected again is not refreshed again (the cause is not
 *   the token: a missing scope, an outage) and the call fails as transient `throttled`, so a stream of
 *   401s cannot become a stream of refreshes, and Temporal's retries pick the work up afterwards.
 * - **Only `invalid_grant` means "install again".** Then the store is marked `needs_reinstall` with
 *   the reason (the admin API and `ops stores` show it; `ops reactivate` undoes a wrong mark) and every
 *   call fails with a permanent `auth` error. A refusal of the app's own credentials
 *   (`invalid_client`…) is an operator's problem: it is alerted (error log and metric), no store is
 *   touched, and calls fail as transient `misconfigured` errors that Temporal retries until it is fixed.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { ApiError } from '../http/api-errors.js';
import { OAuthConfigurationError, OAuthGrantRefusedError, oauthClientFromConfig, type JumpsellerOAuthClient, type OAuthTokens } from '../jumpseller/oauth.js';
import type { Logger } from '../observability/logger.js';
import type { Keyring } from '../crypto/keyring.js';
import { openJson, sealJson, sealSecret } from './secrets.js';

/** A token this close to its expiry counts as expired, so a call never starts with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** How long a refresh claim holds: past the token call's 10 s timeout and the first write attempts. */
export const CLAIM_TTL_MS = 30_000;
/** At most one refresh per store for rejected tokens in this long. */
export const REJECTED_REFRESH_INTERVAL_MS = 60_000;
/** Waits between attempts to record refreshed tokens (then they wait in memory for the next call). */
const PERSIST_BACKOFF_MS = [0, 250, 1000, 2000];

const CredentialsSchema = z.object({
  jumpseller: z.object({ accessToken: z.string(), refreshToken: z.string() }),
  relbase: z.object({ userToken: z.string(), companyToken: z.string() }).nullable().default(null),
});

/** What `stores.credentials_sealed` holds for an installed store, once opened. */
export type SealedCredentials = z.infer<typeof CredentialsSchema>;

export const credentialsContext = (code: string) => `credentials:${code}`;
export const hooksTokenContext = (code: string) => `hooks-token:${code}`;

export function openCredentials(keyring: Keyring, code: string, sealed: string): SealedCredentials {
  return CredentialsSchema.parse(openJson(keyring, sealed, credentialsContext(code)));
}

export function sealCredentials(keyring: Keyring, code: string, creds: SealedCredentials): string {
  return sealJson(keyring, creds, credentialsContext(code));
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
/**
 * Saves an app install. A store approved before (active, or marked needs_reinstall) is active again;
 * a new one, or one still waiting, is active only when `admitted` (INSTALL_AUTO_APPROVE_STORES), else
 * it waits as `pending_approval`. Answers the store's status.
 */
export async function saveInstalledStore(db: Db, keyring: Keyring, s: InstalledStore, admitted: boolean): Promise<'active' | 'pending_approval'> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('stores').select(['credentials_sealed', 'auth_kind', 'status']).where('code', '=', s.code).forUpdate().executeTakeFirst();
    const status = admitted || (existing !== undefined && existing.status !== 'pending_approval') ? 'active' : 'pending_approval';
    let relbase: SealedCredentials['relbase'] = null;
    if (existing?.credentials_sealed && existing.auth_kind === 'oauth') {
      try {
        relbase = openCredentials(keyring, s.code, existing.credentials_sealed).relbase;
      } catch {
        relbase = null; // sealed with another key: the operator sets relBase credentials again
      }
    }
    const values = {
      name: s.name,
      auth_kind: 'oauth',
      credentials_sealed: sealCredentials(keyring, s.code, { jumpseller: { accessToken: s.tokens.accessToken, refreshToken: s.tokens.refreshToken }, relbase }),
      hooks_token_sealed: sealSecret(keyring, s.hooksToken, hooksTokenContext(s.code)),
      access_token_expires_at: s.tokens.expiresAt,
      status,
      status_reason: status === 'pending_approval' ? 'installed through the Jumpseller app; waiting for an operator to approve it' : null,
      refresh_claim_owner: null,
      refresh_claim_expires_at: null,
      rejected_token_refreshed_at: null,
      updated_at: new Date(),
    };
    await trx
      .insertInto('stores')
      .values({ code: s.code, ...values, settings: JSON.stringify({}) })
      .onConflict((oc) => oc.column('code').doUpdateSet(values))
      .execute();
    return status;
  });
}

/** Approves an install that waits (`pending_approval` → active); false when the store was not waiting. */
export async function approveStore(db: Db, code: string): Promise<boolean> {
  const result = await db
    .updateTable('stores')
    .set({ status: 'active', status_reason: null, updated_at: new Date() })
    .where('code', '=', code)
    .where('status', '=', 'pending_approval')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets an installed store's relBase tokens (the OAuth install only connects Jumpseller). */
export async function saveRelbaseCredentials(db: Db, keyring: Keyring, code: string, relbase: { userToken: string; companyToken: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('stores').select(['credentials_sealed', 'auth_kind']).where('code', '=', code).forUpdate().executeTakeFirst();
    if (!row || row.auth_kind !== 'oauth' || !row.credentials_sealed) return false;
    const creds = openCredentials(keyring, code, row.credentials_sealed);
    await trx
      .updateTable('stores')
      .set({ credentials_sealed: sealCredentials(keyring, code, { ...creds, relbase }), updated_at: new Date() })
      .where('code', '=', code)
      .execute();
    return true;
  });
}

export async function markNeedsReinstall(db: Db, code: string, reason: string): Promise<void> {
  await db.updateTable('stores').set({ status: 'needs_reinstall', status_reason: reason, updated_at: new Date() }).where('code', '=', code).execute();
}

/**
 * An operator's "this store is fine": active again, reason and refresh bookkeeping cleared. For a
 * store marked `needs_reinstall` by mistake (before this version, any refusal did it); if Jumpseller
 * still refuses its grant, the next call marks it again. False when there is no such store.
 */
export async function reactivateStore(db: Db, code: string): Promise<boolean> {
  const r = await db
    .updateTable('stores')
    .set({ status: 'active', status_reason: null, refresh_claim_owner: null, refresh_claim_expires_at: null, rejected_token_refreshed_at: null, updated_at: new Date() })
    .where('code', '=', code)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface AccessTokenSource {
  /** A token good for at least the refresh margin; refreshes when it is not. */
  accessToken(code: string): Promise<string>;
  /**
   * Jumpseller answered 401 to `rejected`: a newer token (another caller's refresh, or one refreshed
   * here), or an `auth` error when a refresh for a rejection happened too recently to try another.
   */
  refreshAfterRejection(code: string, rejected: string): Promise<string>;
}

export interface OAuthTokenManagerOptions {
  db: Db;
  secretsKeyring: Keyring;
  oauth: JumpsellerOAuthClient;
  logger?: Logger;
  now?: () => number;
  refreshMarginMs?: number;
  claimTtlMs?: number;
  rejectedRefreshIntervalMs?: number;
  /** The alert beside the error log when Jumpseller refuses the app's own credentials (a metric). */
  onConfigurationError?: () => void;
  /** Who claims refreshes (default: host, pid and a random tag). */
  owner?: string;
  sleep?: (ms: number) => Promise<void>;
}

function reinstallError(code: string, reason: string | null): ApiError {
  return new ApiError('jumpseller', 'auth', `store ${code} needs to be installed again (${reason ?? 'its authorisation was refused'})`, 401);
}

interface ClaimedRow {
  credentials_sealed: string | null;
  access_token_expires_at: Date | null;
  status: string;
  status_reason: string | null;
  rejected_token_refreshed_at: Date | null;
}

/** Tokens Jumpseller handed out and we have not recorded yet: never used before they are. */
interface PendingTokens {
  tokens: OAuthTokens;
  sealed: string;
  /** The sealed credentials they replace: recorded only over those (compare-and-set). */
  replaces: string;
  forRejection: boolean;
}

export function createOAuthTokenManager(o: OAuthTokenManagerOptions): AccessTokenSource & { lastHanded(code: string): string | undefined } {
  const now = o.now ?? Date.now;
  const margin = o.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const claimTtlMs = o.claimTtlMs ?? CLAIM_TTL_MS;
  const rejectedInterval = o.rejectedRefreshIntervalMs ?? REJECTED_REFRESH_INTERVAL_MS;
  const owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, PendingTokens>();
  /** One refresh per store at a time inside this process; the claim does it across processes. */
  const inFlight = new Map<string, Promise<string>>();

  const fresh = (expiresAt: number) => expiresAt - margin > now();

  /** Records tokens waiting in memory; their access token, or undefined when the row moved on without them. */
  async function recordPending(code: string): Promise<string | undefined> {
    const p = pending.get(code);
    if (!p) return undefined;
    let lastError: unknown;
    for (const wait of PERSIST_BACKOFF_MS) {
      if (wait > 0) await sleep(wait);
      try {
        const r = await o.db
          .updateTable('stores')
          .set({
            credentials_sealed: p.sealed,
            access_token_expires_at: p.tokens.expiresAt,
            ...(p.forRejection ? { rejected_token_refreshed_at: new Date(now()) } : {}),
            refresh_claim_owner: null,
            refresh_claim_expires_at: null,
            updated_at: new Date(),
          })
          .where('code', '=', code)
          .where('credentials_sealed', '=', p.replaces)
          .executeTakeFirst();
        pending.delete(code);
        if (r.numUpdatedRows === 0n) {
          // A new install replaced the credentials meanwhile: theirs are the ones to use.
          o.logger?.warn({ store: code }, 'refreshed Jumpseller tokens not recorded: the store was installed again meanwhile');
          return undefined;
        }
        cache.set(code, { token: p.tokens.accessToken, expiresAt: p.tokens.expiresAt.getTime() });
        o.logger?.info({ store: code, expiresAt: p.tokens.expiresAt.toISOString() }, 'Jumpseller access token refreshed');
        return p.tokens.accessToken;
      } catch (err) {
        lastError = err;
      }
    }
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    o.logger?.error({ store: code, err: why }, 'could not record refreshed Jumpseller tokens; kept in memory and recorded before use');
    throw new ApiError('jumpseller', 'network', `store ${code}: the refreshed tokens could not be recorded yet (${why}); they are kept and recorded on the next call`);
  }

  /** The row when this process now holds its refresh claim; `busy` when another does; undefined when it has no OAuth credentials. */
  async function claim(code: string): Promise<{ row: ClaimedRow } | 'busy' | undefined> {
    const row = await o.db
      .updateTable('stores')
      .set({ refresh_claim_owner: owner, refresh_claim_expires_at: sql<Date>`now() + ${`${claimTtlMs} milliseconds`}::interval` })
      .where('code', '=', code)
      .where('auth_kind', '=', 'oauth')
      .where('credentials_sealed', 'is not', null)
      .where((eb) => eb.or([eb('refresh_claim_owner', 'is', null), eb('refresh_claim_owner', '=', owner), eb('refresh_claim_expires_at', '<', sql<Date>`now()`)]))
      .returning(['credentials_sealed', 'access_token_expires_at', 'status', 'status_reason', 'rejected_token_refreshed_at'])
      .executeTakeFirst();
    if (row) return { row };
    const exists = await o.db
      .selectFrom('stores')
      .select('code')
      .where('code', '=', code)
      .where('auth_kind', '=', 'oauth')
      .where('credentials_sealed', 'is not', null)
      .executeTakeFirst();
    return exists ? 'busy' : undefined;
  }

  async function release(code: string): Promise<void> {
    await o.db
      .updateTable('stores')
      .set({ refresh_claim_owner: null, refresh_claim_expires_at: null })
      .where('code', '=', code)
      .where('refresh_claim_owner', '=', owner)
      .execute()
      .catch(() => undefined); // the claim expires by itself
  }

  async function refresh(code: string, rejected: string | undefined): Promise<string> {
    const deadline = Date.now() + claimTtlMs + 5_000;
    for (;;) {
      if (pending.has(code)) {
        const recorded = await recordPending(code);
        if (recorded !== undefined && recorded !== rejected) return recorded;
      }
      const claimed = await claim(code);
      if (claimed === undefined) throw new ApiError('jumpseller', 'auth', `store ${code} has no OAuth credentials`, 401);
      if (claimed === 'busy') {
        // Another process is refreshing: wait for its claim to go, then look at what it left.
        if (Date.now() > deadline) throw new ApiError('jumpseller', 'timeout', `store ${code}: another process has been refreshing its token for too long`);
        await sleep(200);
        continue;
      }
      const row = claimed.row;
      try {
        if (row.status === 'needs_reinstall') throw reinstallError(code, row.status_reason);
        const creds = openCredentials(o.secretsKeyring, code, row.credentials_sealed!);
        const expiresAt = row.access_token_expires_at?.getTime() ?? 0;
        if (fresh(expiresAt) && creds.jumpseller.accessToken !== rejected) {
          cache.set(code, { token: creds.jumpseller.accessToken, expiresAt });
          return creds.jumpseller.accessToken; // someone else refreshed already
        }
        const lastForRejection = row.rejected_token_refreshed_at?.getTime();
        if (rejected !== undefined && fresh(expiresAt) && lastForRejection !== undefined && now() - lastForRejection < rejectedInterval) {
          // Transient on purpose: Temporal retries the call later, and a retry after the window may
          // refresh again (and learn that the grant was revoked, if it was). Orders are not dropped.
          const waitMs = rejectedInterval - (now() - lastForRejection);
          throw new ApiError(
            'jumpseller',
            'throttled',
            `store ${code}: Jumpseller rejected an access token refreshed ${Math.round((now() - lastForRejection) / 1000)} s ago; not refreshing again for ${Math.ceil(waitMs / 1000)} s (the cause is not an old token: a missing scope, or a Jumpseller problem)`,
            401,
            waitMs,
          );
        }
        let tokens: OAuthTokens;
        try {
          tokens = await o.oauth.refresh(creds.jumpseller.refreshToken);
        } catch (err) {
          if (err instanceof OAuthGrantRefusedError) {
            const reason = `token refresh refused at ${new Date(now()).toISOString()}: ${err.message}; install the app again`;
            const marked = await o.db
              .updateTable('stores')
              .set({ status: 'needs_reinstall', status_reason: reason, updated_at: new Date() })
              .where('code', '=', code)
              .where('credentials_sealed', '=', row.credentials_sealed)
              .executeTakeFirst();
            if (marked.numUpdatedRows === 0n) continue; // the credentials changed meanwhile: try with those
            o.logger?.warn({ store: code, oauthError: err.oauthError }, 'Jumpseller refused the token refresh (invalid_grant): store marked needs_reinstall');
            throw reinstallError(code, reason);
          }
          if (err instanceof OAuthConfigurationError) {
            o.logger?.error(
              { store: code, oauthError: err.oauthError, status: err.status },
              "Jumpseller refused the app's own OAuth credentials: check JUMPSELLER_APP_CLIENT_ID and JUMPSELLER_APP_CLIENT_SECRET (no store was changed)",
            );
            o.onConfigurationError?.();
            throw new ApiError(
              'jumpseller',
              'misconfigured',
              `token refresh for store ${code}: Jumpseller refused the app's credentials (${err.oauthError ?? err.status}); the operator must fix JUMPSELLER_APP_CLIENT_ID/SECRET`,
              err.status,
            );
          }
          throw err; // transient: nothing changed, the caller retries
        }
        const sealed = sealCredentials(o.secretsKeyring, code, { ...creds, jumpseller: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } });
        pending.set(code, { tokens, sealed, replaces: row.credentials_sealed!, forRejection: rejected !== undefined });
        const recorded = await recordPending(code);
        if (recorded !== undefined) return recorded;
      } finally {
        await release(code);
      }
    }
  }

  function refreshOnce(code: string, rejected: string | undefined): Promise<string> {
    const running = inFlight.get(code);
    // Join the refresh under way, unless it could only hand back the very token that was rejected.
    if (running) return running.then((t) => (rejected !== undefined && t === rejected ? refreshOnce(code, rejected) : t));
    const p = refresh(code, rejected).finally(() => inFlight.delete(code));
    inFlight.set(code, p);
    return p.then(
      (t) => t,
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'auth') cache.delete(code);
        throw err;
      },
    );
  }

  return {
    async accessToken(code) {
      const cached = cache.get(code);
      if (cached && fresh(cached.expiresAt)) return cached.token;
      if (pending.has(code)) {
        const recorded = await recordPending(code);
        if (recorded !== undefined) return recorded;
      }
      const row = await o.db.selectFrom('stores').select(['credentials_sealed', 'access_token_expires_at', 'status', 'status_reason']).where('code', '=', code).executeTakeFirst();
      if (row?.status === 'needs_reinstall') throw reinstallError(code, row.status_reason);
      const expiresAt = row?.access_token_expires_at?.getTime() ?? 0;
      if (row?.credentials_sealed && fresh(expiresAt)) {
        const token = openCredentials(o.secretsKeyring, code, row.credentials_sealed).jumpseller.accessToken;
        cache.set(code, { token, expiresAt });
        return token;
      }
      return refreshOnce(code, undefined);
    },
    refreshAfterRejection(code, rejected) {
      if (cache.get(code)?.token === rejected) cache.delete(code);
      return refreshOnce(code, rejected);
    },
    lastHanded(code) {
      return cache.get(code)?.token;
    },
  };
}

/**
 * What the store registry needs to serve installed stores: SECRETS_KEY and a token manager. Undefined
 * without SECRETS_KEY (sealed rows cannot open) or without the app's OAuth credentials (cannot refresh).
 */
export function installedStoresFromConfig(
  db: Db,
  config: Parameters<typeof oauthClientFromConfig>[0] & { secretsKeyring: Keyring | undefined },
  logger?: Logger,
  onConfigurationError?: () => void,
): { secretsKeyring: Keyring; tokens: AccessTokenSource } | undefined {
  const oauth = oauthClientFromConfig(config);
  if (!config.secretsKeyring || !oauth) return undefined;
  return {
    secretsKeyring: config.secretsKeyring,
    tokens: createOAuthTokenManager({ db, secretsKeyring: config.secretsKeyring, oauth, ...(logger ? { logger } : {}), ...(onConfigurationError ? { onConfigurationError } : {}) }),
  };
}
