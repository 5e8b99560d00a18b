/**
 * How a stored delivery is dispatched, for the webhook route and the redispatcher alike: every call
 * to Temporal has a deadline, a failure is told apart as "Temporal is away" (not the row's fault) or
 * "this row failed", and a failed row waits its own backoff before it is tried again.
 */
import { randomBytes } from 'node:crypto';
import { isGrpcDeadlineError, isGrpcServiceError, type Client } from '@temporalio/client';

/** Runs `fn` (which calls Temporal) with a deadline of `ms`; past it the call fails. */
export type DeadlineRunner = <R>(ms: number, fn: () => Promise<R>) => Promise<R>;

export class DispatchDeadlineError extends Error {
  constructor(ms: number) {
    super(`Temporal did not answer within ${ms} ms`);
    this.name = 'DispatchDeadlineError';
  }
}

/**
 * The client's own deadline (gRPC DEADLINE_EXCEEDED, the call is cancelled on the wire), plus a timer
 * in case the call waits before reaching the wire (a connection being re-established). Without a
 * client (tests with a fake dispatcher) only the timer.
 */
export function deadlineRunner(client?: Pick<Client, 'withDeadline'>): DeadlineRunner {
  return async <R>(ms: number, fn: () => Promise<R>): Promise<R> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DispatchDeadlineError(ms)), ms + (client ? 250 : 0));
      timer.unref();
    });
    try {
      const call = client ? client.withDeadline(Date.now() + ms, fn) : fn();
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4). */
const UNREACHABLE_CODES: ReadonlySet<number> = new Set([14, 4]);

/**
 * True when the failure says Temporal could not be reached or did not answer in time, rather than
 * that it refused this delivery: such a failure is no fault of the row.
 */
export function isTemporalUnreachable(err: unknown): boolean {
  if (err instanceof DispatchDeadlineError || isGrpcDeadlineError(err)) return true;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && UNREACHABLE_CODES.has(e.code)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && UNREACHABLE_CODES.has(code)) return true;
    if (/\b(UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|ECONNRESET)\b/.test(e.message)) return true;
  }
  return false;
}

export interface DispatchPolicy {
  /** Deadline of one dispatch (a signal-with-start). */
  deadlineMs: number;
  /** How long a claim lasts; longer than the deadline, so a live claim is never taken over mid-call. */
  leaseMs: number;
  /** First retry after this long, doubling per counted attempt up to `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Counted failures before a delivery is dead-lettered. */
  maxAttempts: number;
}

export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = {
  deadlineMs: 10_000,
  leaseMs: 60_000,
  baseBackoffMs: 5_000,
  maxBackoffMs: 15 * 60_000,
  maxAttempts: 10,
};

/** The wait before the next try of a row that has failed `attempts` times (counted) so far. */
export function backoffMs(policy: DispatchPolicy, attempts: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** exponent);
}

/** Names this process's claims, so a lease says who holds it (pid for operators, random for uniqueness). */
export function claimOwner(): string {
  return `api-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
