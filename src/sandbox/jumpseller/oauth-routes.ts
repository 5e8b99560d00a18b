/**
 * The OAuth2 authorization-code flow of accounts.jumpseller.com, at the simulator's root.
 * `/oauth/authorize` approves at once (as if the merchant clicked "install") and redirects with
 * `code` and `state`; `/oauth/token` answers like the real one. A refresh hands out a new refresh
 * token and leaves the old one valid (rotation is undocumented) unless `revokeUsedRefreshTokens` is
 * set; a revoked one gets a 401 `invalid_grant`, a wrong client secret a 401 `invalid_client`.
 */
import { Hono } from 'hono';
import { randomSecret, simNow } from './state.js';
import type { SimState } from './state.js';

export const ACCESS_TOKEN_TTL_S = 3600;
const CODE_TTL_MS = 10 * 60_000;

export interface IssuedTokens {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
  created_at: number;
}

export function issueTokens(state: SimState, scope: string): IssuedTokens {
  const now = simNow(state);
  const access = randomSecret(32);
  const refresh = randomSecret(32);
  state.oauth.accessTokens.set(access, { expiresAt: now + ACCESS_TOKEN_TTL_S * 1000, scope });
  state.oauth.refreshTokens.set(refresh, { scope, revoked: false });
  return {
    access_token: access,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
    refresh_token: refresh,
    scope,
    created_at: Math.floor(now / 1000),
  };
}

/** What an uninstall does: every token stops working. */
export function revokeAllTokens(state: SimState): void {
  state.oauth.accessTokens.clear();
  for (const t of state.oauth.refreshTokens.values()) t.revoked = true;
}

export function createOAuthRoutes(state: SimState): Hono {
  const app = new Hono();

  app.get('/authorize', (c) => {
    const q = c.req.query();
    if (q['client_id'] !== state.oauth.clientId) return c.json({ error: 'invalid_client' }, 400);
    if (q['response_type'] !== 'code') return c.json({ error: 'unsupported_response_type' }, 400);
    const redirectUri = q['redirect_uri'];
    if (!redirectUri) return c.json({ error: 'invalid_request', error_description: 'redirect_uri is required' }, 400);
    const code = randomSecret(16);
    state.oauth.codes.set(code, { redirectUri, scope: q['scope'] ?? '', expiresAt: simNow(state) + CODE_TTL_MS });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (q['state'] !== undefined) target.searchParams.set('state', q['state']);
    return c.redirect(target.toString(), 302);
  });

  app.post('/token', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    if (field('client_id') !== state.oauth.clientId || field('client_secret') !== state.oauth.clientSecret) {
      return c.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    }
    const grant = field('grant_type');
    if (grant === 'authorization_code') {
      const code = field('code') ?? '';
      const pending = state.oauth.codes.get(code);
      state.oauth.codes.delete(code); // single use, even when the exchange fails
      if (!pending || pending.expiresAt <= simNow(state) || pending.redirectUri !== field('redirect_uri')) {
        return c.json({ error: 'invalid_grant', error_description: 'The authorization code is invalid or expired' }, 400);
      }
      return c.json(issueTokens(state, pending.scope));
    }
    if (grant === 'refresh_token') {
      const known = state.oauth.refreshTokens.get(field('refresh_token') ?? '');
      if (!known || known.revoked) {
        return c.json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or revoked' }, 401);
      }
      if (state.oauth.revokeUsedRefreshTokens) known.revoked = true;
      return c.json(issueTokens(state, known.scope));
    }
    return c.json({ error: 'unsupported_grant_type' }, 400);
  });

  return app;
}
