/**
 * One JSON error envelope for every answer that is not a success:
 * `{ "error": { "code": "bad_request", "message": "...", "requestId": "..." } }`.
 * The code decides the status through one exhaustive map.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Thrown by handlers; turned into the envelope by the app's error handler. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown) {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? undefined;
  return c.json({ error: { code, message, requestId, ...(details === undefined ? {} : { details }) } }, ERROR_STATUS[code]);
}
