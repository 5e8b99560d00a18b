/** The admin API over a test stack: the routes `npm start` mounts, with a known token. */
import { createApp } from '../../src/api/app.js';
import { adminRoutes } from '../../src/api/admin/routes.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ADMIN_TOKEN_OPERATOR } from '../../src/security/api-tokens.js';
import { sha256 } from '../../src/security/token-strength.js';
import type { TestStack } from '../support/stack.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function adminApp(stack: TestStack, options: { mainTaskQueue?: string } = {}) {
  const logger = createLogger('silent');
  return createApp({
    db: stack.db,
    temporal: stack.temporal,
    logger,
    metrics: createMetrics(),
    routes: [
      adminRoutes({
        db: stack.db,
        temporal: stack.temporal,
        stores: stack.stores,
        logger,
        adminTokens: [{ name: ADMIN_TOKEN_OPERATOR, scope: 'admin', sha256: sha256(ADMIN_TOKEN) }],
        secretsKeyring: undefined,
        publicUrl: stack.apiUrl,
        mainTaskQueue: options.mainTaskQueue ?? stack.mainTaskQueue,
      }),
    ],
  });
}
