/** `GET /admin/audit`: the audit log, newest first (`?limit=`, `?store=`, `?actor=`). */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { listAudit } from '../../db/audit-log-repository.js';
import type { AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer } from './openapi.js';
import { AuditAnswer } from './schemas.js';
import { firstQueryValue } from './validation.js';

const AuditQuery = z.object({
  limit: firstQueryValue(z.coerce.number().int().min(1).max(1000).default(50)),
  store: firstQueryValue(z.string().min(1).optional()).describe('only this store'),
  actor: firstQueryValue(z.string().min(1).optional()).describe('only this operator'),
});

export function auditRoutes(deps: Pick<AdminDeps, 'db'>) {
  const app = adminRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      summary: 'The audit log of admin writes and stock notices, newest first',
      request: { query: AuditQuery },
      responses: { 200: jsonAnswer(AuditAnswer, 'the entries'), ...errorAnswers({ 400: 'a limit outside 1 to 1000 (`invalid query: limit: …`)' }) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await listAudit(deps.db, { limit: q.limit, storeCode: q.store, actor: q.actor });
      return c.json(
        {
          entries: rows.map((r) => ({
            at: r.at.toISOString(),
            actor: r.actor,
            action: r.action,
            store: r.store_code,
            subject: r.subject,
            outcome: r.outcome,
            status: r.status,
            requestId: r.request_id,
            details: r.details,
          })),
        },
        200,
      );
    },
  );
  return app;
}
