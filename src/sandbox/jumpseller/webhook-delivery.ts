/**
 * Webhook delivery as Jumpseller does it, time-compressed: POST the wrapped resource to every hook
 * registered for the event, signed with the store's hooks token; any 2xx is success; otherwise
 * (or after the timeout) retry 4 more times, waiting N⁴ × `retryUnitMs` before retry N
 * (1, 16, 81, 256 minutes in production).
 *
 * Options make the consumer's life as hard as production can: `duplicates` sends each webhook K
 * times, `reorder` shuffles the webhooks of one burst (the events one action fires),
 * `deliveryDelayMs` holds every first attempt back, and `bodyShapes` sends bodies that differ from
 * the documented ones (webhook-shapes.ts). First attempts go out one at a time in burst order, so
 * with the defaults a consumer sees events in the order they happened; retries run on their own and
 * may land later.
 *
 * A hook that keeps failing is deleted, as Jumpseller does: after `deleteHookAfterFailures`
 * consecutive failed attempts (any webhook, any retry) the hook is gone from `GET /hooks.json` and
 * nothing more is sent to it, pending retries included. A success resets the count.
 */
import { signJumpsellerBody } from '../../jumpseller/webhook-signature.js';
import { simNow, triggeredAtDate } from './state.js';
import type { SimHook, SimState } from './state.js';
import { reshapeBody, type BodyShape } from './webhook-shapes.js';

export type ReorderMode = 'none' | 'reverse' | 'random';

export interface WebhookDeliveryOptions {
  /** Deliver each webhook this many times (>= 1). */
  duplicates: number;
  reorder: ReorderMode;
  deliveryDelayMs: number;
  retryUnitMs: number;
  /** Per attempt; Jumpseller waits 15 s. */
  timeoutMs: number;
  /** Consecutive failed attempts after which a hook is deleted; 0 never deletes. */
  deleteHookAfterFailures: number;
  /** Undocumented body shapes to send (none by default). */
  bodyShapes: BodyShape[];
}

/** Jumpseller gives up on a hook after 8 failed attempts (jumpseller-api.md §3 Delivery). */
export const DEFAULT_HOOK_FAILURE_LIMIT = 8;

export function defaultDeliveryOptions(): WebhookDeliveryOptions {
  return { duplicates: 1, reorder: 'none', deliveryDelayMs: 0, retryUnitMs: 10, timeoutMs: 15_000, deleteHookAfterFailures: DEFAULT_HOOK_FAILURE_LIMIT, bodyShapes: [] };
}

/** One event to announce: the body is the wrapped resource (`{"order":{...}}`). */
export interface WebhookEvent {
  event: string;
  body: unknown;
}

/** One HTTP attempt, as logged in `GET /_sim/deliveries`. */
export interface DeliveryAttempt {
  /** Same for every attempt (and every duplicate copy) of one webhook. */
  webhookId: number;
  copy: number;
  attempt: number;
  event: string;
  hookId: number;
  url: string;
  status: number | null;
  error: string | null;
  at: string;
  /** This failure was the one too many: the hook was deleted. */
  hookDeleted: boolean;
}

interface Job {
  webhookId: number;
  copy: number;
  hook: SimHook;
  event: string;
  body: string;
}

export const MAX_ATTEMPTS = 5;

export interface WebhookDispatcher {
  /** Announces the events of one action (a burst) to the registered hooks. */
  emit(events: WebhookEvent[]): void;
  /** Resolves once every delivery and retry in flight has finished. */
  flush(): Promise<void>;
  /** Drops pending retries (reset, shutdown). */
  cancelPending(): void;
  readonly log: DeliveryAttempt[];
  options: WebhookDeliveryOptions;
}

