/** How activity failures reach Temporal: which API errors are retried and which end the activity. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { classifyFailures, RELBASE_403_ATTEMPTS, RELBASE_403_ATTEMPTS_SINGLE_CALL, relbase403Delay } from '../../../src/activities/failures.js';
import { ApiError } from '../../../src/http/api-errors.js';

/** Runs `classifyFailures` inside an activity context at this attempt; returns what it threw. */
async function thrownAt(attempt: number, err: Error): Promise<unknown> {
  const env = new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });
  return env
    .run(() => classifyFailures(() => Promise.reject(err)))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}

const relbase403 = () => new ApiError('relbase', 'auth', 'POST /dtes answered 403 after 5 throttling retries', 403);

describe('classifyFailures', () => {
  it('retries a relBase 403 (throttling or refusal: relBase says both) until the last allowed attempt', async () => {
    expect(RELBASE_403_ATTEMPTS).toBeGreaterThanOrEqual(2);
    expect(await thrownAt(1, relbase403())).toMatchObject({ type: 'relbase.throttled', nonRetryable: false });
    for (let attempt = 1; attempt < RELBASE_403_ATTEMPTS; attempt++) {
      const thrown = await thrownAt(attempt, relbase403());
      expect(thrown).toBeInstanceOf(ApplicationFailure);
      expect(thrown).toMatchObject({ type: 'relbase.throttled', nonRetryable: false });
      expect((thrown as Error).message).toContain(`activity attempt ${attempt} of ${RELBASE_403_ATTEMPTS}`);
    }
    const last = await thrownAt(RELBASE_403_ATTEMPTS, relbase403());
    expect(last).toMatchObject({ type: 'relbase.auth', nonRetryable: true });
  });

  it('waits before retrying a relBase 403 (the client no longer retries it), longer each time, about half a minute in all', async () => {
    const delays: number[] = [];
    for (let attempt = 1; attempt < RELBASE_403_ATTEMPTS; attempt++) {
      const thrown = (await thrownAt(attempt, relbase403())) as ApplicationFailure;
      delays.push(Number(thrown.nextRetryDelay));
    }
    expect(delays).toEqual(delays.map((_, i) => relbase403Delay(i + 1)));
    expect(delays[0]).toBe(1000);
    expect(delays.every((d, i) => i === 0 || d > delays[i - 1]!)).toBe(true);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(15_000);
    expect(total).toBeLessThanOrEqual(60_000);
  });

  it('hands a throttling answer back to Temporal with the delay the API asked for', async () => {
    const banned = new ApiError('jumpseller', 'throttled', 'GET /products.json answered 429 (rate limited, after 1 attempts)', 429, 4_500);
    expect(await thrownAt(1, banned)).toMatchObject({ type: 'jumpseller.throttled', nonRetryable: false, nextRetryDelay: 4_500 });
    const unsaid = new ApiError('jumpseller', 'throttled', 'GET /products.json answered 429', 429);
    const thrown = (await thrownAt(1, unsaid)) as ApplicationFailure;
    expect(thrown).toMatchObject({ type: 'jumpseller.throttled', nonRetryable: false });
    expect(thrown.nextRetryDelay ?? undefined).toBeUndefined(); // the retry policy's backoff applies
  });

  it('ends the activity at once for a relBase 401 and other permanent errors', async () => {
    expect(await thrownAt(1, new ApiError('relbase', 'auth', 'GET /productos answered 401', 401))).toMatchObject({ type: 'relbase.auth', nonRetryable: true });
    expect(await thrownAt(1, new ApiError('jumpseller', 'auth', 'GET /orders answered 403', 403))).toMatchObject({ type: 'jumpseller.auth', nonRetryable: true });
    expect(await thrownAt(1, new ApiError('relbase', 'validation', 'POST /dtes answered 422', 422))).toMatchObject({ type: 'relbase.validation', nonRetryable: true });
  });

  it('rethrows transient errors untouched, for the retry policy', async () => {
    const err = new ApiError('relbase', 'server', 'GET /dtes answered 502', 502);
    expect(await thrownAt(1, err)).toBe(err);
  });

  it('outside an activity (no retry to come) a relBase 403 is final', async () => {
    await expect(classifyFailures(() => Promise.reject(relbase403()))).rejects.toMatchObject({ type: 'relbase.auth', nonRetryable: true });
  });
});

describe('classifyFailures for single-call activities', () => {
  it('takes a larger budget of attempts before a relBase 403 is believed', async () => {
    const env = (attempt: number) => new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });
    const thrown = (attempt: number) =>
      env(attempt)
        .run(() => classifyFailures(() => Promise.reject(relbase403()), { relbase403Attempts: RELBASE_403_ATTEMPTS_SINGLE_CALL }))
        .catch((e: unknown) => e);
    expect(RELBASE_403_ATTEMPTS_SINGLE_CALL).toBeGreaterThan(RELBASE_403_ATTEMPTS);
    expect(await thrown(RELBASE_403_ATTEMPTS)).toMatchObject({ type: 'relbase.throttled', nonRetryable: false });
    expect(await thrown(RELBASE_403_ATTEMPTS_SINGLE_CALL - 1)).toMatchObject({ type: 'relbase.throttled', nonRetryable: false });
    expect(await thrown(RELBASE_403_ATTEMPTS_SINGLE_CALL)).toMatchObject({ type: 'relbase.auth', nonRetryable: true });
  });
});
