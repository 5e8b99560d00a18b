/**
 * How activities report failures to Temporal: a permanent API error (validation, not found,
 * authorisation) becomes a non-retryable ApplicationFailure typed `api.code`, so the workflow
 * can react instead of retrying forever; anything else is rethrown and Temporal retries it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isApiError } from '../http/api-errors.js';

export async function classifyFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isApiError(err) && !err.transient) {
      throw ApplicationFailure.nonRetryable(err.message, err.type, { status: err.status ?? null });
    }
    throw err;
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
