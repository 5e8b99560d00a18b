/** `/admin/*`: the operator's controls, behind the operators' bearer tokens, every write audited. */
import { Hono } from 'hono';
import { auditRoutes } from './audit-routes.js';
import { auditWrites } from './audit.js';
import { ADMIN_OFF_MESSAGE, requireBearer } from './auth.js';
import type { AdminDeps } from './deps.js';
import { deliveryRoutes } from './delivery-routes.js';
import { orderReconcileRoutes } from './order-reconcile-routes.js';
import { orderRoutes } from './order-routes.js';
import { storeRoutes } from './store-routes.js';
import { syncRoutes } from './sync-routes.js';

export type { AdminDeps } from './deps.js';

export function adminRoutes(deps: AdminDeps): Hono {
  const admin = new Hono();
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
  const app = new Hono();
  app.route('/admin', admin);
  return app;
}
