/**
 * The relBase simulator's in-memory data: one company's products, warehouses, stock, customers and
 * documents, plus the ids and folio sequences relBase would assign. Plain data and small operations;
 * HTTP lives in the route files.
 */
import { noFaults } from '../faults.js';
import type { FaultCounters, Faults } from '../faults.js';
import { noDocumentFaults } from './document-faults.js';
import type { DocumentFaultCounters, DocumentFaults } from './document-faults.js';
import { noSiiFaults } from './sii-status.js';
import type { SiiFaults } from './sii-status.js';
import { createTrafficStats } from './traffic.js';
import type { TrafficStats } from './traffic.js';

export interface SimWarehouse {
  id: number;
  name: string;
}

export interface SimImage {
  bytes: Uint8Array;
  contentType: string;
  filename: string;
}

export interface SimProduct {
  id: number;
  name: string;
  code: string;
  price: number;
  barcode: string | null;
  description: string | null;
  is_inventory: boolean;
  tax_affected: boolean;
  /** Set when an image is uploaded; served by the simulator itself. */
  url_image: string | null;
  image: SimImage | null;
}

export interface SimCustomer {
  id: number;
  type_customer: string;
  rut: string;
  name: string;
  name_fantasy: string | null;
  business_activity: string;
  address: string;
  commune_id: number | null;
  city_id: number | null;
  email: string[];
  phone: string | null;
}

export interface SimDocumentLine {
  product_id: number;
  name: string;
  code: string;
  quantity: number;
  price: number;
  discount: number;
  tax_affected: boolean;
  /** The SII's amount: round(quantity × price) − round(round(quantity × price) × discount / 100); net on a net document. */
  amount_total: number;
}

export interface SimDocument {
  id: number;
  folio: number;
  type_document: number;
  type_document_sii: number | null;
  label_value: string | null;
  comment: string | null;
  customer_id: number | null;
  ware_house_id: number;
  channel_id: number | null;
  type_payment_id: number | null;
  start_date: string | null;
  end_date: string | null;
  mnt_bruto: boolean;
  amount_neto: number;
  amount_iva: number;
  amount_exempt: number;
  amount_total: number;
  sii_status: string | null;
  /** The status's human name (relbase-api.md A4 `sii_status_name`); a rejection's carries the SII's reason (sii-status.ts). */
  sii_status_name: string | null;
  pdf_file: { url: string };
  products: SimDocumentLine[];
  /** What a nota de crédito (61) corrects (credit-notes.ts); null on other documents. */
  references: { tpo_doc_ref_id: number; code_ref: number; folio_ref: number; date_ref: string; razon_ref: string | null }[] | null;
  /** The tax documents made from a nota de venta (relbase-api.md A4: `dte_children[]`); empty on others. */
  dte_children: { id: number; folio: number; type_document: number }[];
  created_at: string;
}

/** A product to seed; `stock` is per warehouse id, or one number for the first warehouse. */
export interface SeedProduct {
  id?: number;
  name: string;
  code: string;
  price: number;
  barcode?: string | null;
  description?: string | null;
  is_inventory?: boolean;
  tax_affected?: boolean;
  stock?: number | Record<number, number>;
}

export interface SeedCustomer {
  rut: string;
  name: string;
  business_activity?: string;
  address?: string;
  commune_id?: number | null;
  city_id?: number | null;
  email?: string[];
}

export interface RelbaseSimState {
  warehouses: SimWarehouse[];
  products: Map<number, SimProduct>;
  /** productId → warehouseId → stock (fractional and negative allowed). */
  stock: Map<number, Map<number, number>>;
  customers: Map<number, SimCustomer>;
  documents: Map<number, SimDocument>;
  /** Last folio issued per type_document. */
  folios: Map<number, number>;
  nextId: { product: number; customer: number; document: number };
  faults: RelbaseFaults;
  counters: FaultCounters;
  documentFaultCounters: DocumentFaultCounters;
  /** Every `label_value` a `POST /dtes` has carried, for faults that hit only a label's first create. */
  createLabelsSeen: Set<string>;
  traffic: TrafficStats;
}

