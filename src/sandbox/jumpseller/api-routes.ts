/**
 * The `/v1` REST API, wire-compatible with the endpoints the service uses: `.json` paths,
 * resource-wrapped bodies (`{"order":{...}}`, `[{"product":{...}}]`), `page` from 1 and `limit` up
 * to 100, `{"message":...}` errors. Store info answers `{"store":{...}}`, as live stores do.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { ORDER_EVENTS, PRODUCT_EVENTS } from '../../jumpseller/webhook-payloads.js';
import type { CatalogOperations } from './catalog-operations.js';
import { findProduct, findVariant, parseInput, ProductChangeInput, VariantChangeInput } from './catalog-operations.js';
import { SimRequestError } from './sim-errors.js';
import { jumpsellerDate, simNow } from './state.js';
import type { SimState } from './state.js';
import { imageJson, orderJson, productJson, variantJson } from './wire.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const CUSTOMER_EVENTS = ['customer_created', 'customer_updated', 'customer_deleted'];
const HOOK_EVENTS: readonly string[] = [...ORDER_EVENTS, ...PRODUCT_EVENTS, ...CUSTOMER_EVENTS];
const ORDER_STATUSES: readonly string[] = ['pending_payment', 'paid', 'canceled', 'abandoned'];

/** `12.json` (as the route regex captures it) → 12 */
function idParam(c: Context, name: string): number {
  return Number.parseInt(c.req.param(name) ?? '', 10);
}

function page<T>(c: Context, items: T[]): T[] {
  const pageNo = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number.parseInt(c.req.query('limit') ?? String(DEFAULT_LIMIT), 10) || DEFAULT_LIMIT));
  return items.slice((pageNo - 1) * limit, pageNo * limit);
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new SimRequestError(422, 'the body must be JSON');
  }
}

/** Reads `{key: {...}}`; a body without the wrapper is refused, as the resource key is required. */
async function wrappedBody(c: Context, key: string): Promise<unknown> {
  const body = await jsonBody(c);
  if (typeof body !== 'object' || body === null || !(key in body)) {
    throw new SimRequestError(422, `the body must be {"${key}":{...}}`);
  }
  return (body as Record<string, unknown>)[key];
}

