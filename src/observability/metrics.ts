/**
 * Prometheus metrics for the HTTP side (prom-client). The worker's Temporal metrics are exposed by
 * the SDK's own Prometheus exporter (see worker runtime), not duplicated here.
 *
 * Every label takes a value from a fixed list, never from a request: each distinct value is a new
 * series kept for the life of the process, so a label fed by unauthenticated traffic would let
 * anyone grow this process's memory. Refused webhooks are counted by reason only, without an event.
 * The only open-ended label is `store`, whose values are the installed stores read from the database.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isKnownEvent } from '../jumpseller/webhook-payloads.js';

/** What a signed, stored delivery led to (the `outcome` label of webhooks_received_total). */
/** `other` stands for an outcome the dispatcher may add later: the label never takes a value from elsewhere. */
export const WEBHOOK_OUTCOMES = ['dispatched', 'after_issue', 'after_close', 'ignored', 'unroutable', 'duplicate', 'queued', 'other'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Why a webhook request was refused before anything was stored. */
export const WEBHOOK_REFUSALS = ['unauthorized', 'too_large'] as const;
export type WebhookRefusal = (typeof WEBHOOK_REFUSALS)[number];

/** What one redispatch attempt of a stored delivery led to. */
export const REDISPATCH_OUTCOMES = ['dispatched', 'retry_later', 'dead_letter', 'temporal_unavailable'] as const;
export type RedispatchOutcome = (typeof REDISPATCH_OUTCOMES)[number];

/** The `event` label: a known Jumpseller event, or `other`. */
export function eventLabel(event: string): string {
  return isKnownEvent(event) ? event : 'other';
}

function knownOr<T extends string>(value: string, known: readonly T[], fallback: T): T {
  return (known as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Deliveries stored but not done, read from the database when metrics are scraped. */
export interface DeliveryBacklog {
  /** Waiting to be dispatched (`received`). */
  waiting: number;
  /** Age of the oldest waiting delivery; 0 when none waits. */
  oldestWaitingSeconds: number;
  deadLettered: number;
  unroutable: number;
}

/** The last finished paid-order reconcile of one store. */
export interface OrderReconcileReading {
  store: string;
  finishedAt: Date;
  ordersSeen: number;
  dispatched: number;
  alreadyDocumented: number;
  failed: number;
  hooksRecreated: number;
}

/** Where scrape-time gauges read from (the database); errors keep the last values and are reported. */
export interface MetricReadings {
  deliveryBacklog(): Promise<DeliveryBacklog>;
  orderReconcile(): Promise<OrderReconcileReading[]>;
  onError(what: string, err: unknown): void;
}

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Signed deliveries, stored, by known event (or `other`) and what became of them. */
  webhookReceived(event: string, outcome: string): void;
  /** Requests refused before storing (bad or missing signature, unknown store, too large). */
  webhookRefused(reason: WebhookRefusal): void;
  redispatched(outcome: RedispatchOutcome): void;
  /** Refused bearer tokens, by realm (admin, stock-notices) and reason (missing, wrong). */
  authFailures: Counter<'realm' | 'reason'>;
  /** Jumpseller refused the app's own OAuth credentials (invalid_client…): an operator must fix the configuration. */
  oauthConfigurationErrors: Counter;
  /** Requests answered 429 by a per-client limit, by route group. */
  rateLimited: Counter<'route'>;
}

export function createMetrics(readings?: MetricReadings): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const webhooksReceived = new Counter({
    name: 'webhooks_received_total',
    help: 'Signed Jumpseller webhook deliveries stored, by event (a known event or "other") and outcome',
    labelNames: ['event', 'outcome'],
    registers: [registry],
  });
  const webhooksRefused = new Counter({
    name: 'webhooks_refused_total',
    help: 'Webhook requests refused before anything was stored: unauthorized (bad or missing signature, unknown store) or too_large',
    labelNames: ['reason'],
    registers: [registry],
  });
  const redispatches = new Counter({
    name: 'webhook_redispatches_total',
    help: 'Dispatch attempts of stored deliveries by the redispatcher, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  if (readings) registerScrapeGauges(registry, readings);
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    webhookReceived: (event, outcome) => webhooksReceived.inc({ event: eventLabel(event), outcome: knownOr(outcome, WEBHOOK_OUTCOMES, 'other') }),
    webhookRefused: (reason) => webhooksRefused.inc({ reason: knownOr(reason, WEBHOOK_REFUSALS, 'unauthorized') }),
    redispatched: (outcome) => redispatches.inc({ outcome: knownOr(outcome, REDISPATCH_OUTCOMES, 'retry_later') }),
    authFailures: new Counter({
      name: 'auth_failures_total',
      help: 'Requests refused for a missing or wrong bearer token, by realm and reason',
      labelNames: ['realm', 'reason'],
      registers: [registry],
    }),
    oauthConfigurationErrors: new Counter({
      name: 'jumpseller_oauth_configuration_errors_total',
      help: "Jumpseller's OAuth server refused the app's own credentials (invalid_client and the like); stores are left untouched",
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'http_rate_limited_total',
      help: 'Requests answered 429 by a per-client limit, by route group',
      labelNames: ['route'],
      registers: [registry],
    }),
  };
}

/** Adds the scrape-time gauges to metrics created before their readings could be (once per registry). */
export function addScrapeGauges(metrics: Metrics, readings: MetricReadings): void {
  if (metrics.registry.getSingleMetric('webhook_deliveries')) return;
  registerScrapeGauges(metrics.registry, readings);
}

/**
 * One database read per scrape, shared by the gauges that show it: prom-client collects every metric
 * of a scrape at once, so the gauges share the read in flight; the next scrape reads again.
 */
function sharedPerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

function registerScrapeGauges(registry: Registry, readings: MetricReadings): void {
  const backlog = sharedPerScrape(() => readings.deliveryBacklog());
  const reconcile = sharedPerScrape(() => readings.orderReconcile());
  const guarded = async <T>(what: string, read: () => Promise<T>, apply: (value: T) => void) => {
    try {
      apply(await read());
    } catch (err) {
      readings.onError(what, err);
    }
  };

  new Gauge({
    name: 'webhook_deliveries',
    help: 'Stored deliveries that are not done: waiting (to be dispatched), dead_letter (gave up after repeated failures), unroutable (signed but without a resource id)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      await guarded('delivery backlog', backlog, (b) => {
        this.set({ status: 'waiting' }, b.waiting);
        this.set({ status: 'dead_letter' }, b.deadLettered);
        this.set({ status: 'unroutable' }, b.unroutable);
      });
    },
  });
  new Gauge({
    name: 'webhook_deliveries_oldest_waiting_seconds',
    help: 'Age of the oldest delivery waiting to be dispatched (0 when none waits)',
    registers: [registry],
    async collect() {
      await guarded('delivery backlog', backlog, (b) => this.set(b.oldestWaitingSeconds));
    },
  });

  const perStore = (name: string, help: string, pick: (r: OrderReconcileReading) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['store'],
      registers: [registry],
      async collect() {
        await guarded('order reconcile reports', reconcile, (rows) => {
          this.reset();
          for (const r of rows) this.set({ store: r.store }, pick(r));
        });
      },
    });
  perStore('order_reconcile_last_finished_timestamp_seconds', 'When the last paid-order reconcile of the store finished', (r) => r.finishedAt.getTime() / 1000);
  perStore('order_reconcile_last_orders_seen', 'Paid orders the last reconcile listed from Jumpseller', (r) => r.ordersSeen);
  perStore('order_reconcile_last_orders_dispatched', 'Paid orders without a document whose workflow the last reconcile started or signalled', (r) => r.dispatched);
  perStore('order_reconcile_last_orders_documented', 'Paid orders the last reconcile found with their document already issued', (r) => r.alreadyDocumented);
  perStore('order_reconcile_last_failures', 'Orders or hooks the last reconcile could not handle (see its report)', (r) => r.failed);
  perStore('order_reconcile_last_hooks_recreated', 'Webhooks the last reconcile found missing in Jumpseller and created again', (r) => r.hooksRecreated);
}
