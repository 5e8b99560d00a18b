/**
 * One HTTP exchange with relBase: auth headers, the client-side rate limit, a timeout, the 403
 * throttling retries, and parsing the answer with a schema. Everything relBase-specific about
 * *sending* lives here; what to send lives in client.ts.
 */
import type { z } from 'zod';
import type { RateLimiter } from '../http/rate-limiter.js';
import { readTextCapped, ResponseTooLargeError } from '../http/response-body.js';
import { badResponseError, errorForStatus, isThrottlingStatus, networkError, timeoutError } from './errors.js';

/** One attempt, reported to `onRequest` (status null when no answer arrived). Never carries tokens. */
export interface RelbaseRequestEvent {
  method: string;
  /** Path below the base URL, without query string, e.g. `/productos/12`. */
  path: string;
  status: number | null;
  ms: number;
}

export interface RelbaseTransportOptions {
  baseUrl: string;
  userToken: string;
  companyToken: string;
  timeoutMs: number;
  limiter: RateLimiter;
  fetch: typeof fetch;
  onRequest: ((event: RelbaseRequestEvent) => void) | undefined;
  throttleRetries: number;
  throttleBackoffMs: number;
}

export interface RelbaseRequest<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: FormData;
  schema: S;
  /**
   * One HTTP attempt: a throttling answer is thrown at once (after pausing the shared limiter), so
   * the caller's own retry policy (Temporal's) decides, and a create is never sent twice from here.
   */
  singleAttempt?: boolean;
  /**
   * Runs once the rate limiter lets the request go, right before it is sent; when it throws, nothing
   * is sent and its error is the request's. Whatever it checks holds at the moment of sending, not at
   * the moment the caller asked (a request may wait in the limiter).
   */
  beforeSend?: () => Promise<void>;
  /** This request's timeout instead of the client's. */
  timeoutMs?: number;
}

/** Backoff doubles from the base but never past this, so a persisting 403 fails in bounded time. */
const MAX_BACKOFF_MS = 8_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type RelbaseTransport = <S extends z.ZodType>(req: RelbaseRequest<S>) => Promise<z.output<S>>;

export function createRelbaseTransport(opts: RelbaseTransportOptions): RelbaseTransport {
  const base = opts.baseUrl.replace(/\/+$/, '');
  // relBase's error text goes into our messages; a server that echoed a header must not leak it.
  const secrets = [opts.userToken, opts.companyToken].filter((t) => t.length > 0);
  const redactTokens = (text: string) => secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);

  async function attempt(req: RelbaseRequest<z.ZodType>): Promise<{ status: number; text: string }> {
    const url = new URL(base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      Authorization: opts.userToken,
      Company: opts.companyToken,
      Accept: 'application/json',
    };
    let body: string | FormData | undefined;
    if (req.form)
      body = req.form; // fetch sets the multipart content type with its boundary
    else if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    }

    await opts.limiter.acquire();
    await req.beforeSend?.();
    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = Date.now();
    let status: number | null = null;
    try {
      // The timer covers reading the body too: a server may send headers and then stall.
      const res = await opts.fetch(url, { method: req.method, headers, body, signal: controller.signal });
      status = res.status;
      // Capped: a server (or something pretending to be relBase) cannot make this process buffer without limit.
      const text = await readTextCapped(res);
      return { status: res.status, text };
    } catch (err) {
      // Too large is an answer we cannot read, not a network failure; for a create it stays an unknown
      // outcome (the status is a 2xx or none), so the order looks for its document before creating again.
      if (err instanceof ResponseTooLargeError) throw badResponseError(req.method, req.path, status ?? 0, err.message);
      if (controller.signal.aborted) throw timeoutError(req.method, req.path, timeoutMs);
      throw networkError(req.method, req.path, err);
    } finally {
      clearTimeout(timer);
      opts.onRequest?.({ method: req.method, path: req.path, status, ms: Date.now() - started });
    }
  }

  return async function request<S extends z.ZodType>(req: RelbaseRequest<S>): Promise<z.output<S>> {
    const throttleRetries = req.singleAttempt ? 0 : opts.throttleRetries;
    let retriesLeft = throttleRetries;
    let backoff = opts.throttleBackoffMs;
    for (;;) {
      const { status, text } = await attempt(req);
      // Hold every caller sharing this limiter, not just this one: the limit is per account.
      if (isThrottlingStatus(status)) opts.limiter.pauseUntil(Date.now() + backoff);
      if (isThrottlingStatus(status) && retriesLeft > 0) {
        retriesLeft--;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      if (status < 200 || status >= 300) {
        throw errorForStatus(req.method, req.path, status, redactTokens(text), throttleRetries);
      }
      return parseAnswer(req, status, text);
    }
  };
}

function parseAnswer<S extends z.ZodType>(req: RelbaseRequest<S>, status: number, text: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponseError(req.method, req.path, status, 'not JSON');
  }
  const parsed = req.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw badResponseError(req.method, req.path, status, issues);
  }
  return parsed.data;
}