/** The day (YYYY-MM-DD) a `2023-02-10 13:56:35 UTC` instant falls on in the store's timezone. */
function storeDay(createdAt: string, timeZone: string): string {
  const instant = new Date(createdAt.replace(' UTC', 'Z').replace(' ', 'T'));
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * `dateFilter`: `today`, `yesterday`, `lastNdays` (7, 30, 90) or `customDate` with `initialDate` and
 * `finalDate` (YYYY-MM-DD, inclusive), all by creation day in the store's timezone, as the API
 * reads them. Returns a day test, null for no filter, or the error message for a bad filter.
 */
function dateFilterOf(c: Context, state: SimState): ((createdAt: string) => boolean) | null | string {
  const filter = c.req.query('dateFilter');
  if (!filter) return null;
  const tz = state.store.timezone;
  const today = storeDay(jumpsellerDate(simNow(state)), tz);
  const daysBefore = (n: number) => storeDay(jumpsellerDate(simNow(state) - n * 86_400_000), tz);
  let range: [string, string];
  if (filter === 'today') range = [today, today];
  else if (filter === 'yesterday') range = [daysBefore(1), daysBefore(1)];
  else if (/^last(7|30|90)days$/.test(filter)) range = [daysBefore(Number(/\d+/.exec(filter)![0]) - 1), today];
  else if (filter === 'customDate') {
    const from = c.req.query('initialDate') ?? '';
    const to = c.req.query('finalDate') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return 'customDate needs initialDate and finalDate as YYYY-MM-DD';
    range = [from, to];
  } else return `Invalid dateFilter: ${filter}`;
  return (createdAt) => {
    const day = storeDay(createdAt, tz);
    return day >= range[0] && day <= range[1];
  };
}

const HookInput = z.object({ event: z.string(), url: z.url() });
const CheckoutCustomFieldInput = z.object({
  label: z.string().min(1),
  type: z.enum(['input', 'selection', 'select', 'checkbox', 'date', 'text']),
  area: z.enum(['contact', 'billing_shipping', 'other']),
  required: z.boolean().default(false),
  position: z.number().int().default(1),
  custom_field_select_options: z.array(z.string()).default([]),
});

export function createApiRoutes(state: SimState, catalog: CatalogOperations): Hono {
  const api = new Hono();
  const byId = <T extends { id: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.id - b.id);

  // Orders
  const listOrders = (c: Context, status: string | null) => {
    const orders = byId(state.orders).filter((o) => status === null || o.status_enum === status);
    return c.json(page(c, orders).map((o) => ({ order: orderJson(o, 'api') })));
  };
  api.get('/orders.json', (c) => {
    const filters = c.req.queries('status_filters[]') ?? [];
    const days = dateFilterOf(c, state);
    if (typeof days === 'string') return c.json({ message: days }, 400);
    const orders = byId(state.orders).filter((o) => (filters.length === 0 || filters.includes(o.status_enum)) && (days === null || days(o.created_at)));
    return c.json(page(c, orders).map((o) => ({ order: orderJson(o, 'api') })));
  });
  api.get('/orders/count.json', (c) => c.json({ count: state.orders.size }));
  api.get('/orders/status/:status{[a-z_]+\\.json}', (c) => {
    const status = (c.req.param('status') ?? '').replace(/\.json$/, '');
    if (!ORDER_STATUSES.includes(status)) return c.json({ message: `Invalid status: ${status}` }, 400);
    return listOrders(c, status);
  });
  api.get('/orders/:id{[0-9]+\\.json}', (c) => {
    const order = state.orders.get(idParam(c, 'id'));
    return order ? c.json({ order: orderJson(order, 'api') }) : c.json({ message: 'Order not found' }, 404);
  });

  // Products, variants, images
  api.get('/products.json', (c) => c.json(page(c, byId(state.products)).map((p) => ({ product: productJson(state, p) }))));
  api.get('/products/count.json', (c) => c.json({ count: state.products.size }));
  api.get('/products/:id{[0-9]+\\.json}', (c) => c.json({ product: productJson(state, findProduct(state, idParam(c, 'id'))) }));
  api.put('/products/:id{[0-9]+\\.json}', async (c) => {
    const product = catalog.updateProduct(idParam(c, 'id'), parseInput(ProductChangeInput, await wrappedBody(c, 'product')));
    return c.json({ product: productJson(state, product) });
  });
  api.get('/products/:id{[0-9]+}/variants.json', (c) => {
    const product = findProduct(state, idParam(c, 'id'));
    return c.json(product.variants.map((v) => ({ variant: variantJson(state, v) })));
  });
  api.get('/products/:id{[0-9]+}/variants/:variantId{[0-9]+\\.json}', (c) => {
    const variant = findVariant(findProduct(state, idParam(c, 'id')), idParam(c, 'variantId'));
    return c.json({ variant: variantJson(state, variant) });
  });
  api.put('/products/:id{[0-9]+}/variants/:variantId{[0-9]+\\.json}', async (c) => {
    const change = parseInput(VariantChangeInput, await wrappedBody(c, 'variant'));
    const variant = catalog.updateVariant(idParam(c, 'id'), idParam(c, 'variantId'), change);
    return c.json({ variant: variantJson(state, variant) });
  });
  api.get('/products/:id{[0-9]+}/images.json', (c) => {
    const product = findProduct(state, idParam(c, 'id'));
    return c.json(product.images.map((i) => ({ image: imageJson(state, i) })));
  });

  // Hooks
  api.get('/hooks.json', (c) => c.json(byId(state.hooks).map((hook) => ({ hook }))));
  api.post('/hooks.json', async (c) => {
    const input = parseInput(HookInput, await wrappedBody(c, 'hook'));
    if (!HOOK_EVENTS.includes(input.event)) throw new SimRequestError(422, 'invalid event', { event: ['is not included in the list'] });
    const hook = { id: ++state.ids.hook, name: null, event: input.event, url: input.url, created_at: jumpsellerDate(simNow(state)) };
    state.hooks.set(hook.id, hook);
    return c.json({ hook });
  });
  api.delete('/hooks/:id{[0-9]+\\.json}', (c) => {
    const id = idParam(c, 'id');
    if (!state.hooks.delete(id)) return c.json({ message: 'Hook not found' }, 404);
    return c.json({ message: 'Hook deleted' });
  });

  // Checkout custom fields
  api.get('/checkout_custom_fields.json', (c) => c.json(page(c, byId(state.checkoutCustomFields)).map((f) => ({ checkout_custom_field: f }))));
  api.post('/checkout_custom_fields.json', async (c) => {
    const input = parseInput(CheckoutCustomFieldInput, await wrappedBody(c, 'checkout_custom_field'));
    const field = { id: ++state.ids.checkoutCustomField, ...input, deletable: true };
    state.checkoutCustomFields.set(field.id, field);
    return c.json({ checkout_custom_field: field });
  });

  // Store
  api.get('/store/info.json', (c) => c.json({ store: state.store }));

  api.notFound((c) => c.json({ message: 'Not found' }, 404));
  return api;
}
