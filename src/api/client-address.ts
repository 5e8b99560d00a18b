/**
 * The address a request came from, for per-client limits and for logs. Behind a reverse proxy
 * (TRUST_PROXY=true) it is the last X-Forwarded-For entry, the one the proxy itself added; earlier
 * entries are whatever the client claimed and are never trusted.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .pop();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request in tests)
  }
}
