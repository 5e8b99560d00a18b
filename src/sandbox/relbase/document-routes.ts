/** `/dtes`: issue, search (substring over folio, label_value and comment) and detail. */
import { Hono } from 'hono';
import { issueDocument, searchDocuments } from './documents.js';
import type { SimContext } from './sim-context.js';
import { fail, idParam, ok, page } from './wire.js';

export function documentRoutes(ctx: SimContext, today: () => string): Hono {
  const app = new Hono();

  app.post('/dtes', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return fail(c, 400, 'the body must be JSON');
    const result = issueDocument(ctx.state, body, new URL(c.req.url).origin, today());
    if (!result.ok) return fail(c, 422, result.message);
    ctx.state.traffic.writes++;
    return ok(c, result.document, 201);
  });

  app.get('/dtes', (c) => {
    const type = c.req.query('type_document');
    const typeDocument = type === undefined || type === '' ? null : Number(type);
    const found = searchDocuments(ctx.state, c.req.query('query') ?? '', typeDocument);
    return page(c, 'dtes', found, ctx.pageSizes.documents);
  });

  app.get('/dtes/:id', (c) => {
    const document = ctx.state.documents.get(idParam(c));
    return document ? ok(c, document) : fail(c, 404, 'document not found');
  });

  return app;
}
