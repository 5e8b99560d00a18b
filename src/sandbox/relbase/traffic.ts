/**
 * What the simulator saw on its API: calls per route, writes, throttled answers and the busiest
 * second, plus relBase's rate limit (about 7 requests/second, answered with 403).
 *
 * The limit is judged on arrival times over a sliding window shortened by a jitter tolerance
 * (default 100 ms). A client that keeps 7 per second by its own clock can see two requests arrive
 * closer together than it sent them (the first ones of a burst pay for opening connections), and a
 * strict window would punish that; a client that sends 8 at once, or 8 per second evenly, is still
 * throttled. `peakPerSecond` is measured over the same window, so it is what the limit judges.
 */
import type { MiddlewareHandler } from 'hono';

export interface RateLimitSettings {
  limit: number;
  windowMs: number;
  jitterToleranceMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { limit: 7, windowMs: 1000, jitterToleranceMs: 100 };

export interface TrafficStats {
  total: number;
  /** `METHOD /api/v1/route/:id` → count, throttled calls included. */
  byRoute: Record<string, number>;
  /** Mutations actually applied (a commit-then-fail write counts; a rejected one does not). */
  writes: number;
  /** Requests answered 403 by the rate limit (injected throttles are counted with the faults). */
  throttled: number;
  /** The most requests that arrived within one rate window. */
  peakPerSecond: number;
  /** Arrival times still inside the window, oldest first. */
  recentArrivals: number[];
}

export function createTrafficStats(): TrafficStats {
  return { total: 0, byRoute: {}, writes: 0, throttled: 0, peakPerSecond: 0, recentArrivals: [] };
}

/** `/api/v1/productos/5757001/stock_por_bodegas` → `/api/v1/productos/:id/stock_por_bodegas` */
export function routeOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/:id');
}

export function throttledResponse(): Response {
  return new Response(JSON.stringify({ data: {}, meta: { code: 403, message: 'Too many requests: the limit is about 7 per second' } }), {
    status: 403,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Counts every request and answers 403 when the window is over the limit. Throttled requests count
 * towards the window, as in Rack::Attack: a client that retries without backing off stays throttled.
 */
export function trafficMiddleware(getStats: () => TrafficStats, getLimit: () => RateLimitSettings | null, now: () => number = Date.now): MiddlewareHandler {
  return async (c, next) => {
    const stats = getStats();
    const limit = getLimit();
    const key = `${c.req.method} ${routeOf(new URL(c.req.url).pathname)}`;
    stats.total++;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;

    const t = now();
    const windowMs = limit ? limit.windowMs - limit.jitterToleranceMs : DEFAULT_RATE_LIMIT.windowMs - DEFAULT_RATE_LIMIT.jitterToleranceMs;
    const arrivals = stats.recentArrivals;
    while (arrivals.length > 0 && arrivals[0]! <= t - windowMs) arrivals.shift();
    arrivals.push(t);
    stats.peakPerSecond = Math.max(stats.peakPerSecond, arrivals.length);

    if (limit && arrivals.length > limit.limit) {
      stats.throttled++;
      return throttledResponse();
    }
    await next();
  };
}
