/**
 * Orders an operator acts on: the pending and needs-attention lists (from the `orders` read model),
 * one order's full state (its workflow's `state` query beside the read model and the document row),
 * retry one or every pending order, resolve a needs-attention order.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { findOrder, listOrdersByState } from '../../db/orders-repository.js';
import type { OrderRecord } from '../../db/schema.js';
import { parseRut } from '../../domain/rut.js';
import {
  ORDER_STATES,
  orderStatusQuery,
  orderWorkflowId,
  resolveSignal,
  retrySignal,
  type OrderStatus,
  type ResolveSignal,
} from '../../workflows/order/contracts.js';
import { HttpError } from '../errors.js';
import { messageOf, requireStoreRow, type AdminDeps } from './deps.js';
import { jsonBody, parseInput } from './validation.js';

/** States after which nothing more happens to an order: signals would be lost on a closed workflow. */
const FINAL_STATES = new Set(['issued', 'canceled', 'abandoned', 'expired']);
const QUERY_TIMEOUT_MS = 5000;

const StatesQuery = z
  .string()
  .optional()
  .transform((v) => (v ?? 'pending_products,needs_attention').split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ORDER_STATES, { message: `must be one or more of ${ORDER_STATES.join(', ')}` })).min(1));

const OrderIdParam = z.string().regex(/^\d+$/, 'must be a Jumpseller order id (digits)');

const DOCUMENT_NAMES = { boleta: 39, factura: 33, nota_de_venta: 1001 } as const;

const ResolveInput = z
  .object({
    receiver: z
      .object({
        rut: z.string().trim().min(1, 'is required').transform((v, ctx) => {
          const r = parseRut(v);
          if (!r.ok) {
            ctx.addIssue({ code: 'custom', message: r.reason });
            return z.NEVER;
          }
          return r.rut;
        }),
        razonSocial: z.string().trim().min(1, 'is required').max(100),
        giro: z.string().trim().min(1, 'is required').max(80),
      })
      .strict()
      .optional(),
    documentType: z
      .union([z.literal(39), z.literal(33), z.literal(1001), z.enum(['boleta', 'factura', 'nota_de_venta']).transform((n) => DOCUMENT_NAMES[n])], {
        message: 'must be 39, 33, 1001, boleta, factura or nota_de_venta',
      })
      .optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((r) => r.receiver !== undefined || r.documentType !== undefined, { message: 'give receiver (rut, razonSocial, giro) or documentType, or both' });

export function orderSummary(r: OrderRecord) {
  return {
    orderId: r.order_id,
    orderNumber: r.order_number,
    state: r.state,
    reason: r.reason,
    missingSkus: r.missing_skus,
    documentType: r.document_type,
    folio: r.folio,
    total: r.total,
    workflowId: r.workflow_id,
    updatedAt: r.updated_at.toISOString(),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (is a worker running?)`)), ms).unref()),
  ]);
}

/** Sends a signal; false when the workflow is closed or unknown (nothing left to wake). */
async function signalOrder(temporal: Client, workflowId: string, send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<boolean> {
  try {
    await send(temporal.workflow.getHandle(workflowId));
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export function orderRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/stores/:code/orders', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const states = parseInput(StatesQuery, c.req.query('state'), 'state');
    const orders = await listOrdersByState(deps.db, row.code, states);
    return c.json({ store: row.code, states, orders: orders.map(orderSummary) });
  });

  // Registered before /orders/:id so "retry-pending" is never read as an order id.
  app.post('/stores/:code/orders/retry-pending', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    // Exactly the orders the read model says are pending; an order that moved on since is skipped
    // by its workflow being closed, and a needs-attention order is never in this list.
    const pending = await listOrdersByState(deps.db, row.code, ['pending_products']);
    const signalled: string[] = [];
    const skipped: { orderId: string; reason: string }[] = [];
    for (const o of pending) {
      const ok = await signalOrder(deps.temporal, o.workflow_id, (h) => h.signal(retrySignal));
      if (ok) signalled.push(o.order_id);
      else skipped.push({ orderId: o.order_id, reason: 'its workflow is closed' });
    }
    deps.logger.info({ store: row.code, signalled: signalled.length, skipped: skipped.length }, 'retry sent to pending orders');
    return c.json({ store: row.code, signalled, skipped });
  });

  app.get('/stores/:code/orders/:id', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const orderId = parseInput(OrderIdParam, c.req.param('id'), 'order id');
    const workflowId = orderWorkflowId(row.code, orderId);
    const handle = deps.temporal.workflow.getHandle(workflowId);
    const [record, document] = await Promise.all([
      findOrder(deps.db, row.code, orderId),
      deps.db.selectFrom('documents').selectAll().where('store_code', '=', row.code).where('order_id', '=', orderId).executeTakeFirst(),
    ]);
    let workflow: Record<string, unknown> | null = null;
    let state: OrderStatus | null = null;
    let queryError: string | null = null;
    try {
      const d = await handle.describe();
      workflow = {
        workflowId,
        runId: d.runId,
        status: d.status.name,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
        memo: d.memo ?? null,
      };
      state = await withTimeout(handle.query(orderStatusQuery), QUERY_TIMEOUT_MS, 'the state query');
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (!record) throw new HttpError('not_found', `no order ${orderId} in store ${row.code}`);
        queryError = 'no workflow in Temporal (deleted by retention?); the read model is all there is';
      } else {
        queryError = messageOf(err);
      }
    }
    return c.json({
      store: row.code,
      orderId,
      workflow,
      state,
      queryError,
      readModel: record ? orderSummary(record) : null,
      document: document
        ? { state: document.state, typeDocument: document.type_document, folio: document.folio, relbaseId: document.relbase_id, total: document.total, pdfUrl: document.pdf_url, issuedAt: document.issued_at?.toISOString() ?? null }
        : null,
    });
  });

  app.post('/stores/:code/orders/:id/retry', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const orderId = parseInput(OrderIdParam, c.req.param('id'), 'order id');
    const record = await findOrder(deps.db, row.code, orderId);
    if (record && FINAL_STATES.has(record.state)) throw new HttpError('conflict', `order ${orderId} is ${record.state}: nothing to retry`);
    const ok = await signalOrder(deps.temporal, orderWorkflowId(row.code, orderId), (h) => h.signal(retrySignal));
    if (!ok) throw new HttpError('not_found', `no running workflow for order ${orderId} in store ${row.code}`);
    return c.json({ store: row.code, orderId, signalled: 'retry' });
  });

  app.post('/stores/:code/orders/:id/resolve', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const orderId = parseInput(OrderIdParam, c.req.param('id'), 'order id');
    const input = parseInput(ResolveInput, await jsonBody(c));
    const record = await findOrder(deps.db, row.code, orderId);
    if (record && FINAL_STATES.has(record.state)) throw new HttpError('conflict', `order ${orderId} is ${record.state}: it can no longer be resolved`);
    const signal: ResolveSignal = {
      ...(input.receiver ? { receiver: input.receiver } : {}),
      ...(input.documentType !== undefined ? { documentType: input.documentType } : {}),
      ...(input.note ? { note: input.note } : {}),
    };
    const ok = await signalOrder(deps.temporal, orderWorkflowId(row.code, orderId), (h) => h.signal(resolveSignal, signal));
    if (!ok) throw new HttpError('not_found', `no running workflow for order ${orderId} in store ${row.code}`);
    deps.logger.info({ store: row.code, orderId, documentType: signal.documentType ?? null, receiver: Boolean(signal.receiver) }, 'resolve sent');
    return c.json({ store: row.code, orderId, signalled: 'resolve', resolve: signal });
  });

  return app;
}
