/**
 * Stored webhook deliveries an operator should look at: those signed but without a resource id
 * (`unroutable`) and those whose dispatch kept failing (`dead_letter`), and putting dead letters
 * back in the queue once the cause is fixed. Bodies are not shown: they may hold personal data.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ATTENTION_STATUSES, DELIVERY_STATUSES, listDeliveries, requeueDeadLetters } from '../../db/webhook-deliveries-repository.js';
import { requireStoreRow, type AdminDeps } from './deps.js';
import { jsonBody, parseInput } from './validation.js';

const StatusesQuery = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? ATTENTION_STATUSES.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(DELIVERY_STATUSES, { message: `must be one or more of ${DELIVERY_STATUSES.join(', ')}` })).min(1));

const LimitQuery = z.coerce.number().int().min(1).max(1000).default(100);

const RequeueInput = z.object({ ids: z.array(z.string().regex(/^\d+$/, 'must be a delivery id (digits)')).min(1).optional() }).strict();

export function deliveryRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/stores/:code/deliveries', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const statuses = parseInput(StatusesQuery, c.req.query('status'), 'status');
    const limit = parseInput(LimitQuery, c.req.query('limit'), 'limit');
    const rows = await listDeliveries(deps.db, row.code, statuses, limit);
    return c.json({
      store: row.code,
      statuses,
      deliveries: rows.map((d) => ({
        id: String(d.id),
        event: d.event,
        resourceId: d.resource_id || null,
        status: d.status,
        attempts: d.attempts,
        lastError: d.last_error,
        receivedAt: d.received_at.toISOString(),
        dispatchedAt: d.dispatched_at?.toISOString() ?? null,
        nextAttemptAt: d.next_attempt_at?.toISOString() ?? null,
      })),
    });
  });

  app.post('/stores/:code/deliveries/requeue', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const { ids } = parseInput(RequeueInput, await jsonBody(c));
    const requeued = await requeueDeadLetters(deps.db, row.code, ids ?? 'all');
    deps.logger.info({ store: row.code, requeued }, 'dead-lettered webhook deliveries put back in the queue');
    return c.json({ store: row.code, requeued: requeued.map(String) });
  });

  return app;
}
