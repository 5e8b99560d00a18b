/**
 * The CLI's side of the admin API: bearer token, JSON in and out, the API's error message on failure.
 * Callers name the answer they expect with the admin API's own types (src/api/admin/schemas.ts).
 * Everything that comes back is made terminal-safe here, once (format.ts): answers carry customers'
 * checkout fields and other text the service does not control.
 */
import type { ErrorEnvelope } from '../api/admin/schemas.js';
import { terminalSafe, terminalSafeJson } from './format.js';

/** A failed call, with the API's own message (the error envelope's `message`) when it sent one. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminClient {
  get<T = unknown>(path: string): Promise<T>;
  send<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createAdminClient(o: { baseUrl: string; token: string; fetch: typeof fetch }): AdminClient {
  const base = o.baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await o.fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${o.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
      throw new AdminApiError(terminalSafe(`cannot reach the service at ${base}${cause}; is it running? (--url to point elsewhere)`), null);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: described by status below
    }
    if (!res.ok) {
      // Not always the envelope: a proxy or an older service may answer something else.
      const message = (json as Partial<ErrorEnvelope> | null)?.error?.message;
      throw new AdminApiError(terminalSafe(`${res.status}: ${typeof message === 'string' ? message : text.slice(0, 200) || res.statusText}`), res.status);
    }
    return terminalSafeJson(json) as T;
  }
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}
