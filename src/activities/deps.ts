/** What activities are built from: real implementations in the worker, the same in tests against simulators. */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database.js';
import type { OutboundPolicy } from '../http/guarded-get.js';
import type { Logger } from '../observability/logger.js';
import type { StoreContext, StoreRegistry } from '../stores/registry.js';
import { FAILURE_TYPES, permanentFailure } from './failures.js';

export interface ActivityDeps {
  db: Db;
  stores: StoreRegistry;
  /** To signal or start other workflows (product sync waking pending orders). */
  temporal: Client;
  logger: Logger;
  /**
   * Where product images may be downloaded from (IMAGE_HOSTS); default Jumpseller's image CDN. Only
   * the sandbox adds its simulator's 127.0.0.1 origin (an explicit private-address allowance).
   */
  imageSources?: OutboundPolicy;
}

/** The store's context, or a non-retryable failure: an unknown store will not appear by retrying. */
export async function requireStore(deps: ActivityDeps, storeCode: string): Promise<StoreContext> {
  const store = await deps.stores.get(storeCode);
  if (!store) throw permanentFailure(`store ${storeCode} is not configured or not active`, FAILURE_TYPES.unknownStore);
  return store;
}
