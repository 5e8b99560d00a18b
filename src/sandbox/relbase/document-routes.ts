/**
 * `/dtes`: issue, search (substring over folio, label_value and comment) and detail, with the
 * document faults of document-faults.ts: creates committed late or never, searches that lag; reads
 * give the SII's answer when it is due (sii-status.ts).
 */
import { Hono } from 'hono';
import { dropAnswer, findableBySearch, takeAmountDrift, takeCreateFault } from './document-faults.js';
import { issueDocument, searchDocuments } from './documents.js';
import { answerFromSii } from './sii-status.js';
import type { SimContext } from './sim-context.js';
import { fail, idParam, ok, page } from './wire.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function documentRoutes(ctx: SimContext, today: () => string): Hono {
  const app = new Hono();

  app.post('/dtes', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return fail(c, 400, 'the body must be JSON');
    const label = (body as { label_value?: unknown }).label_value;
    const fault = takeCreateFault(ctx.state, typeof label === 'string' ? label : null);
    if (fault) {
      await sleep(fault.holdMs);
      // Read the state after the hold: a reset meanwhile must not receive this document.
      const state = ctx.state;
      if (fault.kind === 'late_commit') {
        const result = issueDocument(state, body, new URL(c.req.url).origin, today(), takeAmountDrift(state));
        if (result.ok) state.traffic.writes++;
        state.documentFaultCounters.lateCommits++;
      } else {
        state.documentFaultCounters.hungCreates++;
      }
      return dropAnswer(c);
    }
    const result = issueDocument(ctx.state, body, new URL(c.req.url).origin, today(), takeAmountDrift(ctx.state));
    if (!result.ok) return fail(c, 422, result.message);
    ctx.state.traffic.writes++;
    return ok(c, result.document, 201);
  });

  app.get('/dtes', (c) => {
    const type = c.req.query('type_document');
    const typeDocument = type === undefined || type === '' ? null : Number(type);
    const now = Date.now();
    const found = searchDocuments(ctx.state, c.req.query('query') ?? '', typeDocument).filter((d) => findableBySearch(ctx.state.faults, d.created_at, now));
    for (const d of found) answerFromSii(ctx.state.faults, d, now);
    return page(c, 'dtes', found, ctx.pageSizes.documents);
  });

  app.get('/dtes/:id', (c) => {
    const document = ctx.state.documents.get(idParam(c));
    if (document) answerFromSii(ctx.state.faults, document, Date.now());
    return document ? ok(c, document) : fail(c, 404, 'document not found');
  });

  return app;
}
