/**
 * `/productos`: search, detail, create, update, image upload and stock per warehouse, in relBase's
 * wire format. Create and update are ASSUMED endpoints of the project's contract. Two products may
 * share a code, as they can in relBase when typed twice by hand: the client must notice, not the server.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext } from './sim-context.js';
import { addProduct, stockOf } from './state.js';
import { fail, idParam, ok, page, productDetailWire, productWire } from './wire.js';

const productFields = {
  name: z.string().trim().min(1, 'name is required'),
  code: z.string().trim().min(1, 'code is required'),
  price: z.number().min(0, 'price must not be negative'),
  description: z.string().nullish(),
  barcode: z.string().nullish(),
  is_inventory: z.boolean().optional(),
  tax_affected: z.boolean().optional(),
};
const createProductSchema = z.looseObject(productFields);
const updateProductSchema = z.looseObject(productFields).partial();

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

export function productRoutes(ctx: SimContext): Hono {
  const app = new Hono();

  app.get('/productos', (c) => {
    const needle = (c.req.query('query') ?? '').trim().toLowerCase();
    const found = [...ctx.state.products.values()]
      .filter((p) => needle === '' || p.name.toLowerCase().includes(needle) || p.code.toLowerCase().includes(needle))
      .sort((a, b) => a.id - b.id)
      .map(productWire);
    return page(c, 'products', found, ctx.pageSizes.products);
  });

  app.get('/productos/:id', (c) => {
    const product = ctx.state.products.get(idParam(c));
    return product ? ok(c, productDetailWire(ctx.state, product)) : fail(c, 404, 'product not found');
  });

  app.post('/productos', async (c) => {
    const parsed = createProductSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return fail(c, 422, firstIssue(parsed.error));
    const product = addProduct(ctx.state, parsed.data);
    ctx.state.traffic.writes++;
    return ok(c, productDetailWire(ctx.state, product), 201);
  });

  app.put('/productos/:id', async (c) => {
    const product = ctx.state.products.get(idParam(c));
    if (!product) return fail(c, 404, 'product not found');
    const parsed = updateProductSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return fail(c, 422, firstIssue(parsed.error));
    const f = parsed.data;
    if (f.name !== undefined) product.name = f.name;
    if (f.code !== undefined) product.code = f.code;
    if (f.price !== undefined) product.price = f.price;
    if (f.description !== undefined) product.description = f.description;
    if (f.barcode !== undefined) product.barcode = f.barcode;
    if (f.is_inventory !== undefined) product.is_inventory = f.is_inventory;
    if (f.tax_affected !== undefined) product.tax_affected = f.tax_affected;
    ctx.state.traffic.writes++;
    return ok(c, productDetailWire(ctx.state, product));
  });

  app.post('/productos/:id/imagen', async (c) => {
    const product = ctx.state.products.get(idParam(c));
    if (!product) return fail(c, 404, 'product not found');
    const form: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
    const file = form['image'];
    if (!(file instanceof File)) return fail(c, 422, 'image: a multipart file field named image is required');
    if (!file.type.startsWith('image/')) return fail(c, 422, `image: ${file.type || 'no content type'} is not an image`);
    if (file.size === 0) return fail(c, 422, 'image: the file is empty');
    product.image = { bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.type, filename: file.name };
    product.url_image = `${new URL(c.req.url).origin}/_sim/products/${product.id}/image/${encodeURIComponent(file.name)}`;
    ctx.state.traffic.writes++;
    return ok(c, productDetailWire(ctx.state, product));
  });

  app.get('/productos/:id/stock_por_bodegas', (c) => {
    const product = ctx.state.products.get(idParam(c));
    if (!product) return fail(c, 404, 'product not found');
    const stocks = ctx.state.warehouses.map((w) => ({ ware_house_id: w.id, current_stock: stockOf(ctx.state, product.id, w.id) }));
    return ok(c, { stocks });
  });

  return app;
}
