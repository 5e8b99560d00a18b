/**
 * `/admin/*`: the operator's controls, behind the operators' bearer tokens, every write audited.
 * Every route is declared with its input and answer schemas (createRoute); the OpenAPI 3.1 document
 * generated from those declarations is served at `GET /admin/openapi.json`, behind the same token.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { auditRoutes } from './audit-routes.js';
import { auditWrites } from './audit.js';
import { ADMIN_OFF_MESSAGE, requireBearer } from './auth.js';
import type { AdminDeps } from './deps.js';
import { deliveryRoutes } from './delivery-routes.js';
import { adminRouter, errorAnswers, jsonAnswer } from './openapi.js';
import { orderReconcileRoutes } from './order-reconcile-routes.js';
import { orderRoutes } from './order-routes.js';
import { OpenApiDocument } from './schemas.js';
import { storeRoutes } from './store-routes.js';
import { syncRoutes } from './sync-routes.js';

export type { AdminDeps } from './deps.js';

export const ADMIN_OPENAPI_PATH = '/admin/openapi.json';

export function adminRoutes(deps: AdminDeps): Hono {
  const admin = adminRouter();
  admin.use(
    '*',
    requireBearer({
      realm: 'admin',
      tokens: deps.adminTokens,
      offMessage: ADMIN_OFF_MESSAGE,
      logger: deps.logger,
      ...(deps.metrics ? { onFailure: (realm: string, reason: string) => deps.metrics!.authFailures.inc({ realm, reason }) } : {}),
      trustProxy: deps.trustProxy ?? false,
    }),
  );
  admin.use('*', auditWrites({ db: deps.db, logger: deps.logger, retentionDays: deps.auditLogRetentionDays ?? 365 }));
  admin.route('/', storeRoutes(deps));
  admin.route('/', orderRoutes(deps));
  admin.route('/', syncRoutes(deps));
  admin.route('/', orderReconcileRoutes(deps));
  admin.route('/', deliveryRoutes(deps));
  admin.route('/', auditRoutes(deps));
  const app = adminRouter();
  serveOpenApiDocument(admin, app);
  app.route('/admin', admin);
  return app;
}

/**
 * `GET /admin/openapi.json`, declared on `admin` (behind its token) and generated from `app`, where
 * every declaration has its full path; once, on the first request, when all are registered.
 */
function serveOpenApiDocument(admin: OpenAPIHono, app: OpenAPIHono) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: "an operator's token (ADMIN_TOKENS) or the service's ADMIN_TOKEN",
  });
  let document: OpenApiDocument | undefined;
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This document',
      responses: { 200: jsonAnswer(OpenApiDocument, 'the OpenAPI 3.1 document of the admin API'), ...errorAnswers({}) },
    }),
    (c) => {
      document ??= app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'jumpseller-relbase admin API',
          version: '1',
          description:
            "The operator's controls (what `npm run ops` calls): stores, orders, catalog sync, stock refresh, the paid-order reconcile, " +
            'webhook deliveries and the audit log. Every route needs a bearer token; every failure answers the same error envelope.',
        },
        security: [{ bearer: [] }],
      });
      return c.json(document, 200);
    },
  );
}
