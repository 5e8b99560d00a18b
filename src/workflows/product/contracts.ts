/**
 * Product sync's contract, shared by the workflows, the HTTP app and the activities: ids, signals,
 * queries and the shapes the activities exchange with the workflows. No Node or I/O imports.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One workflow per Jumpseller product: webhooks for it signal-with-start this id. */
export function productWorkflowId(storeCode: string, productId: string | number): string {
  return `product:${storeCode}:${productId}`;
}

export interface ProductSyncInput {
  storeCode: string;
  productId: string;
}

/** A hint that the product changed (a webhook, an order waiting for it); the workflow re-reads the product itself. */
export interface ProductChangedSignal {
  /** `product_created`, `product_updated`, `product_deleted`, or `order_pending` when an order asks. */
  event: string;
  deliveryId: string | null;
}

export const productChangedSignal = defineSignal<[ProductChangedSignal]>('productChanged');

/**
 * One relBase product to be: a product without variants, or one variant with its own SKU. `sku` is
 * as Jumpseller has it (checkSkus trims it); `fingerprint` digests the name and gross price relBase
 * should show, so a workflow can tell a change without carrying both.
 */
export interface SyncItem {
  key: string;
  sku: string | null;
  /** For people: `Polera (M / Rojo) [variant 12 of product 34]`. */
  label: string;
  name: string;
  /** Gross, as Jumpseller shows it. */
  price: number;
  jsProductId: string;
  jsVariantId: string | null;
  /** The variant's own image, else the product's first; null when it has none. */
  imageUrl: string | null;
  fingerprint: string;
  /**
   * false: Jumpseller charges no IVA on it (exento), so relBase's product is created or set exempt;
   * true: IVA included; absent: Jumpseller does not say (items from before issue 15 too), relBase's
   * product is created taxed as it always was and an existing one is left as it is.
   */
  taxAffected?: boolean;
}

/** What product sync needs to know of a relBase product. */
export interface RelbaseEntry {
  id: number;
  /** The same digest as SyncItem.fingerprint, of relBase's name and price. */
  fingerprint: string;
  hasImage: boolean;
  /** relBase's `tax_affected`; absent when not known (the catalog's index does not keep it). */
  taxAffected?: boolean;
}

/** What relBase holds under one code: one product, none, or several (a person must merge them). */
export type RelbaseLookup = { kind: 'found'; entry: RelbaseEntry } | { kind: 'absent' } | { kind: 'conflict'; ids: number[] };

/**
 * What one create call did. Only `created` is certain; `unknown` (a timeout, a lost or garbled
 * answer) may have made the product, so the next step looks the code up before creating again;
 * `refused` is a 403 (relBase's throttling answer: nothing was made); `claimLost` means the create
 * was not sent because this sync no longer holds the SKU's create intent.
 */
export type CreateOutcome = { kind: 'created'; entry: RelbaseEntry } | { kind: 'unknown'; reason: string } | { kind: 'refused'; reason: string } | { kind: 'claimLost' };

/** Our link of a SKU, as far as a sync decision needs it. */
export interface LinkState {
  relbaseProductId: number;
  jsProductId: string;
  jsVariantId: string | null;
  active: boolean;
  imageSynced: boolean;
}

/** A SKU kept out of sync, named so a merchant can fix it in Jumpseller. */
export interface SkuProblem {
  /** 'missing' | 'duplicated' | 'invalid' | 'failed' */
  kind: 'missing' | 'duplicated' | 'invalid' | 'failed';
  sku: string | null;
  /** Which product or variant (several for a duplicated SKU). */
  items: string[];
  reason: string;
}

/** What happened to one SKU. */
export type SkuOutcome = 'linked' | 'created' | 'updated' | 'unchanged';

/** 'failed': a SKU (or the product's read) kept failing past the bounded retries; the reason names it. */
export const PRODUCT_SYNC_STATES = ['waiting', 'syncing', 'synced', 'failed', 'deleted', 'not_found'] as const;
export type ProductSyncState = (typeof PRODUCT_SYNC_STATES)[number];

export interface ProductSyncStatus {
  storeCode: string;
  productId: string;
  state: ProductSyncState;
  /** In words an operator can act on. */
  reason: string | null;
  /** Passes over the product so far (bursts of webhooks coalesce into one). */
  passes: number;
  signals: number;
  /** The last pass's SKUs and what happened to each. */
  skus: { sku: string; relbaseProductId: number; outcome: SkuOutcome; image: 'uploaded' | 'present' | 'none' | 'failed' }[];
  problems: SkuProblem[];
  /** SKUs whose links were marked inactive (product or variant gone from Jumpseller). */
  deactivated: string[];
}

export const productSyncStatusQuery = defineQuery<ProductSyncStatus>('state');
