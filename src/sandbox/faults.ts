/**
 * Fault injection shared by both simulators. A test or a demo sets faults through the simulator's
 * control API (or directly on the `FaultState`) and the middleware applies them to API routes.
 *
 * - latencyMs: every answer is delayed this long.
 * - errorRate: this fraction of requests (0..1) answer 503 without doing anything.
 * - throttle: this fraction of requests answer the API's own throttling status.
 * - hangMs: requests are held this long before being processed (past the client's timeout).
 * - commitThenFail: the next N requests matching `method path-prefix` are processed (the write
 *   happens) and then answered 502, so the caller cannot tell that it succeeded.
 */
import type { MiddlewareHandler } from 'hono';

export interface CommitThenFail {
  method: string;
  pathPrefix: string;
  remaining: number;
}

export interface Faults {
  latencyMs: number;
  errorRate: number;
  throttle: number;
  hangMs: number;
  commitThenFail: CommitThenFail[];
}

export function noFaults(): Faults {
  return { latencyMs: 0, errorRate: 0, throttle: 0, hangMs: 0, commitThenFail: [] };
}

export interface FaultCounters {
  injectedErrors: number;
  injectedThrottles: number;
  committedThenFailed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * @param state  mutable fault settings, read on every request
 * @param throttleAnswer  builds the API's own throttling answer (429 for Jumpseller, 403 for relBase)
 * @param random  injectable for deterministic tests
 */
export function faultMiddleware(state: { faults: Faults; counters: FaultCounters }, throttleAnswer: () => Response, random: () => number = Math.random): MiddlewareHandler {
  return async (c, next) => {
    const f = state.faults;
    if (f.hangMs > 0) await sleep(f.hangMs);
    if (f.latencyMs > 0) await sleep(f.latencyMs);
    if (f.throttle > 0 && random() < f.throttle) {
      state.counters.injectedThrottles++;
      return throttleAnswer();
    }
    if (f.errorRate > 0 && random() < f.errorRate) {
      state.counters.injectedErrors++;
      return c.json({ message: 'injected failure' }, 503);
    }
    const path = new URL(c.req.url).pathname;
    const rule = f.commitThenFail.find((r) => r.remaining > 0 && r.method === c.req.method && path.startsWith(r.pathPrefix));
    await next();
    if (rule && c.res.status < 300) {
      rule.remaining--;
      state.counters.committedThenFailed++;
      c.res = new Response(JSON.stringify({ message: 'injected failure after commit' }), {
        status: 502,
        headers: { 'content-type': 'application/json' },
      });
    }
  };
}
