/**
 * A per-client request budget for the public, unauthenticated install endpoints (`/install` writes a
 * state row per call; `/oauth/callback` makes a token request): at most `limit` requests per client
 * address per window, then 429 with Retry-After.
 *
 * In-process on purpose: each API process counts its own clients, so N processes behind a balancer
 * allow up to N × limit. That is enough to stop one client from flooding the state table or the
 * OAuth server through us; a shared limit would need a shared store for little gain. Memory is
 * bounded: at most `maxClients` addresses are tracked, the oldest dropped first.
 */
import type { MiddlewareHandler } from 'hono';
import { clientAddress } from '../client-address.js';
import { HttpError } from '../errors.js';

export interface ClientRateLimitOptions {
  limit: number;
  windowMs: number;
  trustProxy: boolean;
  maxClients?: number;
  now?: () => number;
  onLimited?: () => void;
}

export function perClientRateLimit(o: ClientRateLimitOptions): MiddlewareHandler {
  const now = o.now ?? Date.now;
  const maxClients = o.maxClients ?? 10_000;
  const windows = new Map<string, { startedAt: number; count: number }>();

  const forget = (t: number) => {
    for (const [client, w] of windows) if (t - w.startedAt >= o.windowMs) windows.delete(client);
    // Still full: the oldest windows go first (a Map iterates in insertion order).
    for (const client of windows.keys()) {
      if (windows.size < maxClients) break;
      windows.delete(client);
    }
  };

  return async (c, next) => {
    const t = now();
    const client = clientAddress(c, o.trustProxy);
    let w = windows.get(client);
    if (!w || t - w.startedAt >= o.windowMs) {
      if (!w && windows.size >= maxClients) forget(t);
      windows.delete(client);
      w = { startedAt: t, count: 0 };
      windows.set(client, w);
    }
    w.count++;
    if (w.count > o.limit) {
      o.onLimited?.();
      c.header('Retry-After', String(Math.max(1, Math.ceil((w.startedAt + o.windowMs - t) / 1000))));
      throw new HttpError('too_many_requests', 'too many install requests from this address; try again in a minute');
    }
    await next();
  };
}
