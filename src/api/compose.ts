/** The HTTP app with all its routes, built from the running services (shared by `npm start` and `npm run api`). */
import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import type { Services } from '../runtime/services.js';
import { adminRoutes } from './admin/routes.js';
import { stockRoutes } from './stock/routes.js';
import { createApp } from './app.js';
import { installRoutes } from './install/routes.js';
import { oauthClientFromConfig } from '../jumpseller/oauth.js';
import { MAIN_TASK_QUEUE } from '../workflows/task-queues.js';
import { createDispatcher } from './webhooks/dispatch.js';
import { startRedispatcher, type Redispatcher } from './webhooks/redispatcher.js';
import { webhookRoutes } from './webhooks/routes.js';

export interface ApiApp {
  app: Hono;
  metrics: Metrics;
  redispatcher: Redispatcher;
}

export function composeApi(services: Services, config: Config, logger: Logger, options: { mainTaskQueue?: string } = {}): ApiApp {
  const metrics = createMetrics();
  const dispatcher = createDispatcher(services.temporal, options);
  const redispatcher = startRedispatcher({ db: services.db, dispatcher, logger });
  const app = createApp({
    db: services.db,
    temporal: services.temporal,
    logger,
    metrics,
    routes: [
      webhookRoutes({
        db: services.db,
        stores: services.stores,
        dispatcher,
        logger,
        metrics,
        maxBodyBytes: config.webhookMaxBodyBytes,
      }),
      adminRoutes({
        db: services.db,
        temporal: services.temporal,
        stores: services.stores,
        logger,
        adminToken: config.adminToken,
        secretsKey: config.secretsKey,
        publicUrl: config.publicUrl,
        mainTaskQueue: options.mainTaskQueue ?? MAIN_TASK_QUEUE,
      }),
      stockRoutes({
        db: services.db,
        temporal: services.temporal,
        logger,
        adminToken: config.adminToken,
        mainTaskQueue: options.mainTaskQueue ?? MAIN_TASK_QUEUE,
      }),
      installRoutes({
        db: services.db,
        stores: services.stores,
        logger,
        oauth: oauthClientFromConfig(config),
        secretsKey: config.secretsKey,
        jumpsellerApiUrl: config.jumpseller.apiUrl,
        publicUrl: config.publicUrl,
      }),
    ],
  });
  return { app, metrics, redispatcher };
}
