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
import { healthRoutes } from './health-routes.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  metrics: Metrics;
  /** Extra route groups (webhooks, admin, install), mounted at the root. */
  routes?: Hono[];
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
  app.route('/', healthRoutes(deps));
  for (const r of deps.routes ?? []) app.route('/', r);

  app.notFound((c) => errorResponse(c, 'not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err.code, err.message, err.details);
    deps.logger.error({ err, path: new URL(c.req.url).pathname, requestId: c.get('requestId') }, 'unhandled error');
    return errorResponse(c, 'internal', 'internal error; see the service log for this request id');
  });
  return app;
}
