/**
 * How activities report failures to Temporal: a permanent API error (validation, not found,
 * authorisation) becomes a non-retryable ApplicationFailure typed `api.code`, so the workflow
 * can react instead of retrying forever; anything else is rethrown and Temporal retries it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isApiError, type ApiError } from '../http/api-errors.js';

/**
 * relBase answers both "over the rate limit" and "not allowed" with 403, and its throttle counts the
 * refused requests too, so a burst from a worker that was just replaced (or from another app on the
 * same account) can outlast a short wait. The clients do not retry throttling answers themselves
 * (src/stores/registry.ts): before calling a 403 an authorisation failure, the activity is retried by
 * Temporal until this attempt, waiting `relbase403Delay` between attempts (about 30 s in all).
 */
export const RELBASE_403_ATTEMPTS = 6;

/**
 * The order's issuing steps wait longer before they believe a 403 (about a minute and a half of
 * them): an order held as needs-attention for a throttling spell costs a person's time.
 */
export const RELBASE_403_ATTEMPTS_SINGLE_CALL = 8;

/** relBase names no delay; its window is a second, so the first retry waits one and each next one twice as long. */
export function relbase403Delay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export async function classifyFailures<T>(fn: () => Promise<T>, options: { relbase403Attempts?: number } = {}): Promise<T> {
  const relbase403Attempts = options.relbase403Attempts ?? RELBASE_403_ATTEMPTS;
  try {
    return await fn();
  } catch (err) {
    if (isApiError(err) && err.code === 'throttled') {
      // Back to Temporal's retry, after the delay the API asked for when it said one (a ban's end,
      // a used-up window's reset); without one, the retry policy's backoff applies.
      throw ApplicationFailure.create({
        message: err.message,
        type: err.type,
        details: [{ status: err.status ?? null }],
        ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1, err.retryAfterMs) } : {}),
      });
    }
    if (isApiError(err) && !err.transient) {
      const attempt = activityAttempt();
      if (isRelbase403(err) && attempt < relbase403Attempts) {
        throw ApplicationFailure.create({
          message: `${err.message} (activity attempt ${attempt} of ${relbase403Attempts}: retried in case relBase was still throttling)`,
          type: 'relbase.throttled',
          details: [{ status: err.status }],
          nextRetryDelay: relbase403Delay(attempt),
        });
      }
      throw ApplicationFailure.nonRetryable(err.message, err.type, { status: err.status ?? null });
    }
    throw err;
  }
}

function isRelbase403(err: ApiError): boolean {
  return err.api === 'relbase' && err.status === 403;
}

/** This activity's attempt (1 on the first); outside an activity there is no retry, so the last. */
function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** A failure that retrying cannot fix, raised by our own checks (unknown store, bad data). */
export function permanentFailure(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

export const FAILURE_TYPES = {
  unknownStore: 'store.unknown',
  documentConflict: 'relbase.documentConflict',
  /** relBase refused a create (4xx other than throttling): retrying the same request cannot help. */
  documentRefused: 'relbase.documentRefused',
  storeNotConfigured: 'store.notConfigured',
  missingFiscalData: 'order.missingFiscalData',
} as const;
