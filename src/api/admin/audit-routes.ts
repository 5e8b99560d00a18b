/** `GET /admin/audit`: the audit log, newest first (`?limit=`, `?store=`, `?actor=`). */
import { Hono } from 'hono';
import { z } from 'zod';
import { listAudit } from '../../db/audit-log-repository.js';
import type { AdminDeps } from './deps.js';
import { parseInput } from './validation.js';

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  store: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
});

export function auditRoutes(deps: Pick<AdminDeps, 'db'>): Hono {
  const app = new Hono();
  app.get('/audit', async (c) => {
    const q = parseInput(AuditQuery, c.req.query(), 'query');
    const rows = await listAudit(deps.db, { limit: q.limit, storeCode: q.store, actor: q.actor });
    return c.json({
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
    });
  });
  return app;
}
