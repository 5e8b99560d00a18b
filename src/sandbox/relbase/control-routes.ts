/**
 * `/_sim/…`: the simulator's control and inspection API (no auth; it is a sandbox). Also serves the
 * uploaded product images and placeholder PDFs that the API's URLs point to.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { SimInputError, changeStock, listDocuments, listProducts, requestStats, seedCustomer, seedProducts, setFaults } from './control.js';
import type { SimContext } from './sim-context.js';
import { idParam } from './wire.js';

const seedProductSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  code: z.string().min(1),
  price: z.number().min(0),
  barcode: z.string().nullish(),
  description: z.string().nullish(),
  is_inventory: z.boolean().optional(),
  tax_affected: z.boolean().optional(),
  stock: z.union([z.number(), z.record(z.string().regex(/^\d+$/), z.number())]).optional(),
});

const seedCustomerSchema = z.object({
  rut: z.string().min(1),
  name: z.string().min(1),
  business_activity: z.string().optional(),
  address: z.string().optional(),
  commune_id: z.number().int().nullish(),
  city_id: z.number().int().nullish(),
  email: z.array(z.string()).optional(),
});

const stockChangeSchema = z.object({
  code: z.string().optional(),
  productId: z.number().int().optional(),
  warehouseId: z.number().int().optional(),
  set: z.number().optional(),
  delta: z.number().optional(),
});

/** A document fault (document-faults.ts); null turns it off. */
const createFaultRuleSchema = z
  .object({
    holdMs: z.number().min(0),
    firstPerLabel: z.boolean().default(true),
    remaining: z.number().int().min(0).nullable().default(null),
  })
  .nullable();

const faultsSchema = z
  .object({
    latencyMs: z.number().min(0),
    errorRate: z.number().min(0).max(1),
    throttle: z.number().min(0).max(1),
    hangMs: z.number().min(0),
    commitThenFail: z.array(z.object({ method: z.string(), pathPrefix: z.string(), remaining: z.number().int().min(0) })),
    lateCommit: createFaultRuleSchema,
    hungCreate: createFaultRuleSchema,
    searchLagMs: z.number().min(0),
    amountDrift: z.object({ pesos: z.number().int(), remaining: z.number().int().min(0).nullable().default(null) }).nullable(),
    siiAnswerAfterMs: z.number().min(0).nullable(),
    siiReject: z.object({ reason: z.string().min(1), remaining: z.number().int().min(0).nullable().default(null) }).nullable(),
  })
  .partial();

async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SimInputError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

export function controlRoutes(ctx: SimContext, reset: () => void): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof SimInputError) return c.json({ error: err.message }, 400);
    throw err;
  });

  app.get('/products', (c) => c.json({ products: listProducts(ctx) }));
  app.post('/products', async (c) => {
    const body = await readBody(c, z.union([z.array(seedProductSchema), z.object({ products: z.array(seedProductSchema) })]));
    const products = seedProducts(ctx, Array.isArray(body) ? body : body.products);
    return c.json({ products: products.map((p) => ({ id: p.id, code: p.code })) }, 201);
  });

  app.post('/customers', async (c) => c.json({ customer: seedCustomer(ctx, await readBody(c, seedCustomerSchema)) }, 201));

  app.post('/stock', async (c) => c.json(changeStock(ctx, await readBody(c, stockChangeSchema))));

  app.get('/documents', (c) => c.json({ documents: listDocuments(ctx) }));

  app.get('/requests', (c) => c.json(requestStats(ctx)));

  app.get('/faults', (c) => c.json(ctx.state.faults));
  app.put('/faults', async (c) => c.json(setFaults(ctx, await readBody(c, faultsSchema))));

  app.post('/reset', (c) => {
    reset();
    return c.json({ reset: true });
  });

  app.get('/products/:id/image/:filename', (c) => {
    const image = ctx.state.products.get(idParam(c))?.image;
    if (!image) return c.json({ error: 'no image' }, 404);
    return c.body(image.bytes.slice().buffer, 200, { 'content-type': image.contentType });
  });

  app.get('/documents/:id/pdf', (c) => {
    const document = ctx.state.documents.get(idParam(c));
    if (!document) return c.json({ error: 'no document' }, 404);
    // Not a real PDF: enough for a link to open something that names the document.
    const text = `relBase sandbox: document type ${document.type_document} folio ${document.folio}, total ${document.amount_total}\n`;
    return c.body(text, 200, { 'content-type': 'application/pdf' });
  });

  return app;
}
