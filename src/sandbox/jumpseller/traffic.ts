/**
 * Request accounting and the store's rate limit. The limit follows today's Jumpseller: 20/s and
 * 800/min per store, 429 when exceeded, and the `Jumpseller-Per*RateLimit-*` headers on every
 * answer (2xx included), so a client can pace itself from them.
 */
import type { MiddlewareHandler } from 'hono';
import { simNow } from './state.js';
import type { SimState } from './state.js';

/** `GET /v1/products/12/variants/34.json` → `GET /v1/products/:id/variants/:id.json` */
export function routeLabel(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|\.json$|$)/g, '/:id')}`;
}

function isThrottleAnswer(res: Response): boolean {
  return res.status === 429 || (res.status === 403 && res.headers.get('Jumpseller-PerSecondRateLimit-Remaining') === '0');
}

/** Outermost: counts every API request and every throttled answer, whoever produced it. */
export function requestStats(state: SimState): MiddlewareHandler {
  return async (c, next) => {
    const now = simNow(state);
    const s = state.stats;
    s.total++;
    const label = routeLabel(c.req.method, new URL(c.req.url).pathname);
    s.byRoute[label] = (s.byRoute[label] ?? 0) + 1;
    s.recent.push(now);
    while (s.recent.length > 0 && s.recent[0]! <= now - 1_000) s.recent.shift();
    s.peakPerSecond = Math.max(s.peakPerSecond, s.recent.length);
    await next();
    if (isThrottleAnswer(c.res)) s.throttled++;
    else if (c.req.method !== 'GET' && c.res.status >= 200 && c.res.status < 300) s.writes++;
  };
}

function limitHeaders(state: SimState, perSecondRemaining: number, perMinuteRemaining: number): Record<string, string> {
  return {
    'Jumpseller-PerSecondRateLimit-Limit': String(state.rateLimit.perSecond),
    'Jumpseller-PerSecondRateLimit-Remaining': String(Math.max(0, perSecondRemaining)),
    'Jumpseller-PerMinuteRateLimit-Limit': String(state.rateLimit.perMinute),
    'Jumpseller-PerMinuteRateLimit-Remaining': String(Math.max(0, perMinuteRemaining)),
  };
}

export function rateLimit(state: SimState): MiddlewareHandler {
  return async (c, next) => {
    const rl = state.rateLimit;
    const now = simNow(state);
    while (rl.counted.length > 0 && rl.counted[0]! <= now - 60_000) rl.counted.shift();
    const inLastSecond = rl.counted.filter((t) => t > now - 1_000).length;
    if (rl.bannedUntil > now) {
      // Whole seconds, rounded up so the ban is over at the time announced: 2024-05-23T16:13:47+00:00
      const reset = new Date(Math.ceil(rl.bannedUntil / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
      return c.json({ message: 'Banned by rate limit' }, 429, {
        ...limitHeaders(state, 0, 0),
        'Jumpseller-BannedByRateLimit-Reset': reset,
      });
    }
    if (rl.legacy403Next > 0) {
      rl.legacy403Next--;
      // The per-second window is the one a burst exhausts; the minute budget is reported as it is.
      return c.json({ message: 'Rate limit exceeded' }, 403, limitHeaders(state, 0, rl.perMinute - rl.counted.length));
    }
    if (inLastSecond >= rl.perSecond || rl.counted.length >= rl.perMinute) {
      return c.json({ message: 'Too Many Requests' }, 429, limitHeaders(state, rl.perSecond - inLastSecond, rl.perMinute - rl.counted.length));
    }
    rl.counted.push(now);
    await next();
    const headers = limitHeaders(state, rl.perSecond - inLastSecond - 1, rl.perMinute - rl.counted.length);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
