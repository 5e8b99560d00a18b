/**
 * The client's single-call mode, which the order workflow's issuing steps use: one HTTP attempt (a
 * 403 comes back at once instead of being retried here), a hook that runs after the rate limiter and
 * can stop the send, and the one-page lookups that keep exact matches only.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/api-errors.js';
import { createRateLimiter } from '../../../src/http/rate-limiter.js';
import { createRelbaseClient, type RelbaseClientOptions } from '../../../src/relbase/client.js';

function clientFor(app: Hono, opts: Partial<RelbaseClientOptions> = {}) {
  return createRelbaseClient({
    baseUrl: 'http://relbase.test/api/v1',
    userToken: 'user-token',
    companyToken: 'company-token',
    fetch: (input, init) => Promise.resolve(app.fetch(new Request(input, init))),
    throttleBackoffMs: 5,
    ...opts,
  });
}

const boleta = { type_document: 39 as const, ware_house_id: 1, mnt_bruto: true, start_date: '2026-12-01', end_date: '2026-12-01', label_value: 'JS-1', comment: 'x', products: [] };
const document = { id: 7, folio: 3, type_document: 39, label_value: 'JS-1', amount_neto: 840, amount_iva: 160, amount_total: 1000, pdf_file: { url: 'http://x/pdf' } };

describe('single attempt', () => {
  it('a 403 on a single-attempt create is thrown after one POST; the default mode retries it', async () => {
    const app = new Hono();
    let posts = 0;
    app.post('/api/v1/dtes', (c) => {
      posts++;
      return c.json({ data: {}, meta: { code: 403, message: 'Too many requests' } }, 403);
    });
    const client = clientFor(app, { throttleRetries: 2 });
    const err = await client.createDocument(boleta, { singleAttempt: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect(posts).toBe(1);
    await client.createDocument(boleta).catch(() => undefined);
    expect(posts).toBe(1 + 3);
  });

  it('a single-attempt 403 still holds every caller of the shared limiter back', async () => {
    const app = new Hono();
    const arrivals: number[] = [];
    app.get('/api/v1/dtes', (c) => {
      arrivals.push(performance.now());
      return arrivals.length === 1
        ? c.json({ data: {}, meta: { code: 403 } }, 403)
        : c.json({ data: { dtes: [] }, meta: { code: 200, current_page: 1, next_page: null, total_pages: 1, total_count: 0 } });
    });
    const client = clientFor(app, { throttleBackoffMs: 300, limiter: createRateLimiter([{ limit: 100, ms: 1000 }]) });
    await client.findDocumentsByLabelPage('JS-1', 1, { singleAttempt: true }).catch(() => undefined);
    await client.findDocumentsByLabelPage('JS-1', 1, { singleAttempt: true });
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(290);
  });
});

describe('beforeSend', () => {
  it('runs after the limiter lets the request go, and a throw sends nothing', async () => {
    const app = new Hono();
    let posts = 0;
    app.post('/api/v1/dtes', (c) => {
      posts++;
      return c.json({ data: document, meta: { code: 201 } }, 201);
    });
    const limiter = createRateLimiter([{ limit: 1, ms: 1000 }]);
    await limiter.acquire(); // the next slot is a second away
    const client = clientFor(app, { limiter });
    const asked = Date.now();
    let ranAt = 0;
    const created = await client.createDocument(boleta, { singleAttempt: true, beforeSend: () => Promise.resolve(void (ranAt = Date.now())) });
    expect(created.id).toBe(7);
    expect(ranAt - asked).toBeGreaterThanOrEqual(900);
    expect(posts).toBe(1);

    const refused = new Error('claim lost');
    await expect(client.createDocument(boleta, { beforeSend: () => Promise.reject(refused) })).rejects.toBe(refused);
    expect(posts).toBe(1);
  });
});

describe('one-page lookups', () => {
  it('findDocumentsByLabelPage asks for the page and keeps exact label matches, with the next page', async () => {
    const app = new Hono();
    let asked: Record<string, string | undefined> = {};
    app.get('/api/v1/dtes', (c) => {
      asked = { query: c.req.query('query'), page: c.req.query('page') };
      return c.json({
        data: { dtes: [document, { ...document, id: 8, label_value: 'JS-10' }, { ...document, id: 9, label_value: 'JS-1' }] },
        meta: { code: 200, current_page: 2, next_page: 3, total_pages: 3, total_count: 60 },
      });
    });
    const found = await clientFor(app).findDocumentsByLabelPage('JS-1', 2, { singleAttempt: true });
    expect(asked).toEqual({ query: 'JS-1', page: '2' });
    expect(found.matches.map((d) => d.id)).toEqual([7, 9]);
    expect(found.nextPage).toBe(3);
  });

  it('findCustomersByRutPage queries without dots and matches the RUT exactly', async () => {
    const app = new Hono();
    let query: string | undefined;
    app.get('/api/v1/clientes', (c) => {
      query = c.req.query('query');
      return c.json({
        data: {
          customers: [
            { id: 2, rut: '76.192.083-9', name: 'A' },
            { id: 3, rut: '6192083-9', name: 'B' },
          ],
        },
        meta: { code: 200, current_page: 1, next_page: null, total_pages: 1, total_count: 2 },
      });
    });
    const found = await clientFor(app).findCustomersByRutPage('76.192.083-9', 1);
    expect(query).toBe('76192083-9');
    expect(found).toMatchObject({ matches: [{ id: 2 }], nextPage: null });
  });
});
