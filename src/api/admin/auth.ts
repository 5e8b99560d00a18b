/**
 * `/admin/*` is for operators: a bearer `ADMIN_TOKEN`, compared in constant time. Both sides are
 * hashed first so the comparison takes the same time whatever the lengths. Without ADMIN_TOKEN the
 * admin API is off and says how to turn it on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

export function requireAdminToken(adminToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!adminToken) throw new HttpError('unavailable', 'the admin API is off: set ADMIN_TOKEN (at least 16 characters) and restart');
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      throw new HttpError('unauthorized', 'missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>');
    }
    if (!tokenMatches(adminToken, match[1]!.trim())) {
      c.header('WWW-Authenticate', 'Bearer realm="admin", error="invalid_token"');
      throw new HttpError('unauthorized', 'wrong admin token');
    }
    await next();
  };
}
