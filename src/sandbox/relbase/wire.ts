/**
 * The simulator's answers in relBase's wire format: `{ data, meta }`, lists under a named key with
 * pagination in `meta`, errors as `{ data: {}, meta: { code, message } }`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RelbaseSimState, SimCustomer, SimProduct } from './state.js';
import { stockOf } from './state.js';

export function ok(c: Context, data: unknown, status: ContentfulStatusCode = 200) {
  return c.json({ data, meta: { code: status, message: 'OK' } }, status);
}

export function fail(c: Context, status: ContentfulStatusCode, message: string) {
  return c.json({ data: {}, meta: { code: status, message } }, status);
}

/** One page of `items` under `key`, with relBase's pagination fields; pages start at 1. */
export function page(c: Context, key: string, items: readonly unknown[], pageSize: number) {
  const requested = Number(c.req.query('page') ?? '1');
  const current = Number.isInteger(requested) && requested >= 1 ? requested : 1;
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  const slice = items.slice((current - 1) * pageSize, current * pageSize);
  return c.json({
    data: { [key]: slice },
    meta: {
      code: 200,
      message: 'OK',
      current_page: current,
      next_page: current < totalPages ? current + 1 : null,
      prev_page: current > 1 ? current - 1 : null,
      total_pages: totalPages,
      total_count: items.length,
    },
  });
}

/** A product as list items show it (no inventories; `image` is the simulator's own). */
export function productWire(p: SimProduct) {
  const { image: _image, ...wire } = p;
  return wire;
}

/** A product as `GET /productos/{id}` shows it, with `inventories[]`. */
export function productDetailWire(state: RelbaseSimState, p: SimProduct) {
  return {
    ...productWire(p),
    inventories: state.warehouses.map((w) => ({ ware_house_id: w.id, stock: stockOf(state, p.id, w.id) })),
  };
}

export function customerWire(customer: SimCustomer) {
  return { ...customer };
}

/** Parses a path id; NaN (never matches a record) when it is not a positive integer. */
export function idParam(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}
