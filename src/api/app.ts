/**
 * The HTTP app. It never does business work: it verifies, records and starts or signals workflows.
 * Built from its dependencies so tests drive it with `app.request()`; served by src/api/server.ts or
 * src/main.ts.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorResponse, HttpError } from './errors.js';
import { healthRoutes, livenessRoutes } from './health-routes.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  metrics: Metrics;
  /** Extra route groups (webhooks, admin, install), mounted at the root. */
  routes?: Hono[];
  /**
   * `all` (default): `/healthz`, `/readyz` and `/metrics` here. `liveness`: only `/healthz`, because
   * readiness and metrics are served on the internal port (createInternalApp).
   */
  health?: 'all' | 'liveness';
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    deps.metrics.httpDuration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });
  app.route('/', deps.health === 'liveness' ? livenessRoutes() : healthRoutes(deps));
  for (const r of deps.routes ?? []) app.route('/', r);
  return withErrorHandling(app, deps.logger);
}

/** The app INTERNAL_PORT serves: `/healthz`, `/readyz` and `/metrics`, and nothing a customer reaches. */
export function createInternalApp(deps: Pick<AppDeps, 'db' | 'temporal' | 'logger' | 'metrics'>): Hono {
  const app = new Hono();
  app.use(requestId());
  app.route('/', healthRoutes(deps));
  return withErrorHandling(app, deps.logger);
}

function withErrorHandling(app: Hono, logger: Logger): Hono {
  app.notFound((c) => errorResponse(c, 'not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.code, err.message, err.details);
    logger.error({ err, path: new URL(c.req.url).pathname, requestId: c.get('requestId') }, 'unhandled error');
    return errorResponse(c, 'internal', 'internal error; see the service log for this request id');
  });
  return app;
}
