/** All activities, built from their dependencies (`createActivities(deps)`); the worker registers each on its queue (queue-activities.ts). */
import type { ActivityDeps } from './deps.js';
import { createDeliveryRetentionActivities } from './delivery-retention-activities.js';
import { createInstallActivities } from './install-activities.js';
import { createOrderActivities } from './order-activities.js';
import { createOrderReconcileActivities } from './order-reconcile-activities.js';
import { createProductActivities } from './product-activities.js';
import { createStockActivities } from './stock-activities.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createOrderActivities(deps),
    ...createOrderReconcileActivities(deps),
    ...createProductActivities(deps),
    ...createStockActivities(deps),
    ...createDeliveryRetentionActivities(deps),
    ...createInstallActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
