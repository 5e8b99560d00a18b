/**
 * Stored webhook deliveries an operator should look at: those signed but without a resource id
 * (`unroutable`) and those whose dispatch kept failing (`dead_letter`), and putting dead letters
 * back in the queue once the cause is fixed. Bodies are not shown: they may hold personal data.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ATTENTION_STATUSES, DELIVERY_STATUSES, listDeliveries, requeueDeadLetters } from '../../db/webhook-deliveries-repository.js';
import { storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, jsonRequest, NO_STORE, StoreParams } from './openapi.js';
import { DeliveriesAnswer, RequeueAnswer } from './schemas.js';
import { firstQueryValue, readJsonBody } from './validation.js';

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

export function deliveryRoutes(deps: AdminDeps) {
  const app = adminRouter({ fields: { status: 'status', limit: 'limit' } });
  const store = storeFromPath(deps.db);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/deliveries',
      summary: 'Stored webhook deliveries in some statuses (unroutable and dead_letter by default), without their bodies',
      middleware: [store] as const,
      request: {
        params: StoreParams,
        query: z.object({
          status: firstQueryValue(StatusesQuery).describe(`comma-separated, of ${DELIVERY_STATUSES.join(', ')}; default ${ATTENTION_STATUSES.join(',')}`),
          limit: firstQueryValue(LimitQuery),
        }),
      },
      responses: { 200: jsonAnswer(DeliveriesAnswer, 'the deliveries'), ...errorAnswers({ 400: 'an unknown status, or a limit outside 1 to 1000', 404: NO_STORE }) },
    }),
    async (c) => {
      const row = c.get('store');
      const { status: statuses, limit } = c.req.valid('query');
      const rows = await listDeliveries(deps.db, row.code, statuses, limit);
      return c.json(
        {
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
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/deliveries/requeue',
      summary: 'Put dead-lettered deliveries (all, or those given) back in the queue',
      middleware: [store, readJsonBody] as const,
      request: { params: StoreParams, body: jsonRequest(RequeueInput, 'the delivery ids; none (or no body): every dead letter of the store', false) },
      responses: { 200: jsonAnswer(RequeueAnswer, 'the deliveries put back'), ...errorAnswers({ 400: 'an id is not a number, or the body is not JSON', 404: NO_STORE }) },
    }),
    async (c) => {
      const row = c.get('store');
      const { ids } = c.req.valid('json');
      const requeued = await requeueDeadLetters(deps.db, row.code, ids ?? 'all');
      deps.logger.info({ store: row.code, requeued }, 'dead-lettered webhook deliveries put back in the queue');
      return c.json({ store: row.code, requeued: requeued.map(String) }, 200);
    },
  );

  return app;
}
