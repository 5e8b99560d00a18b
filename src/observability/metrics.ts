/**
 * Prometheus metrics for the HTTP side (prom-client). The worker's Temporal metrics are exposed by
 * the SDK's own Prometheus exporter (see worker runtime), not duplicated here.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  webhooksReceived: Counter<'event' | 'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
    webhooksReceived: new Counter({
      name: 'webhooks_received_total',
      help: 'Jumpseller webhook deliveries by event and outcome (accepted, duplicate, rejected, deferred)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
  };
}
