/**
 * Reading Jumpseller's rate-limit headers. The API counts 20/s and 800/min per IP and per store;
 * other processes (or another app on the same IP) spend the same budget, so the server's
 * `*-Remaining` counts are the truth and the local limiter only a first guess.
 */
export const RATE_LIMIT_HEADERS = {
  perSecondLimit: 'Jumpseller-PerSecondRateLimit-Limit',
  perSecondRemaining: 'Jumpseller-PerSecondRateLimit-Remaining',
  perMinuteLimit: 'Jumpseller-PerMinuteRateLimit-Limit',
  perMinuteRemaining: 'Jumpseller-PerMinuteRateLimit-Remaining',
  bannedUntil: 'Jumpseller-BannedByRateLimit-Reset',
} as const;

function remaining(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/**
 * When a window is used up, the time until which no request should be sent: one full window
 * after this answer, by which time every request the server counted in it has left the window.
 */
export function exhaustedUntil(headers: Headers, now: number): number | null {
  if (remaining(headers, RATE_LIMIT_HEADERS.perMinuteRemaining) === 0) return now + 60_000;
  if (remaining(headers, RATE_LIMIT_HEADERS.perSecondRemaining) === 0) return now + 1_000;
  return null;
}

/** True when some Remaining header says 0: what the older API's 403 throttling answer carried. */
export function saysExhausted(headers: Headers): boolean {
  return remaining(headers, RATE_LIMIT_HEADERS.perSecondRemaining) === 0 || remaining(headers, RATE_LIMIT_HEADERS.perMinuteRemaining) === 0;
}

/** The end of a temporary ban (`2024-05-23T16:13:47+00:00`), or null when absent or unreadable. */
export function bannedUntil(headers: Headers): number | null {
  const raw = headers.get(RATE_LIMIT_HEADERS.bannedUntil);
  if (!raw) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : t;
}