/** The generic faults every route gets, and relBase's document faults (document-faults.ts). */
export type RelbaseFaults = Faults & DocumentFaults & SiiFaults;

export const DEFAULT_WAREHOUSES: readonly SimWarehouse[] = [
  { id: 2943, name: 'Bodega Central' },
  { id: 2944, name: 'Tienda Providencia' },
];

export function createState(warehouses: readonly SimWarehouse[] = DEFAULT_WAREHOUSES): RelbaseSimState {
  return {
    warehouses: warehouses.map((w) => ({ ...w })),
    products: new Map(),
    stock: new Map(),
    customers: new Map(),
    documents: new Map(),
    folios: new Map(),
    nextId: { product: 5_757_001, customer: 120_001, document: 9_000_001 },
    faults: { ...noFaults(), ...noDocumentFaults(), ...noSiiFaults() },
    counters: { injectedErrors: 0, injectedThrottles: 0, committedThenFailed: 0 },
    documentFaultCounters: { lateCommits: 0, hungCreates: 0 },
    createLabelsSeen: new Set(),
    traffic: createTrafficStats(),
  };
}

/**
 * Stock is kept to 6 decimals so that sales of 0.1 and 0.2 units leave 9.7, not 9.700000000000001:
 * relBase stores stock as a decimal column.
 */
function roundStock(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function stockOf(state: RelbaseSimState, productId: number, warehouseId: number): number {
  return state.stock.get(productId)?.get(warehouseId) ?? 0;
}

export function setStock(state: RelbaseSimState, productId: number, warehouseId: number, value: number): number {
  let perWarehouse = state.stock.get(productId);
  if (!perWarehouse) state.stock.set(productId, (perWarehouse = new Map<number, number>()));
  const rounded = roundStock(value);
  perWarehouse.set(warehouseId, rounded);
  return rounded;
}

export function adjustStock(state: RelbaseSimState, productId: number, warehouseId: number, delta: number): number {
  return setStock(state, productId, warehouseId, stockOf(state, productId, warehouseId) + delta);
}

export function hasWarehouse(state: RelbaseSimState, warehouseId: number): boolean {
  return state.warehouses.some((w) => w.id === warehouseId);
}

export function defaultWarehouseId(state: RelbaseSimState): number {
  return state.warehouses[0]!.id;
}

export function addProduct(state: RelbaseSimState, seed: SeedProduct): SimProduct {
  const id = seed.id ?? state.nextId.product++;
  if (id >= state.nextId.product) state.nextId.product = id + 1;
  const product: SimProduct = {
    id,
    name: seed.name,
    code: seed.code,
    price: seed.price,
    barcode: seed.barcode ?? null,
    description: seed.description ?? null,
    is_inventory: seed.is_inventory ?? true,
    tax_affected: seed.tax_affected ?? true,
    url_image: null,
    image: null,
  };
  state.products.set(id, product);
  for (const w of state.warehouses) setStock(state, id, w.id, 0);
  if (typeof seed.stock === 'number') setStock(state, id, defaultWarehouseId(state), seed.stock);
  else for (const [warehouseId, value] of Object.entries(seed.stock ?? {})) setStock(state, id, Number(warehouseId), value);
  return product;
}

export function addCustomer(state: RelbaseSimState, seed: SeedCustomer): SimCustomer {
  const customer: SimCustomer = {
    id: state.nextId.customer++,
    type_customer: 'company',
    rut: seed.rut,
    name: seed.name,
    name_fantasy: null,
    business_activity: seed.business_activity ?? '',
    address: seed.address ?? '',
    commune_id: seed.commune_id ?? null,
    city_id: seed.city_id ?? null,
    email: seed.email ?? [],
    phone: null,
  };
  state.customers.set(customer.id, customer);
  return customer;
}

export function nextFolio(state: RelbaseSimState, typeDocument: number): number {
  const folio = (state.folios.get(typeDocument) ?? 0) + 1;
  state.folios.set(typeDocument, folio);
  return folio;
}

export function findProductsByCode(state: RelbaseSimState, code: string): SimProduct[] {
  return [...state.products.values()].filter((p) => p.code === code);
}
