/**
 * The error taxonomy shared by the Jumpseller and relBase clients.
 *
 * Every failure of an outside API is one of two kinds: transient (the same call may succeed later:
 * network, timeouts, 5xx, throttling) or permanent (retrying cannot help: validation, not found,
 * authorisation). Activities turn permanent ones into non-retryable Temporal failures with the
 * `code` as the failure type. Messages never carry credentials: clients build them from the method,
 * the path (without query string) and the status only.
 */
export type ApiName = 'jumpseller' | 'relbase';

export const API_ERROR_CODES = {
  network: 'transient',
  timeout: 'transient',
  server: 'transient',
  throttled: 'transient',
  /** The API refused our own configuration (the OAuth app's credentials): retried until an operator fixes it. */
  misconfigured: 'transient',
  validation: 'permanent',
  notFound: 'permanent',
  auth: 'permanent',
  badResponse: 'permanent',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;
export type ApiErrorKind = (typeof API_ERROR_CODES)[ApiErrorCode];

/** A failed call to an outside API, classified. `type` is what Temporal sees as the failure type. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly type: string;
  constructor(
    readonly api: ApiName,
    readonly code: ApiErrorCode,
    message: string,
    readonly status?: number,
    /** Milliseconds the API asked us to wait, when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(`${api}: ${message}`);
    this.name = 'ApiError';
    this.kind = API_ERROR_CODES[code];
    this.type = `${api}.${code}`;
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** The status-to-code map both APIs share; each client handles its own exceptions first (relBase's 403). */
export function codeForStatus(status: number): ApiErrorCode {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 400 || status === 409 || status === 422) return 'validation';
  if (status >= 500) return 'server';
  return 'badResponse';
}