export function createWebhookDispatcher(state: SimState, deps: { fetch?: typeof fetch; random?: () => number; options?: Partial<WebhookDeliveryOptions> } = {}): WebhookDispatcher {
  const doFetch = deps.fetch ?? fetch;
  const random = deps.random ?? Math.random;
  const log: DeliveryAttempt[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let firstAttempts: Promise<void> = Promise.resolve();
  let generation = 0;
  let webhookIds = 0;
  /** Consecutive failed attempts per hook id. */
  const failures = new Map<number, number>();

  const dispatcher: WebhookDispatcher = {
    log,
    options: { ...defaultDeliveryOptions(), ...deps.options },
    emit(events) {
      const jobs = order(buildJobs(events));
      if (jobs.length === 0) return;
      const gen = generation;
      firstAttempts = firstAttempts.then(async () => {
        for (const job of jobs) {
          if (gen !== generation) return;
          if (dispatcher.options.deliveryDelayMs > 0) await sleep(dispatcher.options.deliveryDelayMs);
          await attempt(job, 1, gen);
        }
      });
      track(firstAttempts);
    },
    async flush() {
      // Retries scheduled while we wait add to the set, so loop until it stays empty.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    cancelPending() {
      generation++;
      failures.clear();
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
    },
  };

  function buildJobs(events: WebhookEvent[]): Job[] {
    const jobs: Job[] = [];
    for (const { event, body } of events) {
      const text = JSON.stringify(reshapeBody(body, dispatcher.options.bodyShapes));
      for (const hook of state.hooks.values()) {
        if (hook.event !== event) continue;
        const webhookId = ++webhookIds;
        for (let copy = 1; copy <= Math.max(1, dispatcher.options.duplicates); copy++) {
          jobs.push({ webhookId, copy, hook, event, body: text });
        }
      }
    }
    return jobs;
  }

  function order(jobs: Job[]): Job[] {
    if (dispatcher.options.reorder === 'reverse') return jobs.reverse();
    if (dispatcher.options.reorder === 'random') {
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
      }
    }
    return jobs;
  }

  function track(p: Promise<void>): void {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });
  }

  /** Counts a failed attempt against its hook; true when that deletes the hook. */
  function hookFailed(hook: SimHook): boolean {
    const count = (failures.get(hook.id) ?? 0) + 1;
    failures.set(hook.id, count);
    const limit = dispatcher.options.deleteHookAfterFailures;
    if (limit <= 0 || count < limit || state.hooks.get(hook.id) !== hook) return false;
    state.hooks.delete(hook.id);
    failures.delete(hook.id);
    return true;
  }

  async function attempt(job: Job, n: number, gen: number): Promise<void> {
    // A deleted hook gets nothing more, pending retries included.
    if (state.hooks.get(job.hook.id) !== job.hook) return;
    const now = simNow(state);
    const entry: DeliveryAttempt = {
      webhookId: job.webhookId,
      copy: job.copy,
      attempt: n,
      event: job.event,
      hookId: job.hook.id,
      url: job.hook.url,
      status: null,
      error: null,
      at: new Date(now).toISOString(),
      hookDeleted: false,
    };
    try {
      const res = await doFetch(job.hook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Jumpseller-Event': job.event,
          'Jumpseller-Store-Code': state.store.code,
          // Signed at send time: a hooks token reset applies to retries too, as it would in production.
          'Jumpseller-Hmac-Sha256': signJumpsellerBody(job.body, state.store.hooks_token),
          'Jumpseller-Triggered-At': triggeredAtDate(now),
        },
        body: job.body,
        signal: AbortSignal.timeout(dispatcher.options.timeoutMs),
      });
      entry.status = res.status;
      await res.body?.cancel();
    } catch (err) {
      entry.error = err instanceof Error ? err.name : 'error';
    }
    const delivered = entry.status !== null && entry.status >= 200 && entry.status < 300;
    if (delivered) failures.delete(job.hook.id);
    else entry.hookDeleted = hookFailed(job.hook);
    log.push(entry);
    if (delivered || entry.hookDeleted || n >= MAX_ATTEMPTS || gen !== generation) return;
    track(
      (async () => {
        await sleep(n ** 4 * dispatcher.options.retryUnitMs);
        if (gen === generation) await attempt(job, n + 1, gen);
      })(),
    );
  }

  return dispatcher;
}
