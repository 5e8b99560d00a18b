/**
 * `POST /stock/notices`: "these SKUs' stock changed in relBase", for relBase set-ups or other systems
 * able to call it (relBase itself publishes no webhooks that we know of; the reconcile schedule is
 * the safety net). Bearer STOCK_NOTICES_TOKEN: the one token handed to other systems, good for this
 * endpoint and nothing else (operators' admin tokens are not accepted here either, so each caller is
 * named for what it is in the audit log). Names SKUs or relBase product ids; each linked SKU's stock
 * push workflow is signalled, and the answer says which names matched nothing.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { findActiveLinks } from '../../db/product-links-repository.js';
import { skusOfRelbaseProducts } from '../../db/stock-pushes-repository.js';
import { requestStockPushes } from '../../stock/request-pushes.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ApiToken } from '../../security/api-tokens.js';
import { auditWrites } from '../admin/audit.js';
import { requireBearer, STOCK_NOTICES_OFF_MESSAGE } from '../admin/auth.js';
import { requireStoreRow, type AdminDeps } from '../admin/deps.js';
import { parseInput } from '../admin/validation.js';

const noticeSchema = z
  .object({
    store: z.string().min(1),
    skus: z.array(z.string().trim().min(1)).max(1000).default([]),
    relbaseProductIds: z
      .array(z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]))
      .max(1000)
      .default([]),
  })
  .strict()
  .refine((n) => n.skus.length + n.relbaseProductIds.length > 0, { message: 'name at least one SKU (skus) or relBase product (relbaseProductIds)' });

export interface StockRoutesDeps extends Pick<AdminDeps, 'db' | 'temporal' | 'mainTaskQueue' | 'logger' | 'trustProxy' | 'auditLogRetentionDays'> {
  /** Unset: the endpoint answers 503 saying how to turn it on. */
  stockNoticesToken: ApiToken | undefined;
  metrics?: Pick<Metrics, 'authFailures'>;
}

export function stockRoutes(deps: StockRoutesDeps): Hono {
  const app = new Hono();
  app.use(
    '/stock/*',
    requireBearer({
      realm: 'stock-notices',
      tokens: deps.stockNoticesToken ? [deps.stockNoticesToken] : [],
      offMessage: STOCK_NOTICES_OFF_MESSAGE,
      logger: deps.logger,
      ...(deps.metrics ? { onFailure: (realm: string, reason: string) => deps.metrics!.authFailures.inc({ realm, reason }) } : {}),
      trustProxy: deps.trustProxy ?? false,
    }),
  );
  app.use('/stock/*', auditWrites({ db: deps.db, logger: deps.logger, retentionDays: deps.auditLogRetentionDays ?? 365 }));
  app.post('/stock/notices', async (c) => {
    const notice = parseInput(noticeSchema, await c.req.json().catch(() => undefined));
    c.set('audit', { storeCode: notice.store, details: { skus: notice.skus.length, relbaseProductIds: notice.relbaseProductIds.length } });
    const store = await requireStoreRow(deps.db, notice.store);
    const productIds = notice.relbaseProductIds.map(String);
    const fromProducts = await skusOfRelbaseProducts(deps.db, store.code, productIds);
    const linked = await findActiveLinks(deps.db, store.code, notice.skus);
    const known = (sku: string) => Object.hasOwn(linked, sku);
    const skus = [...new Set([...notice.skus.filter(known), ...fromProducts])];
    await requestStockPushes(
      deps.temporal,
      deps.mainTaskQueue,
      store.code,
      skus.map((sku) => ({ sku })),
    );
    const unknownSkus = notice.skus.filter((s) => !known(s));
    deps.logger.info({ store: store.code, skus: skus.length, unknownSkus: unknownSkus.length }, 'stock notice');
    return c.json({ store: store.code, signalled: skus, unknownSkus, matchedProducts: fromProducts.length }, 202);
  });
  return app;
}
