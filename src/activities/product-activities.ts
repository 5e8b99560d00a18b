/**
 * Activities of product sync and catalog sync, by the queue they run on: Jumpseller calls, relBase
 * calls (one HTTP call each), and short database steps on the workflow's own queue. Each is
 * registered on its queue's worker only, and workflows type each proxy with that queue's activities
 * (queue-activities.ts), so a relBase call cannot be scheduled on the database queue by mistake.
 */
import type { ActivityDeps } from './deps.js';
import { createCatalogRecordActivities } from './catalog-records.js';
import { createJumpsellerProductActivities } from './jumpseller-product-activities.js';
import { createLegacySyncActivities } from './legacy-sync-activities.js';
import { createProductRecordActivities } from './product-records.js';
import { createRelbaseProductActivities, type RelbaseProductActivityOptions } from './relbase-product-activities.js';

export type { LinkRecord } from './product-records.js';
export type { ProductRead } from './jumpseller-product-activities.js';
export type { JumpsellerProductActivities } from './jumpseller-product-activities.js';
export type { RelbaseProductActivities } from './relbase-product-activities.js';
export type { ProductRecordActivities } from './product-records.js';
export type { CatalogRecordActivities } from './catalog-records.js';

export type ProductActivityOptions = RelbaseProductActivityOptions;

export function createProductActivities(deps: ActivityDeps, options: ProductActivityOptions = {}) {
  return {
    ...createJumpsellerProductActivities(deps),
    ...createRelbaseProductActivities(deps, options),
    ...createProductRecordActivities(deps),
    ...createCatalogRecordActivities(deps),
    ...createLegacySyncActivities(deps),
  };
}

/** Every product and catalog activity (the order workflow asks for product syncs through `requestProductSync`). */
export type ProductActivities = ReturnType<typeof createProductActivities>;
