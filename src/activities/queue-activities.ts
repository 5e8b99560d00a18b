/**
 * Which activities each task queue's worker registers (src/workflows/task-queues.ts): the main queue
 * runs the database-only activities (with the workflows), a store's Jumpseller queue the activities
 * that call Jumpseller, a store's relBase queue those that call relBase. Each list is the queue's
 * activity interface: workflows type their proxies with it (src/workflows/activity-proxies.ts), so a
 * relBase call scheduled on the database queue does not compile, and the worker registers exactly
 * these on each queue (src/worker.ts), so one scheduled elsewhere fails instead of running outside
 * its API's rate limit. Every activity is on exactly one list (checked below at compile time).
 *
 * Workflows import this file's types only; the lists are for the worker and the tests.
 */
import type { Activities } from './index.js';

export const DATABASE_ACTIVITY_NAMES = [
  // order
  'recordOrderState',
  'planOrderDocument',
  'rememberProductCode',
  'forgetProductCode',
  'findIssuedDocument',
  'beginIssue',
  'prepareCreate',
  'recordIssued',
  'planCancellationCredit',
  'planReturn',
  'planInvoice',
  'loadOrderContext',
  // product and catalog
  'requestProductSync',
  'loadProductLinks',
  'recordProductLinks',
  'claimProductSkus',
  'deactivateProductLinks',
  'claimCreateIntents',
  'finishSkuSync',
  'markProductImageSynced',
  'wakePendingOrdersPage',
  'wakePendingOrders',
  'startCatalogReport',
  'saveCatalogReport',
  'closeCatalogScan',
  'loadCatalogPage',
  'recordCatalogProblems',
  'saveCatalogProgress',
  // stock
  'loadStockTarget',
  'recordStockPush',
  'listLinkedSkus',
  'requestStockPushes',
  'stockSyncEnabled',
  'startStockReconcileReport',
  'saveStockReconcileReport',
  // order reconcile
  'startOrderReconcile',
  'dispatchPaidOrders',
  'dispatchCanceledOrders',
  'saveOrderReconcileReport',
  // webhook delivery retention
  'reduceDeliveryBodiesBefore',
  'purgeDeliveriesBefore',
  // install
  'loadInstallContext',
  'saveCheckoutFieldIds',
  'ensureStoreSchedules',
] as const satisfies readonly (keyof Activities)[];

export const JUMPSELLER_ACTIVITY_NAMES = [
  'fetchOrder',
  'readProductForSync',
  'readCatalogPage',
  'scanCatalogPage',
  'scanCatalogPageInto',
  'countCatalogProducts',
  'readShopStock',
  'writeShopStock',
  'pushStockToShop',
  'findMissingHooks',
  'recreateHook',
  'listPaidOrdersPage',
  'listCanceledOrdersPage',
  'createStoreHook',
  'findCheckoutFields',
  'createCheckoutField',
] as const satisfies readonly (keyof Activities)[];

export const RELBASE_ACTIVITY_NAMES = [
  // order
  'findCustomerPage',
  'findCityPage',
  'findCommunePage',
  'createCustomer',
  'findProductCodePage',
  'findDocumentByLabel',
  'sendCreate',
  'readDocumentToCredit',
  'readSiiStatus',
  'findRelbaseProductId',
  'ensureCustomer',
  'issueDocument',
  // product and catalog
  'readRelbaseProduct',
  'findRelbaseProductsPage',
  'indexRelbasePage',
  'createRelbaseProductOnce',
  'updateRelbaseProduct',
  'uploadProductImage',
  'readRelbaseIndexPage',
  'lookupRelbaseProduct',
  'createRelbaseProduct',
  // stock
  'readRelbaseStock',
] as const satisfies readonly (keyof Activities)[];

export type DatabaseActivityName = (typeof DATABASE_ACTIVITY_NAMES)[number];
export type JumpsellerActivityName = (typeof JUMPSELLER_ACTIVITY_NAMES)[number];
export type RelbaseActivityName = (typeof RELBASE_ACTIVITY_NAMES)[number];

/** The main queue's activities: PostgreSQL and Temporal only, no outside API. */
export type DatabaseActivities = Pick<Activities, DatabaseActivityName>;
/** A store's Jumpseller queue's activities: each calls Jumpseller. */
export type JumpsellerActivities = Pick<Activities, JumpsellerActivityName>;
/** A store's relBase queue's activities: each calls relBase. */
export type RelbaseActivities = Pick<Activities, RelbaseActivityName>;

// Every activity on exactly one queue: an activity missing from the lists, or on two of them, fails
// `tsc` here with its name in the message.
type Listed = DatabaseActivityName | JumpsellerActivityName | RelbaseActivityName;
type Unlisted = Exclude<keyof Activities, Listed>;
type OnDatabaseAndApi = Extract<DatabaseActivityName, JumpsellerActivityName | RelbaseActivityName>;
type OnBothApis = Extract<JumpsellerActivityName, RelbaseActivityName>;
export const EVERY_ACTIVITY_HAS_A_QUEUE: [Unlisted] extends [never] ? true : { unlisted: Unlisted } = true;
export const NO_ACTIVITY_ON_TWO_QUEUES: [OnDatabaseAndApi, OnBothApis] extends [never, never] ? true : { onDatabaseAndApi: OnDatabaseAndApi; onBothApis: OnBothApis } = true;

export interface QueueActivities {
  database: DatabaseActivities;
  jumpseller: JumpsellerActivities;
  relbase: RelbaseActivities;
}

function pick<K extends keyof Activities>(all: Activities, names: readonly K[]): Pick<Activities, K> {
  return Object.fromEntries(names.map((name) => [name, all[name]])) as Pick<Activities, K>;
}

/** The activities each queue's worker registers, picked from all of them. */
export function activitiesByQueue(all: Activities): QueueActivities {
  return {
    database: pick(all, DATABASE_ACTIVITY_NAMES),
    jumpseller: pick(all, JUMPSELLER_ACTIVITY_NAMES),
    relbase: pick(all, RELBASE_ACTIVITY_NAMES),
  };
}
