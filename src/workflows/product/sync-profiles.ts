/**
 * Retry bounds of product and catalog sync. Unlike orders, a sync step that keeps failing is
 * reported rather than retried forever: the SKU shows as failed in the product's state and the
 * catalog report, the rest of the product or page goes on, and the next change (or an order that
 * waits for the SKU and is retried) syncs it again. The queues stay those of the shared profiles.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { jumpsellerApiProfile, relbaseApiProfile } from '../activity-profiles.js';

/** About three minutes of retries (2 s doubling to 1 min, 8 attempts): an outage longer than that fails the SKU. */
export const SYNC_API_RETRY: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8 };

/** A catalog page is the whole sync's way forward: about a quarter of an hour before the sync reports failure. */
export const CATALOG_PAGE_RETRY: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 };

/** Reads, lookups and updates in relBase. */
export function syncRelbaseProfile(storeCode: string): ActivityOptions {
  return { ...relbaseApiProfile(storeCode), retry: SYNC_API_RETRY };
}

/**
 * Steps the workflow retries itself because a blind retry could do harm: a create (a second one
 * could make a second product; the workflow looks the code up first) and an image upload (the
 * workflow checks whether relBase got the image before sending it again).
 */
export function singleAttemptRelbaseProfile(storeCode: string): ActivityOptions {
  return { ...relbaseApiProfile(storeCode), retry: { maximumAttempts: 1 } };
}

export function syncJumpsellerProfile(storeCode: string): ActivityOptions {
  return { ...jumpsellerApiProfile(storeCode), retry: SYNC_API_RETRY };
}

export function catalogPageProfile(storeCode: string): ActivityOptions {
  return { ...jumpsellerApiProfile(storeCode), retry: CATALOG_PAGE_RETRY };
}

export function catalogIndexProfile(storeCode: string): ActivityOptions {
  return { ...relbaseApiProfile(storeCode), retry: CATALOG_PAGE_RETRY };
}
