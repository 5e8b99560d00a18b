/**
 * Bearer-token authentication for the operator's admin API and the stock-notice endpoint. Each
 * endpoint accepts only its own kind of token (see security/api-tokens.ts): the stock-notice token
 * handed to other systems cannot run an admin action, and an operator is known by name, which the
 * audit log records. Tokens are compared as SHA-256 digests in constant time. A failed attempt is
 * logged (where from, which realm, why) and counted, never with the token it carried.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../observability/logger.js';
import { findTokenHolder, type ApiToken, type TokenScope } from '../../security/api-tokens.js';
import { clientAddress } from '../client-address.js';
import { HttpError } from '../errors.js';

/** Who made an authenticated request: the token holder's name and the token's kind. */
export interface Caller {
  name: string;
  scope: TokenScope;
}

declare module 'hono' {
  interface ContextVariableMap {
    caller: Caller;
  }
}

export type AuthFailureReason = 'missing' | 'wrong';

export interface BearerAuthOptions {
  /** Named in logs, metrics and the WWW-Authenticate header. */
  realm: 'admin' | 'stock-notices';
  /** The tokens this endpoint accepts; none configured: it answers 503 with `offMessage`. */
  tokens: readonly ApiToken[];
  offMessage: string;
  logger: Logger;
  /** Counts failures (a metric); labels are the realm and the reason only. */
  onFailure?: (realm: string, reason: AuthFailureReason) => void;
  trustProxy?: boolean;
}

export function requireBearer(o: BearerAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (o.tokens.length === 0) throw new HttpError('unavailable', o.offMessage);
    const fail = (reason: AuthFailureReason, message: string): never => {
      o.logger.warn(
        {
          realm: o.realm,
          reason,
          client: clientAddress(c, o.trustProxy ?? false),
          method: c.req.method,
          path: new URL(c.req.url).pathname,
          requestId: c.get('requestId' as never),
        },
        'authentication failed',
      );
      o.onFailure?.(o.realm, reason);
      c.header('WWW-Authenticate', `Bearer realm="${o.realm}"${reason === 'wrong' ? ', error="invalid_token"' : ''}`);
      throw new HttpError('unauthorized', message);
    };
    const match = /^Bearer\s+(.+)$/i.exec((c.req.header('authorization') ?? '').trim());
    if (!match) return fail('missing', `missing bearer token: send Authorization: Bearer <token>`);
    const holder = findTokenHolder(o.tokens, match[1]!.trim());
    if (!holder) return fail('wrong', `wrong ${o.realm === 'admin' ? 'admin' : 'stock-notice'} token`);
    c.set('caller', { name: holder.name, scope: holder.scope });
    await next();
  };
}

export const ADMIN_OFF_MESSAGE = 'the admin API is off: set ADMIN_TOKEN (one operator) or ADMIN_TOKENS (named operators, hashed) and restart';
export const STOCK_NOTICES_OFF_MESSAGE = 'stock notices are off: set STOCK_NOTICES_TOKEN (the token other systems send) and restart';
