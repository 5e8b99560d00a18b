/**
 * `POST /stock/notices`: "these SKUs' stock changed in relBase", for relBase set-ups or other systems
 * able to call it (relBase itself publishes no webhooks that we know of; the reconcile schedule is
 * the safety net). Bearer ADMIN_TOKEN. Names SKUs or relBase product ids; each linked SKU's stock push
 * workflow is signalled, and the answer says which names matched nothing.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { findActiveLinks } from '../../db/product-links-repository.js';
import { skusOfRelbaseProducts } from '../../db/stock-pushes-repository.js';
import { requestStockPushes } from '../../stock/request-pushes.js';
import { requireAdminToken } from '../admin/auth.js';
import { requireStoreRow, type AdminDeps } from '../admin/deps.js';
import { parseInput } from '../admin/validation.js';

const noticeSchema = z
  .object({
    store: z.string().min(1),
    skus: z.array(z.string().trim().min(1)).max(1000).default([]),
    relbaseProductIds: z.array(z.union([z.number().int().positive(), z.string().regex(/^\d+$/)])).max(1000).default([]),
  })
  .strict()
  .refine((n) => n.skus.length + n.relbaseProductIds.length > 0, { message: 'name at least one SKU (skus) or relBase product (relbaseProductIds)' });

export function stockRoutes(deps: Pick<AdminDeps, 'db' | 'temporal' | 'adminToken' | 'mainTaskQueue' | 'logger'>): Hono {
  const app = new Hono();
  app.use('/stock/*', requireAdminToken(deps.adminToken));
  app.post('/stock/notices', async (c) => {
    const notice = parseInput(noticeSchema, await c.req.json().catch(() => undefined));
    const store = await requireStoreRow(deps.db, notice.store);
    const productIds = notice.relbaseProductIds.map(String);
    const fromProducts = await skusOfRelbaseProducts(deps.db, store.code, productIds);
    const linked = await findActiveLinks(deps.db, store.code, notice.skus);
    const known = (sku: string) => Object.hasOwn(linked, sku);
    const skus = [...new Set([...notice.skus.filter(known), ...fromProducts])];
    await requestStockPushes(deps.temporal, deps.mainTaskQueue, store.code, skus.map((sku) => ({ sku })));
    const unknownSkus = notice.skus.filter((s) => !known(s));
    deps.logger.info({ store: store.code, skus: skus.length, unknownSkus: unknownSkus.length }, 'stock notice');
    return c.json({ store: store.code, signalled: skus, unknownSkus, matchedProducts: fromProducts.length }, 202);
  });
  return app;
}
