/**
 * API authentication: HTTP Basic `login:authtoken` (recommended), the deprecated
 * `?login=&authtoken=` query parameters, or an OAuth access token that has not expired by the
 * simulator's clock. Anything else is a 401 `{"message":...}` that echoes nothing back.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { simNow } from './state.js';
import type { SimState } from './state.js';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authenticated(state: SimState, authorization: string | undefined, query: URLSearchParams): boolean {
  const { login, authToken } = state.credentials;
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 && same(decoded.slice(0, colon), login) && same(decoded.slice(colon + 1), authToken);
  }
  if (authorization?.startsWith('Bearer ')) {
    if (state.oauth.rejectAllAccessTokens) return false;
    const token = state.oauth.accessTokens.get(authorization.slice(7).trim());
    return token !== undefined && token.expiresAt > simNow(state);
  }
  const qLogin = query.get('login');
  const qToken = query.get('authtoken');
  return qLogin !== null && qToken !== null && same(qLogin, login) && same(qToken, authToken);
}

export function requireAuth(state: SimState): MiddlewareHandler {
  return async (c, next) => {
    if (!authenticated(state, c.req.header('authorization'), new URL(c.req.url).searchParams)) {
      return c.json({ message: 'Unauthorized: invalid login, auth token or access token' }, 401);
    }
    await next();
  };
}
