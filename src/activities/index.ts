/** All activities, built from their dependencies (`createActivities(deps)`), registered by the worker. */
import type { ActivityDeps } from './deps.js';
import { createOrderActivities } from './order-activities.js';
import { createProductActivities } from './product-activities.js';
import { createStockActivities } from './stock-activities.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createOrderActivities(deps),
    ...createProductActivities(deps),
    ...createStockActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
