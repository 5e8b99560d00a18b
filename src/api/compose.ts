/** The HTTP app with all its routes, built from the running services (shared by `npm start` and `npm run api`). */
import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import { codecRoutes } from './codec/routes.js';
import type { Logger } from '../observability/logger.js';
import { addScrapeGauges, createMetrics, type MetricReadings, type Metrics } from '../observability/metrics.js';
import type { Db } from '../db/database.js';
import { deliveryBacklog } from '../db/webhook-deliveries-repository.js';
import { lastFinishedReconciles } from '../db/order-reconcile-repository.js';
import type { Services } from '../runtime/services.js';
import { adminRoutes } from './admin/routes.js';
import { stockRoutes } from './stock/routes.js';
import { createApp, createInternalApp } from './app.js';
import { installRoutes } from './install/routes.js';
import { oauthClientFromConfig } from '../jumpseller/oauth.js';
import { MAIN_TASK_QUEUE } from '../workflows/task-queues.js';
import { createDispatcher } from '../dispatch/dispatcher.js';
import { startRedispatcher, type Redispatcher } from './webhooks/redispatcher.js';
import { deadlineRunner } from './webhooks/dispatch-policy.js';
import { webhookRoutes } from './webhooks/routes.js';

export interface ApiApp {
  app: Hono;
  /** Health, readiness and metrics for INTERNAL_PORT; undefined when they are served by `app`. */
  internalApp: Hono | undefined;
  metrics: Metrics;
  redispatcher: Redispatcher;
}

export interface ComposeOptions {
  mainTaskQueue?: string;
  /**
   * The codec endpoint (src/api/codec/routes.ts): the payload keys, and for `npm start`'s embedded
   * Web UI its secret path and origins. Unset: no /codec routes (tests that do not need them).
   */
  codec?: { keyring: Keyring; devPathToken?: string; embeddedUiOrigins?: string[] };
  /** The process's metrics, when it created them before the services (to count OAuth configuration errors). */
  metrics?: Metrics;
  /**
   * The stores whose stored deliveries this process's redispatcher dispatches; undefined (production):
   * every store's. A test stack names its own store, so it never dispatches another stack's deliveries
   * (to its own main queue) when several share one database.
   */
  redispatchStores?: readonly string[];
}

/** What the scrape-time gauges read: the delivery backlog and each store's last paid-order reconcile. */
export function metricReadings(db: Db, logger: Logger): MetricReadings {
  // Reports are JSON written by the reconcile workflow (OrderReconcileProgress); read defensively.
  const count = (value: unknown) => (typeof value === 'number' ? value : Array.isArray(value) ? value.length : 0);
  return {
    deliveryBacklog: () => deliveryBacklog(db),
    async orderReconcile() {
      return (await lastFinishedReconciles(db)).map(({ store_code, finished_at, report }) => ({
        store: store_code,
        finishedAt: finished_at,
        ordersSeen: count(report['ordersSeen']),
        dispatched: count(report['dispatched']),
        alreadyDocumented: count(report['alreadyDocumented']),
        failed: count(report['failures']),
        hooksRecreated: count((report['hooks'] as { recreated?: unknown } | undefined)?.recreated),
      }));
    },
    onError: (what, err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, `metrics: could not read the ${what}`),
  };
}

export function composeApi(services: Services, config: Config, logger: Logger, options: ComposeOptions = {}): ApiApp {
  // The process may have created its metrics before the services (to count OAuth configuration errors).
  const metrics = options.metrics ?? createMetrics();
  addScrapeGauges(metrics, metricReadings(services.db, logger));
  const dispatcher = createDispatcher(services.temporal, { db: services.db, ...options });
  const withDeadline = deadlineRunner(services.temporal);
  const policy = { maxAttempts: config.webhookDeliveries.maxDispatchAttempts };
  const redispatcher = startRedispatcher(
    { db: services.db, dispatcher, logger, metrics, withDeadline },
    { ...policy, ...(options.redispatchStores ? { storeCodes: options.redispatchStores } : {}) },
  );
  const mainTaskQueue = options.mainTaskQueue ?? MAIN_TASK_QUEUE;
  const internal = config.internal.port !== undefined;
  const app = createApp({
    db: services.db,
    temporal: services.temporal,
    logger,
    metrics,
    health: internal ? 'liveness' : 'all',
    routes: [
      ...(options.codec
        ? [
            codecRoutes({
              keyring: options.codec.keyring,
              logger,
              adminTokens: config.apiTokens.admin,
              allowedOrigins: [...config.temporal.uiOrigins, ...(options.codec.embeddedUiOrigins ?? [])],
              ...(options.codec.devPathToken ? { devPathToken: options.codec.devPathToken } : {}),
              secureCookies: config.publicUrl.startsWith('https:'),
            }),
          ]
        : []),
      webhookRoutes({
        db: services.db,
        stores: services.stores,
        dispatcher,
        logger,
        metrics,
        maxBodyBytes: config.webhookMaxBodyBytes,
        withDeadline,
        policy,
      }),
      adminRoutes({
        db: services.db,
        temporal: services.temporal,
        stores: services.stores,
        logger,
        adminTokens: config.apiTokens.admin,
        metrics,
        trustProxy: config.trustProxy,
        auditLogRetentionDays: config.auditLogRetentionDays,
        secretsKeyring: config.secretsKeyring,
        publicUrl: config.publicUrl,
        publicUrlSet: config.publicUrlSet,
        mainTaskQueue,
      }),
      stockRoutes({
        db: services.db,
        temporal: services.temporal,
        logger,
        stockNoticesToken: config.apiTokens.stockNotices,
        metrics,
        trustProxy: config.trustProxy,
        auditLogRetentionDays: config.auditLogRetentionDays,
        mainTaskQueue,
      }),
      installRoutes({
        db: services.db,
        stores: services.stores,
        temporal: services.temporal,
        mainTaskQueue,
        logger,
        oauth: oauthClientFromConfig(config),
        secretsKeyring: config.secretsKeyring,
        jumpsellerApiUrl: config.jumpseller.apiUrl,
        publicUrl: config.publicUrl,
        autoApprove: config.installAutoApprove,
        rateLimit: { perMinute: config.installRateLimitPerMinute, trustProxy: config.trustProxy, onLimited: () => metrics.rateLimited.inc({ route: 'install' }) },
        onConfigurationError: () => metrics.oauthConfigurationErrors.inc(),
      }),
    ],
  });
  const internalApp = internal ? createInternalApp({ db: services.db, temporal: services.temporal, logger, metrics }) : undefined;
  return { app, internalApp, metrics, redispatcher };
}
