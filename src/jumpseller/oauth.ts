/**
 * The Jumpseller OAuth2 client (accounts.jumpseller.com): the authorize URL, the code exchange and
 * the refresh. Access tokens last an hour; the refresh token that comes back is the one to keep
 * (rotation is undocumented, so we always store the newest).
 *
 * The token endpoint's refusals are told apart by their `error` code, because they call for
 * opposite reactions:
 * - `invalid_grant` (`OAuthGrantRefusedError`): this store's grant (code or refresh token) is invalid,
 *   expired or revoked: the merchant uninstalled the app; only a new install helps.
 * - anything else (`OAuthConfigurationError`): `invalid_client` (our client id or secret is wrong),
 *   `unauthorized_client`, a malformed request: our own configuration, the same for every store. An
 *   operator must fix it; no store is to blame.
 * Network failures and 5xx are transient `ApiError`s. Error messages never carry the code, the tokens
 * or the client secret; answers are read up to a small size cap.
 */
import { z } from 'zod';
import { ApiError } from '../http/api-errors.js';
import { readTextCapped, ResponseTooLargeError } from '../http/response-body.js';

/** What the service asks for at install: orders, products, hooks, store info and checkout fields. */
export const OAUTH_SCOPES = ['read_store', 'read_orders', 'read_products', 'write_products', 'read_hooks', 'write_hooks', 'read_settings', 'write_settings'];

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** `created_at + expires_in`, as the token endpoint reports them. */
  expiresAt: Date;
}

/** The OAuth server said no; retrying the same request cannot help. See the two kinds below. */
export class OAuthRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly oauthError: string | null,
  ) {
    super(message);
    this.name = 'OAuthRefusedError';
  }
}

/** `invalid_grant`: this store's code or refresh token is no good any more; the store must be installed again. */
export class OAuthGrantRefusedError extends OAuthRefusedError {
  override name = 'OAuthGrantRefusedError';
}

/** Any other refusal (`invalid_client`…): the app's own credentials or requests are wrong, for every store. */
export class OAuthConfigurationError extends OAuthRefusedError {
  override name = 'OAuthConfigurationError';
}

/** The one refusal that is about the grant rather than about us (RFC 6749 §5.2). */
export const GRANT_REFUSED = 'invalid_grant';

/** Token answers are a few hundred bytes; anything near this is not a token answer. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export interface JumpsellerOAuthOptions {
  /** e.g. `https://accounts.jumpseller.com` (the simulator serves it at its root). */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  /** `${PUBLIC_URL}/oauth/callback`; must match the app's registered redirect URL. */
  redirectUri: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export interface JumpsellerOAuthClient {
  authorizeUrl(state: string): string;
  exchangeCode(code: string): Promise<OAuthTokens>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  created_at: z.coerce.number().optional(),
});

const ErrorBody = z.object({ error: z.string().optional(), error_description: z.string().optional() }).loose();

export function createJumpsellerOAuthClient(o: JumpsellerOAuthOptions): JumpsellerOAuthClient {
  const base = o.oauthUrl.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? Date.now;

  async function tokenRequest(what: string, params: Record<string, string>): Promise<OAuthTokens> {
    const body = new URLSearchParams({ ...params, client_id: o.clientId, client_secret: o.clientSecret });
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      text = await readTextCapped(res, MAX_TOKEN_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof ResponseTooLargeError) throw new ApiError('jumpseller', 'badResponse', `OAuth ${what} answered more than ${MAX_TOKEN_RESPONSE_BYTES} bytes`);
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ApiError('jumpseller', timeout ? 'timeout' : 'network', `OAuth ${what} failed: ${timeout ? 'timed out' : 'no answer from the OAuth server'}`);
    }
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: judged by the status below
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const e = ErrorBody.safeParse(json);
      const code = e.success ? (e.data.error ?? null) : null;
      // error_description is the server's own wording; it never echoes our secrets back.
      const description = e.success && e.data.error_description ? `: ${e.data.error_description.slice(0, 200)}` : '';
      const message = `Jumpseller refused the OAuth ${what} (${res.status}${code ? ` ${code}` : ''})${description}`;
      if (code === GRANT_REFUSED) throw new OAuthGrantRefusedError(message, res.status, code);
      throw new OAuthConfigurationError(message, res.status, code);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new ApiError('jumpseller', res.status === 429 ? 'throttled' : 'server', `OAuth ${what} answered ${res.status}`, res.status);
    }
    if (res.status < 200 || res.status >= 300) throw new ApiError('jumpseller', 'badResponse', `OAuth ${what} answered ${res.status}`, res.status);
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) throw new ApiError('jumpseller', 'badResponse', `OAuth ${what} answered ${res.status} without the expected tokens`, res.status);
    const t = parsed.data;
    const createdMs = t.created_at !== undefined ? t.created_at * 1000 : now();
    return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(createdMs + t.expires_in * 1000) };
  }

  return {
    authorizeUrl(state) {
      const u = new URL(`${base}/oauth/authorize`);
      u.searchParams.set('client_id', o.clientId);
      u.searchParams.set('redirect_uri', o.redirectUri);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('scope', OAUTH_SCOPES.join(' '));
      u.searchParams.set('state', state);
      return u.toString();
    },
    exchangeCode: (code) => tokenRequest('code exchange', { grant_type: 'authorization_code', code, redirect_uri: o.redirectUri }),
    refresh: (refreshToken) => tokenRequest('refresh', { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

/** The app's OAuth client when JUMPSELLER_APP_CLIENT_ID and _SECRET are set; undefined otherwise. */
export function oauthClientFromConfig(c: {
  publicUrl: string;
  jumpseller: { oauthUrl: string; appClientId: string | undefined; appClientSecret: string | undefined };
}): JumpsellerOAuthClient | undefined {
  const { appClientId, appClientSecret, oauthUrl } = c.jumpseller;
  if (!appClientId || !appClientSecret) return undefined;
  return createJumpsellerOAuthClient({ oauthUrl, clientId: appClientId, clientSecret: appClientSecret, redirectUri: `${c.publicUrl}/oauth/callback` });
}
