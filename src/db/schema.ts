/**
 * Kysely's view of the tables created by `migrations/`. Nullable columns are `T | null`, never optional.
 * Durable business records live here; process state (waiting, retrying) lives in Temporal.
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default when an insert leaves it out. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface StoresTable {
  code: string;
  name: string | null;
  /** 'basic' (single-store variables) or 'oauth' (installed app). */
  auth_kind: string;
  /** AES-256-GCM sealed JSON of the credentials; null in single-store mode (they come from variables). */
  credentials_sealed: string | null;
  hooks_token_sealed: string | null;
  access_token_expires_at: Date | null;
  /** 'active' | 'needs_reinstall' | 'pending_approval' (an app install an operator has not approved yet) */
  status: string;
  status_reason: string | null;
  settings: JSONColumnType<Record<string, unknown>>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  /** Who is refreshing the OAuth tokens now (a process id), and until when the claim holds. */
  refresh_claim_owner: ColumnType<string | null, string | null | undefined, string | null>;
  refresh_claim_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When a token was last refreshed because Jumpseller rejected it (such refreshes are rationed). */
  rejected_token_refreshed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  store_code: string;
  event: string;
  resource_id: string;
  body_sha256: string;
  body: string;
  headers: JSONColumnType<Record<string, string>>;
  /**
   * 'received' (waiting to be dispatched) → what dispatching led to ('dispatched', 'after_issue'; older rows 'after_close',
   * 'ignored'), or 'dead_letter' after too many failed dispatches. 'ignored' also marks events the
   * service does not act on; 'unroutable' a signed body without a resource id (see DELIVERY_STATUSES).
   */
  status: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  received_at: DefaultedTimestamp;
  dispatched_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** When a waiting delivery may be tried next (per-row backoff); null once it is done. */
  next_attempt_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** The process dispatching it now and until when (a lease: no row lock is held across the Temporal call). */
  claimed_by: string | null;
  claimed_until: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** When the body was cut down to what dedupe, audit and replay need (personal data removed). */
  reduced_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface ProductLinksTable {
  store_code: string;
  sku: string;
  js_product_id: string;
  js_variant_id: string | null;
  relbase_product_id: string;
  image_synced: Generated<boolean>;
  active: Generated<boolean>;
  last_synced_at: DefaultedTimestamp;
}

