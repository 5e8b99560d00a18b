/**
 * The Jumpseller REST client. Every object on the wire comes inside its resource key
 * (`{"order":{...}}`, `[{"product":{...}}]`); this file wraps what it sends and unwraps what it
 * reads, so callers only see plain resources. Store info is the exception (`body.store ?? body`).
 */
import { z } from 'zod';
import { ApiError } from '../http/api-errors.js';
import type { JumpsellerClient, JumpsellerClientOptions, PageQuery } from './client-types.js';
import {
  JsCheckoutCustomFieldSchema,
  JsCountSchema,
  JsHookSchema,
  JsImageSchema,
  JsOrderRefSchema,
  JsOrderSchema,
  JsProductSchema,
  JsStoreInfoSchema,
  JsVariantSchema,
} from './schemas.js';
import { createJumpsellerTransport } from './transport.js';

export type * from './client-types.js';
export { createJumpsellerRateLimiter } from './transport.js';

const MAX_PAGE_SIZE = 100;

/** Reads `{key: {...}}`, or the object itself when the API (or an older version of it) did not wrap it. */
function wrapped<S extends z.ZodType>(key: string, schema: S) {
  return z.preprocess((value) => {
    if (typeof value === 'object' && value !== null && key in value) return (value as Record<string, unknown>)[key];
    return value;
  }, schema);
}

function wrappedList<S extends z.ZodType>(key: string, schema: S) {
  return z.array(wrapped(key, schema));
}

const StoreInfoBody = wrapped('store', JsStoreInfoSchema);

function checkPage({ page, limit }: PageQuery): void {
  if (!Number.isInteger(page) || page < 1) throw new ApiError('jumpseller', 'validation', `page must be an integer >= 1, got ${page}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ApiError('jumpseller', 'validation', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
}

// Methods that validate their input are async so a bad argument is a rejection, like any other failure.

/** Stock pushed to Jumpseller is an integer count (the spec types it so); anything else is a caller bug. */
function checkStock(stock: number): void {
  if (!Number.isInteger(stock) || stock < 0) {
    throw new ApiError('jumpseller', 'validation', `stock must be a non-negative integer, got ${stock}`);
  }
}

export function createJumpsellerClient(opts: JumpsellerClientOptions): JumpsellerClient {
  const send = createJumpsellerTransport(opts);

  return {
    getOrder: (id) => send({ method: 'GET', path: `/orders/${id}.json` }, wrapped('order', JsOrderSchema)),

    listOrders: async ({ page, limit, status }) => {
      checkPage({ page, limit });
      // The enum form of the status path; the display names are translated.
      const path = status ? `/orders/status/${status}.json` : '/orders.json';
      return send({ method: 'GET', path, query: { page, limit } }, wrappedList('order', JsOrderSchema));
    },

    listOrderRefsByDate: async ({ page, limit, status, initialDate, finalDate }) => {
      checkPage({ page, limit });
      for (const [name, day] of [
        ['initialDate', initialDate],
        ['finalDate', finalDate],
      ] as const) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ApiError('jumpseller', 'validation', `${name} must be YYYY-MM-DD, got ${day}`);
      }
      const items = await send(
        {
          method: 'GET',
          path: '/orders.json',
          query: { 'status_filters[]': status, dateFilter: 'customDate', initialDate, finalDate, page, limit },
        },
        z.array(z.unknown()),
      );
      const ref = wrapped('order', JsOrderRefSchema);
      const orders = items.flatMap((item) => {
        const parsed = ref.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      });
      return { orders, received: items.length, unreadable: items.length - orders.length };
    },

    listProducts: async (query) => {
      checkPage(query);
      return send({ method: 'GET', path: '/products.json', query: { page: query.page, limit: query.limit } }, wrappedList('product', JsProductSchema));
    },

    getProduct: (id) => send({ method: 'GET', path: `/products/${id}.json` }, wrapped('product', JsProductSchema)),

    countProducts: async () => (await send({ method: 'GET', path: '/products/count.json' }, JsCountSchema)).count,

    listVariants: (productId) => send({ method: 'GET', path: `/products/${productId}/variants.json` }, wrappedList('variant', JsVariantSchema)),

    getVariant: (productId, variantId) => send({ method: 'GET', path: `/products/${productId}/variants/${variantId}.json` }, wrapped('variant', JsVariantSchema)),

    updateVariantStock: async (productId, variantId, stock) => {
      checkStock(stock);
      return send(
        {
          method: 'PUT',
          path: `/products/${productId}/variants/${variantId}.json`,
          // stock_unlimited:false, or a number pushed to an unlimited variant is ignored.
          body: { variant: { stock, stock_unlimited: false } },
        },
        wrapped('variant', JsVariantSchema),
      );
    },

    updateProductStock: async (productId, stock) => {
      checkStock(stock);
      return send({ method: 'PUT', path: `/products/${productId}.json`, body: { product: { stock, stock_unlimited: false } } }, wrapped('product', JsProductSchema));
    },

    listProductImages: (productId) => send({ method: 'GET', path: `/products/${productId}/images.json` }, wrappedList('image', JsImageSchema)),

    listHooks: () => send({ method: 'GET', path: '/hooks.json' }, wrappedList('hook', JsHookSchema)),

    createHook: ({ event, url }) => send({ method: 'POST', path: '/hooks.json', body: { hook: { event, url } } }, wrapped('hook', JsHookSchema)),

    listCheckoutCustomFields: async () => {
      const all: z.output<typeof JsCheckoutCustomFieldSchema>[] = [];
      // No total-count header: a short page is the last one.
      for (let page = 1; ; page++) {
        const batch = await send(
          { method: 'GET', path: '/checkout_custom_fields.json', query: { page, limit: MAX_PAGE_SIZE } },
          wrappedList('checkout_custom_field', JsCheckoutCustomFieldSchema),
        );
        all.push(...batch);
        if (batch.length < MAX_PAGE_SIZE) return all;
      }
    },

    createCheckoutCustomField: (input) =>
      send({ method: 'POST', path: '/checkout_custom_fields.json', body: { checkout_custom_field: input } }, wrapped('checkout_custom_field', JsCheckoutCustomFieldSchema)),

    getStoreInfo: () => send({ method: 'GET', path: '/store/info.json' }, StoreInfoBody),
  };
}
