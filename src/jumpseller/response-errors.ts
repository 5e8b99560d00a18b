/**
 * Turns a failed Jumpseller answer into an `ApiError`. Messages carry the method, the path without
 * query string, the status and the API's own explanation, with every known secret blanked out in
 * case the API ever echoes one back.
 */
import { ApiError, codeForStatus } from '../http/api-errors.js';

const MAX_DETAIL_CHARS = 300;

/** Reads `message`, `error` and `errors` defensively: the 422 shape is not documented. */
export function describeErrorBody(bodyText: string): string {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return bodyText.trim().slice(0, MAX_DETAIL_CHARS);
  }
  if (typeof body !== 'object' || body === null) return String(body).slice(0, MAX_DETAIL_CHARS);
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['message', 'error'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value.length > 0) parts.push(value);
  }
  const errors = record['errors'];
  if (Array.isArray(errors)) parts.push(errors.map(String).join('; '));
  else if (typeof errors === 'object' && errors !== null) {
    // Rails style: { field: ["is invalid", ...] }
    parts.push(
      Object.entries(errors)
        .map(([field, msgs]) => `${field} ${Array.isArray(msgs) ? msgs.map(String).join(', ') : String(msgs)}`)
        .join('; '),
    );
  } else if (typeof errors === 'string') parts.push(errors);
  return parts.join(' | ').slice(0, MAX_DETAIL_CHARS);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

export function apiErrorForStatus(method: string, path: string, status: number, bodyText: string, secrets: readonly string[]): ApiError {
  const detail = redact(describeErrorBody(bodyText), secrets);
  const message = `${method} ${path} answered ${status}${detail ? `: ${detail}` : ''}`;
  return new ApiError('jumpseller', codeForStatus(status), message, status);
}