/** A Jumpseller product holding a SKU, as its product sync last read it (see sku-claims-repository). */
export interface ProductSkuClaimsTable {
  store_code: string;
  sku: string;
  js_product_id: string;
  /** How reports name the holder, e.g. `"Taza (Roja)" (variant 7 of product 3)`. */
  label: string;
  claimed_at: DefaultedTimestamp;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One relBase document we issue or mean to issue, keyed by (store, label); see documents-repository.ts. */
export interface DocumentsTable {
  store_code: string;
  order_id: string;
  /** 'intent' (no create ever reached relBase) | 'create_sent' (one may have) | 'issued' */
  state: string;
  /** 'document' (one per order, a unique index says so) | 'credit_note' (a 61 correcting the document). */
  kind: Generated<string>;
  /** The label of the document a credit note refers to; null on a document. */
  reference_label: ColumnType<string | null, string | null | undefined, string | null>;
  /** A credit note's CodRef: 1 anula documento, 2 corrige texto, 3 corrige montos; null on a document. */
  reason_code: ColumnType<number | null, number | null | undefined, number | null>;
  /** An operator's return id (migration 0009): unique per order; null on anything but a return. */
  return_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** The units a return credits, by relBase product id; null on anything but a return. */
  returned_units: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  /** A return's credit note as planned (lines, reference, total), sent as is by every attempt. */
  credit_request: ColumnType<unknown, string | null | undefined, string | null>;
  type_document: number;
  label_value: string;
  relbase_id: string | null;
  folio: string | null;
  total: number | null;
  pdf_url: string | null;
  creates_sent: Generated<number>;
  creates_refused: Generated<number>;
  last_create_sent_at: NullableTimestamp;
  send_token: ColumnType<string | null, string | null | undefined, string | null>;
  send_deadline: NullableTimestamp;
  in_flight_until: NullableTimestamp;
  in_flight_until_before_claim: NullableTimestamp;
  created_at: DefaultedTimestamp;
  issued_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** relBase product ids found by product code (the shipping product). */
export interface RelbaseProductCodesTable {
  store_code: string;
  code: string;
  relbase_product_id: string;
  found_at: DefaultedTimestamp;
}

export interface OrdersTable {
  store_code: string;
  order_id: string;
  order_number: string | null;
  state: string;
  reason: string | null;
  missing_skus: string[];
  document_type: number | null;
  folio: string | null;
  total: number | null;
  workflow_id: string;
  updated_at: DefaultedTimestamp;
}

export interface StockPushesTable {
  store_code: string;
  sku: string;
  quantity: number;
  pushed_at: DefaultedTimestamp;
}

export interface SyncReportsTable {
  id: Generated<string>;
  store_code: string;
  /** 'catalog' | 'stock-reconcile' */
  kind: string;
  workflow_id: string;
  status: string;
  report: JSONColumnType<Record<string, unknown>>;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** One admin write or stock notice: who, what, on which store, when, and how it ended. */
export interface AdminAuditLogTable {
  id: Generated<string>;
  at: DefaultedTimestamp;
  /** The operator's name (`ADMIN_TOKENS`), `admin` (`ADMIN_TOKEN`) or `stock-notices`. */
  actor: string;
  /** Method and route, e.g. `POST /admin/stores/:code/orders/:id/resolve`. */
  action: string;
  store_code: string | null;
  /** The order (or other object) acted on, when the route names one. */
  subject: string | null;
  /** 'ok' (2xx), 'refused' (4xx), 'failed' (5xx). */
  outcome: string;
  status: number;
  request_id: string | null;
  details: JSONColumnType<Record<string, unknown>>;
}

/** Who may create a SKU's relBase product now, and creates sent whose product is not linked yet (create-intents-repository). */
export interface ProductCreateIntentsTable {
  store_code: string;
  sku: string;
  /** The sync holding the intent (`workflowId/runId`); null once released. */
  owner: string | null;
  expires_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** Creates sent under any owner whose product is not linked yet: the next creator looks first. */
  creates_unconfirmed: Generated<number>;
  last_create_sent_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  updated_at: DefaultedTimestamp;
}

/** One product or variant a catalog sync's scan saw with a SKU (catalog-state-repository). */
export interface CatalogScanItemsTable {
  report_id: string;
  sku: string;
  item_key: string;
  label: string;
  seq: Generated<string>;
}

/** A relBase product a catalog sync's index found under a scanned SKU (two rows for one code: a conflict). */
export interface CatalogIndexTable {
  report_id: string;
  code: string;
  relbase_product_id: number;
  fingerprint: string;
  has_image: boolean;
}

/** A SKU a catalog sync kept out, or an image it could not upload (`kind` 'image'). */
export interface CatalogProblemsTable {
  report_id: string;
  kind: string;
  /** What the problem is about, unique per report and kind: the SKU, or the item for a missing SKU. */
  subject: string;
  sku: string | null;
  items: JSONColumnType<string[]>;
  reason: string;
  seq: Generated<string>;
}

export interface Database {
  stores: StoresTable;
  webhook_deliveries: WebhookDeliveriesTable;
  product_links: ProductLinksTable;
  product_sku_claims: ProductSkuClaimsTable;
  documents: DocumentsTable;
  relbase_product_codes: RelbaseProductCodesTable;
  orders: OrdersTable;
  stock_pushes: StockPushesTable;
  sync_reports: SyncReportsTable;
  admin_audit_log: AdminAuditLogTable;
  product_create_intents: ProductCreateIntentsTable;
  catalog_scan_items: CatalogScanItemsTable;
  catalog_index: CatalogIndexTable;
  catalog_problems: CatalogProblemsTable;
}

export type Store = Selectable<StoresTable>;
export type NewStore = Insertable<StoresTable>;
export type StoreUpdate = Updateable<StoresTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveriesTable>;
export type ProductLink = Selectable<ProductLinksTable>;
export type DocumentRecord = Selectable<DocumentsTable>;
export type OrderRecord = Selectable<OrdersTable>;
