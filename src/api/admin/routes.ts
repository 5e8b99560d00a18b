/** `/admin/*`: the operator's controls, behind the admin bearer token. */
import { Hono } from 'hono';
import { requireAdminToken } from './auth.js';
import type { AdminDeps } from './deps.js';
import { orderRoutes } from './order-routes.js';
import { storeRoutes } from './store-routes.js';
import { syncRoutes } from './sync-routes.js';

export type { AdminDeps } from './deps.js';

export function adminRoutes(deps: AdminDeps): Hono {
  const admin = new Hono();
  admin.use('*', requireAdminToken(deps.adminToken));
  admin.route('/', storeRoutes(deps));
  admin.route('/', orderRoutes(deps));
  admin.route('/', syncRoutes(deps));
  const app = new Hono();
  app.route('/admin', admin);
  return app;
}
