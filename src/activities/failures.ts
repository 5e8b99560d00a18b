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
 * same account) can outlast the client's own retries. Before calling a 403 an authorisation failure,
 * the activity is retried by Temporal, with its backoff, until this attempt.
 */
export const RELBASE_403_ATTEMPTS = 3;

export async function classifyFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isApiError(err) && !err.transient) {
      const attempt = activityAttempt();
      if (isRelbase403(err) && attempt < RELBASE_403_ATTEMPTS) {
        throw ApplicationFailure.retryable(
          `${err.message} (activity attempt ${attempt} of ${RELBASE_403_ATTEMPTS}: retried in case relBase was still throttling)`,
          'relbase.throttled',
          { status: err.status },
        );
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
  storeNotConfigured: 'store.notConfigured',
  missingFiscalData: 'order.missingFiscalData',
} as const;
