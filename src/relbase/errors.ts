/**
 * How a relBase answer becomes an `ApiError`. Messages are built only from the method, the path
 * without its query string, the status and relBase's own `meta.message`, so a token can never
 * reach a log line through an error.
 */
import { ApiError, codeForStatus } from '../http/api-errors.js';
import type { ApiErrorCode } from '../http/api-errors.js';
import { errorBodySchema } from './schemas.js';

/** relBase answers both "over the rate limit" and "not allowed" with 403: we retry it before believing it. */
export function isThrottlingStatus(status: number): boolean {
  return status === 403 || status === 429;
}

/** `meta.message` of an error body, shortened; null when the body is not relBase's envelope. */
export function relbaseMessageOf(bodyText: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return null;
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return null;
  const message = parsed.data.meta.message;
  if (message === undefined || message === null) return null;
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The error for a non-2xx answer that is final (throttling retries, if any, are already spent). */
export function errorForStatus(method: string, path: string, status: number, bodyText: string, throttleRetries: number): ApiError {
  const where = `${method} ${path} answered ${status}`;
  const detail = relbaseMessageOf(bodyText);
  if (status === 403) {
    const tried = throttleRetries > 0 ? ` after ${throttleRetries} throttling retries` : '';
    return new ApiError(
      'relbase',
      'auth',
      `${where}${tried}; relBase answers 403 when throttling, and a 403 that persists means the tokens lack access` + (detail ? `: ${detail}` : ''),
      status,
    );
  }
  const code: ApiErrorCode = codeForStatus(status);
  return new ApiError('relbase', code, detail ? `${where}: ${detail}` : where, status);
}

export function timeoutError(method: string, path: string, timeoutMs: number): ApiError {
  return new ApiError('relbase', 'timeout', `${method} ${path} got no answer within ${timeoutMs} ms`);
}

/** Names the failure by its system error code (ECONNREFUSED…), never by anything from the request. */
export function networkError(method: string, path: string, err: unknown): ApiError {
  return new ApiError('relbase', 'network', `${method} ${path} failed: ${describeNetworkFailure(err)}`);
}

function describeNetworkFailure(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    return (err as unknown as { code: string }).code;
  }
  return err instanceof Error ? err.name : 'network error';
}

export function badResponseError(method: string, path: string, status: number, reason: string): ApiError {
  return new ApiError('relbase', 'badResponse', `${method} ${path} answered ${status} with an unexpected body: ${reason}`, status);
}
