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
  /** 'active' | 'needs_reinstall' */
  status: string;
  status_reason: string | null;
  settings: JSONColumnType<Record<string, unknown>>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  store_code: string;
  event: string;
  resource_id: string;
  body_sha256: string;
  body: string;
  headers: JSONColumnType<Record<string, string>>;
  /** 'received' → 'dispatched' (its workflow was started or signalled). */
  status: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  received_at: DefaultedTimestamp;
  dispatched_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
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

export interface DocumentsTable {
  store_code: string;
  order_id: string;
  /** 'intent' (about to be created in relBase) | 'issued' */
  state: string;
  type_document: number;
  label_value: string;
  relbase_id: string | null;
  folio: string | null;
  total: number | null;
  pdf_url: string | null;
  created_at: DefaultedTimestamp;
  issued_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
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

export interface Database {
  stores: StoresTable;
  webhook_deliveries: WebhookDeliveriesTable;
  product_links: ProductLinksTable;
  product_sku_claims: ProductSkuClaimsTable;
  documents: DocumentsTable;
  orders: OrdersTable;
  stock_pushes: StockPushesTable;
  sync_reports: SyncReportsTable;
}

export type Store = Selectable<StoresTable>;
export type NewStore = Insertable<StoresTable>;
export type StoreUpdate = Updateable<StoresTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveriesTable>;
export type ProductLink = Selectable<ProductLinksTable>;
export type DocumentRecord = Selectable<DocumentsTable>;
export type OrderRecord = Selectable<OrdersTable>;
