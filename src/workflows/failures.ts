/**
 * Reading activity failures in workflow code. `permanentFailureOf` is the one test of "retrying
 * cannot fix this" (a non-retryable ApplicationFailure behind an activity failure); `failureMessage`
 * is what states and reports show for any failure.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The non-retryable failure behind an activity failure, if that is what it was. */
export function permanentFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) return err.cause;
  if (err instanceof ApplicationFailure && err.nonRetryable) return err;
  return undefined;
}

/** A failure's own message (the cause behind an activity failure: the last attempt's error), for states and reports. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
