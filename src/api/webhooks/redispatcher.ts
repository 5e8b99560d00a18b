/**
 * Dispatches the stored deliveries that still wait (`received`): those whose dispatch failed or timed
 * out when they arrived, and those whose process died before dispatching them. It runs in every API
 * process on an interval, and the processes share the work: each pass claims a batch of due rows
 * (see webhook-deliveries-repository: a lease, `SKIP LOCKED`), so no row is dispatched by two of them.
 *
 * One bad row never stops it: a row that fails goes back with its own backoff and, after too many
 * failures, to `dead_letter` for an operator, while the pass goes on with the next row. Only when
 * Temporal itself cannot be reached (several rows in a row fail that way) does the pass end early,
 * without counting that against the rows it did not try.
 */
import type { Db } from '../../db/database.js';
import { claimDueDeliveries, markDispatched, markDispatchFailed } from '../../db/webhook-deliveries-repository.js';
import type { WebhookDelivery } from '../../db/schema.js';
import { isKnownEvent, routingFieldsOf } from '../../jumpseller/webhook-payloads.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Dispatcher } from '../../dispatch/dispatcher.js';
import { backoffMs, claimOwner, DEFAULT_DISPATCH_POLICY, deadlineRunner, isTemporalUnreachable, messageOf, type DeadlineRunner, type DispatchPolicy } from './dispatch-policy.js';

export interface RedispatcherDeps {
  db: Db;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics?: Pick<Metrics, 'redispatched'>;
  /** Puts the deadline on each dispatch; default: a timer only (give it the Temporal client in production). */
  withDeadline?: DeadlineRunner;
}

export interface RedispatcherOptions extends Partial<DispatchPolicy> {
  /** Between passes. */
  intervalMs?: number;
  /** Rows claimed per pass. */
  batchSize?: number;
  /** Consecutive "Temporal unreachable" failures that end a pass. */
  unreachableStreak?: number;
  /** Names this process's claims (tests run two redispatchers in one process). */
  owner?: string;
  /**
   * Only these stores' deliveries are claimed; undefined: every store's (an API process serves every
   * store). Tests that share one database give each redispatcher its own stores.
   */
  storeCodes?: readonly string[];
}

export interface RedispatchPassResult {
  claimed: number;
  dispatched: number;
  failed: number;
  deadLettered: number;
}

export interface Redispatcher {
  /** One pass over the due rows; returns what it did. */
  runOnce(): Promise<RedispatchPassResult>;
  stop(): void;
}

function statusEnumOf(d: WebhookDelivery): string | null {
  return isKnownEvent(d.event) ? routingFieldsOf(d.event, d.body).statusEnum : null;
}

export function startRedispatcher(deps: RedispatcherDeps, options: RedispatcherOptions = {}): Redispatcher {
  const policy: DispatchPolicy = { ...DEFAULT_DISPATCH_POLICY, ...options };
  const intervalMs = options.intervalMs ?? 5000;
  const batchSize = options.batchSize ?? 100;
  const unreachableStreak = options.unreachableStreak ?? 3;
  const claim = { owner: options.owner ?? claimOwner(), leaseMs: policy.leaseMs };
  const withDeadline = deps.withDeadline ?? deadlineRunner();
  let running: Promise<RedispatchPassResult> | null = null;

  async function dispatchOne(d: WebhookDelivery): Promise<'dispatched' | 'retry_later' | 'dead_letter' | 'temporal_unavailable'> {
    try {
      const outcome = await withDeadline(policy.deadlineMs, () =>
        deps.dispatcher.dispatch({ deliveryId: d.id, storeCode: d.store_code, event: d.event, resourceId: d.resource_id, statusEnum: statusEnumOf(d) }),
      );
      await markDispatched(deps.db, d.id, outcome);
      return 'dispatched';
    } catch (err) {
      const unreachable = isTemporalUnreachable(err);
      const status = await markDispatchFailed(deps.db, d.id, {
        error: messageOf(err),
        retryInMs: unreachable ? policy.baseBackoffMs : backoffMs(policy, d.attempts + 1),
        countsAsAttempt: !unreachable,
        maxAttempts: policy.maxAttempts,
      });
      if (status === 'dead_letter') {
        deps.logger.error(
          { deliveryId: d.id, storeCode: d.store_code, event: d.event, resourceId: d.resource_id, err: messageOf(err) },
          'webhook delivery dead-lettered after repeated dispatch failures',
        );
        return 'dead_letter';
      }
      deps.logger.warn({ deliveryId: d.id, attempts: d.attempts + (unreachable ? 0 : 1), err: messageOf(err) }, 'webhook delivery dispatch failed; it will be tried again');
      return unreachable ? 'temporal_unavailable' : 'retry_later';
    }
  }

  async function pass(): Promise<RedispatchPassResult> {
    const result: RedispatchPassResult = { claimed: 0, dispatched: 0, failed: 0, deadLettered: 0 };
    const rows = await claimDueDeliveries(deps.db, claim, batchSize, options.storeCodes);
    result.claimed = rows.length;
    let streak = 0;
    for (const [i, row] of rows.entries()) {
      const outcome = await dispatchOne(row);
      deps.metrics?.redispatched(outcome);
      if (outcome === 'dispatched') result.dispatched++;
      else result.failed++;
      if (outcome === 'dead_letter') result.deadLettered++;
      streak = outcome === 'temporal_unavailable' ? streak + 1 : 0;
      if (streak >= unreachableStreak) {
        // Temporal is away: hand the rest back as they were, due now, for the next pass.
        const rest = rows.slice(i + 1);
        for (const r of rest)
          await markDispatchFailed(deps.db, r.id, {
            error: r.last_error ?? 'not tried: Temporal was unreachable',
            retryInMs: 0,
            countsAsAttempt: false,
            maxAttempts: policy.maxAttempts,
          });
        break;
      }
    }
    if (result.dispatched > 0 || result.failed > 0) deps.logger.info({ ...result }, 'stored webhook deliveries redispatched');
    return result;
  }

  async function runOnce(): Promise<RedispatchPassResult> {
    // One pass at a time per redispatcher: a slow pass is awaited, not doubled.
    if (running) return running;
    running = pass().finally(() => (running = null));
    return running;
  }

  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => deps.logger.warn({ err: messageOf(err) }, 'redispatch pass failed'));
  }, intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
