/**
 * One HTTP exchange with the Jumpseller API: rate limiting, authentication (a newer token and another
 * try after a 401, when the auth can get one), timeout, a cap on the answer's size, throttling
 * retries and error classification. Resource shapes are the client's business, not this file's.
 */
import type { z } from 'zod';
import { ApiError } from '../http/api-errors.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import { MAX_API_RESPONSE_BYTES, readTextCapped, ResponseTooLargeError } from '../http/response-body.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import type { JumpsellerAuth, JumpsellerClientOptions } from './client-types.js';
import { bannedUntil, exhaustedUntil, saysExhausted } from './rate-limit-headers.js';
import { apiErrorForStatus, redact } from './response-errors.js';

export interface JumpsellerRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base URL, ending in `.json`. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
}

export type JumpsellerTransport = <S extends z.ZodType>(req: JumpsellerRequest, schema: S) => Promise<z.output<S>>;

const DEFAULT_TIMEOUT_MS = 10_000;

/** Jumpseller's documented limits: 20 per second and 800 per minute. */
export function createJumpsellerRateLimiter(): RateLimiter {
  return createRateLimiter([
    { limit: 20, ms: 1_000 },
    { limit: 800, ms: 60_000 },
  ]);
}

function knownSecrets(auth: JumpsellerAuth, accessToken: string | null): string[] {
  if (auth.kind === 'basic') return [auth.authToken, Buffer.from(`${auth.login}:${auth.authToken}`).toString('base64')];
  return accessToken ? [accessToken] : [];
}

async function authorizationHeader(auth: JumpsellerAuth): Promise<{ header: string; accessToken: string | null }> {
  if (auth.kind === 'basic') {
    return { header: `Basic ${Buffer.from(`${auth.login}:${auth.authToken}`).toString('base64')}`, accessToken: null };
  }
  const token = await auth.getAccessToken();
  return { header: `Bearer ${token}`, accessToken: token };
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Zod issues without the offending values, which could be customer data or a hooks token. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function createJumpsellerTransport(opts: JumpsellerClientOptions): JumpsellerTransport {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limiter = opts.limiter ?? createJumpsellerRateLimiter();
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const maxThrottleRetries = opts.maxThrottleRetries ?? 3;
  const throttlePauseMs = opts.throttlePauseMs ?? 1_000;
  const maxThrottleWaitMs = opts.maxThrottleWaitMs ?? 60_000;
  const maxResponseBytes = opts.maxResponseBytes ?? MAX_API_RESPONSE_BYTES;

  return async (req, schema) => {
    const { method, path } = req;
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));

    // Two rounds: the first may only adopt a token another process refreshed meanwhile, which can be
    // just as dead; the second then refreshes. The token source rations real refreshes (oauth-tokens.ts).
    let newTokenRounds = 0;
    for (let attempt = 0; ; attempt++) {
      await limiter.acquire();
      const { header, accessToken } = await authorizationHeader(opts.auth);
      const secrets = knownSecrets(opts.auth, accessToken);
      const started = now();
      let status: number | null = null;
      let headers: Headers;
      let bodyText: string;
      try {
        const res = await doFetch(url, {
          method,
          headers: {
            authorization: header,
            accept: 'application/json',
            ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        headers = res.headers;
        bodyText = await readTextCapped(res, maxResponseBytes); // inside the try: the timeout also covers a slow body
      } catch (err) {
        opts.onRequest?.({ method, path, status, ms: now() - started });
        if (err instanceof ResponseTooLargeError) {
          throw new ApiError('jumpseller', 'badResponse', `${method} ${path} answered ${status} with more than ${maxResponseBytes} bytes`, status ?? undefined);
        }
        if (isTimeout(err)) {
          throw new ApiError('jumpseller', 'timeout', `${method} ${path} timed out after ${timeoutMs} ms`, status ?? undefined);
        }
        const reason = redact(err instanceof Error ? err.message : String(err), secrets);
        throw new ApiError('jumpseller', 'network', `${method} ${path} failed: ${reason}`, status ?? undefined);
      }
      opts.onRequest?.({ method, path, status, ms: now() - started });

      // A ban's end is the authority; otherwise a used-up window holds every caller back until it resets.
      const bannedTill = bannedUntil(headers);
      const ban = bannedTill !== null && bannedTill > now() ? bannedTill : null; // a past reset (clock skew) is no guide
      const exhausted = ban ?? exhaustedUntil(headers, now());
      if (exhausted !== null && exhausted - now() <= maxThrottleWaitMs) limiter.pauseUntil(exhausted);

      const throttled = status === 429 || (status === 403 && saysExhausted(headers));
      if (throttled) {
        const resumeAt = ban ?? Math.max(now() + throttlePauseMs, exhausted ?? 0);
        const waitMs = Math.max(0, resumeAt - now());
        if (attempt < maxThrottleRetries && waitMs <= maxThrottleWaitMs) {
          limiter.pauseUntil(resumeAt);
          continue;
        }
        const why = attempt < maxThrottleRetries ? `banned for ${waitMs} ms` : `after ${attempt + 1} attempts`;
        throw new ApiError('jumpseller', 'throttled', `${method} ${path} answered ${status} (rate limited, ${why})`, status, waitMs);
      }
      if (status === 401 && opts.auth.kind === 'bearer' && opts.auth.tokenRejected && accessToken !== null && newTokenRounds < 2) {
        newTokenRounds++;
        await opts.auth.tokenRejected(accessToken);
        continue;
      }
      if (status < 200 || status >= 300) throw apiErrorForStatus(method, path, status, bodyText, secrets);

      let json: unknown;
      try {
        json = bodyText === '' ? null : JSON.parse(bodyText);
      } catch {
        throw new ApiError('jumpseller', 'badResponse', `${method} ${path} answered ${status} with a body that is not JSON`, status);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new ApiError('jumpseller', 'badResponse', `${method} ${path} answered ${status} with an unexpected shape: ${describeIssues(parsed.error)}`, status);
      }
      return parsed.data;
    }
  };
}
