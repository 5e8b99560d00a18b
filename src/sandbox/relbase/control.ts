/**
 * What a merchant or a test does to the simulated relBase outside its API: seed products and
 * customers, set or adjust stock, inspect documents and traffic, inject faults, reset. The
 * programmatic helpers and the `/_sim/` endpoints share these functions.
 */
import type { SimContext } from './sim-context.js';
import { addCustomer, addProduct, adjustStock, defaultWarehouseId, findProductsByCode, hasWarehouse, setStock, stockOf } from './state.js';
import type { RelbaseFaults, SeedCustomer, SeedProduct, SimCustomer, SimDocument, SimProduct } from './state.js';

/** A control request that cannot be applied; answered 400 by the control API. */
export class SimInputError extends Error {
  override name = 'SimInputError';
}

export interface StockChange {
  /** Identify the product by SKU or by relBase id. */
  code?: string;
  productId?: number;
  /** Default: the first warehouse. */
  warehouseId?: number;
  /** Exactly one of set (absolute) or delta (relative). */
  set?: number;
  delta?: number;
}

export interface StockChangeResult {
  productId: number;
  warehouseId: number;
  stock: number;
}

/** Snapshot of the traffic the API has seen, for `GET /_sim/requests`. */
export interface RequestStats {
  total: number;
  byRoute: Record<string, number>;
  writes: number;
  throttled: number;
  peakPerSecond: number;
  injectedThrottles: number;
  injectedErrors: number;
  committedThenFailed: number;
  /** Creates held, committed and answered with a dropped connection (the late-commit fault). */
  lateCommits: number;
  /** Creates held and dropped without a commit (the hung-create fault). */
  hungCreates: number;
}

export function seedProducts(ctx: SimContext, products: SeedProduct[]): SimProduct[] {
  for (const p of products) {
    if (typeof p.stock === 'object') {
      const unknown = Object.keys(p.stock).find((w) => !hasWarehouse(ctx.state, Number(w)));
      if (unknown !== undefined) throw new SimInputError(`warehouse ${unknown} does not exist`);
    }
  }
  return products.map((p) => addProduct(ctx.state, p));
}

export function seedCustomer(ctx: SimContext, customer: SeedCustomer): SimCustomer {
  return addCustomer(ctx.state, customer);
}

export function changeStock(ctx: SimContext, change: StockChange): StockChangeResult {
  const productId = resolveProductId(ctx, change);
  const warehouseId = change.warehouseId ?? defaultWarehouseId(ctx.state);
  if (!hasWarehouse(ctx.state, warehouseId)) throw new SimInputError(`warehouse ${warehouseId} does not exist`);
  const hasSet = typeof change.set === 'number' && Number.isFinite(change.set);
  const hasDelta = typeof change.delta === 'number' && Number.isFinite(change.delta);
  if (hasSet === hasDelta) throw new SimInputError('give exactly one of set or delta, as a number');
  const stock = hasSet ? setStock(ctx.state, productId, warehouseId, change.set!) : adjustStock(ctx.state, productId, warehouseId, change.delta!);
  return { productId, warehouseId, stock };
}

function resolveProductId(ctx: SimContext, change: StockChange): number {
  if (typeof change.productId === 'number') {
    if (!ctx.state.products.has(change.productId)) throw new SimInputError(`product ${change.productId} does not exist`);
    return change.productId;
  }
  if (typeof change.code === 'string') {
    const found = findProductsByCode(ctx.state, change.code);
    if (found.length !== 1) throw new SimInputError(`code ${change.code} matches ${found.length} products, not one`);
    return found[0]!.id;
  }
  throw new SimInputError('give code or productId');
}

export function productStock(ctx: SimContext, productId: number, warehouseId?: number): number {
  return stockOf(ctx.state, productId, warehouseId ?? defaultWarehouseId(ctx.state));
}

/** Documents in issue order. */
export function listDocuments(ctx: SimContext): SimDocument[] {
  return [...ctx.state.documents.values()].sort((a, b) => a.id - b.id);
}

export function listProducts(ctx: SimContext) {
  return [...ctx.state.products.values()]
    .sort((a, b) => a.id - b.id)
    .map(({ image: _image, ...p }) => ({
      ...p,
      stock: Object.fromEntries(ctx.state.warehouses.map((w) => [w.id, stockOf(ctx.state, p.id, w.id)])),
    }));
}

export function requestStats(ctx: SimContext): RequestStats {
  const { recentArrivals: _recent, ...traffic } = ctx.state.traffic;
  return { ...traffic, byRoute: { ...traffic.byRoute }, ...ctx.state.counters, ...ctx.state.documentFaultCounters };
}

/** Merges the given fault settings into the current ones. */
export function setFaults(ctx: SimContext, faults: Partial<RelbaseFaults>): RelbaseFaults {
  ctx.state.faults = { ...ctx.state.faults, ...faults };
  return ctx.state.faults;
}
