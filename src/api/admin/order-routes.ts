/**
 * Orders an operator acts on: the pending and needs-attention lists (from the `orders` read model),
 * one order's full state (its workflow's `state` query beside the read model and the document row),
 * retry one or every pending order, resolve a needs-attention order.
 *
 * Retrying or resolving one order is a Workflow Update: the workflow's validator refuses it unless the
 * order waits (409 with its reason), and the answer is the order's state after it planned again.
 * Retrying every pending order sends the `retry` signal, as a batch signal by query would.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { findOrder, listOrdersByState } from '../../db/orders-repository.js';
import type { OrderRecord } from '../../db/schema.js';
import { parseRut } from '../../domain/rut.js';
import { findCreditNotes } from '../../db/credit-notes-repository.js';
import { findDocument } from '../../db/documents-repository.js';
import { findReplacement } from '../../db/returns-repository.js';
import {
  ORDER_STATES,
  orderStatusQuery,
  orderWorkflowId,
  resolveUpdate,
  retrySignal,
  retryUpdate,
  returnUpdate,
  invoiceUpdate,
  type InvoiceRequest,
  type OrderStatus,
  type ResolveSignal,
  type ReturnAnswer,
  type ReturnRequest,
} from '../../workflows/order/contracts.js';
import type { orderWorkflow } from '../../workflows/order/workflow.js';
import { ORDER_WORKFLOW_TYPE } from '../../workflows/workflow-types.js';
import { HttpError } from '../errors.js';
import { messageOf, storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, jsonRequest, NO_STORE, OrderParams, StoreParams } from './openapi.js';
import {
  FacturaIssuedAnswer,
  FacturaPendingAnswer,
  OrderAnswer,
  OrdersAnswer,
  ResolveAnswer,
  RetryAnswer,
  RetryPendingAnswer,
  ReturnIssuedAnswer,
  ReturnPendingAnswer,
  type OrderSummary,
  type OrderWorkflowInfo,
} from './schemas.js';
import { firstQueryValue, readJsonBody } from './validation.js';

/** States after which nothing more happens to an order: signals would be lost on a closed workflow. */
const FINAL_STATES = new Set(['issued', 'credited', 'canceled', 'abandoned', 'expired']);
const QUERY_TIMEOUT_MS = 5000;
/** How long an update may take to be accepted or refused (a worker must pick it up). */
const UPDATE_ACCEPT_TIMEOUT_MS = 10_000;
/** How long the answer waits for the order to plan again; past it the answer says the retry was accepted. */
const UPDATE_RESULT_TIMEOUT_MS = 15_000;

const StatesQuery = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? 'pending_products,needs_attention')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(ORDER_STATES, { message: `must be one or more of ${ORDER_STATES.join(', ')}` })).min(1));

const DOCUMENT_NAMES = { boleta: 39, factura: 33, nota_de_venta: 1001 } as const;

/** A factura's receiver: the RUT checked (digit) and normalised, razón social and giro. */
const Receiver = z
  .object({
    rut: z
      .string()
      .trim()
      .min(1, 'is required')
      .transform((v, ctx) => {
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
  .strict();

const ResolveInput = z
  .object({
    receiver: Receiver.optional(),
    documentType: z
      .union([z.literal(39), z.literal(33), z.literal(1001), z.enum(['boleta', 'factura', 'nota_de_venta']).transform((n) => DOCUMENT_NAMES[n])], {
        message: 'must be 39, 33, 1001, boleta, factura or nota_de_venta',
      })
      .optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((r) => r.receiver !== undefined || r.documentType !== undefined, { message: 'give receiver (rut, razonSocial, giro) or documentType, or both' });

/** An operator's return: its id (the idempotency key: the same id never credits twice) and the units by SKU. */
const ReturnInput = z
  .object({
    returnId: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
    lines: z
      .array(
        z
          .object({
            sku: z.string().trim().min(1, 'is required').max(100),
            quantity: z.number().int('must be a whole number').min(1, 'must be at least 1'),
          })
          .strict(),
      )
      .min(1, 'give at least one line')
      .max(60, 'a credit note holds at most 60 lines'),
  })
  .strict();

/** Boleta → factura: the receiver, and its address when relBase has no customer with the RUT yet. */
const InvoiceInput = z
  .object({
    receiver: Receiver,
    address: z.string().trim().min(1).max(200).optional(),
    commune: z.string().trim().min(1).max(100).optional(),
    city: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

const BAD_ORDER_INPUT = 'the order id is not a number, or the body is invalid (`invalid body: <path>: …`) or not JSON';
const NO_ORDER = 'no store with that code, or no such order';
const NOT_ACCEPTED = 'the workflow did not accept the update in time';

/** How long a return's answer waits for its credit note; past it the answer says it was accepted (repeat it to see the folio). */
const RETURN_RESULT_TIMEOUT_MS = 30_000;

export function orderSummary(r: OrderRecord): OrderSummary {
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
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (is a worker running?)`)), ms).unref())]);
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

/**
 * Runs a retry or resolve update and answers with the order's state after it planned again: 409 with
 * the workflow's reason when its validator refuses, 404 when no run is open.
 */
async function updateOrder(
  start: (h: WorkflowHandle) => Promise<{ result(): Promise<OrderStatus> }>,
  handle: WorkflowHandle,
  orderId: string,
  storeCode: string,
): Promise<{ accepted: true; state: OrderStatus | null; note?: string }> {
  // A validator's refusal comes back as the update's failed result, not from starting it.
  const refused = (err: unknown) => (err instanceof WorkflowUpdateFailedError ? new HttpError('conflict', err.cause?.message ?? err.message) : undefined);
  let update: { result(): Promise<OrderStatus> };
  try {
    update = await withTimeout(start(handle), UPDATE_ACCEPT_TIMEOUT_MS, 'the order workflow');
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HttpError('not_found', `no running workflow for order ${orderId} in store ${storeCode}`);
    throw refused(err) ?? new HttpError('unavailable', messageOf(err));
  }
  try {
    return { accepted: true, state: await withTimeout(update.result(), UPDATE_RESULT_TIMEOUT_MS, 'planning the order again') };
  } catch (err) {
    const conflict = refused(err);
    if (conflict) throw conflict;
    return { accepted: true, state: null, note: `accepted; ${messageOf(err)}` };
  }
}

export function orderRoutes(deps: AdminDeps) {
  const app = adminRouter({ fields: { id: 'order id', state: 'state' } });
  const store = storeFromPath(deps.db);
  /** The errors of a route on one order: a bad id or body, no such order, and its own refusals. */
  const orderErrors = (conflict: string) => errorAnswers({ 400: BAD_ORDER_INPUT, 404: NO_ORDER, 409: conflict, 503: NOT_ACCEPTED });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/orders',
      summary: 'Orders in some states (from the orders read model): pending and needs-attention by default',
      middleware: [store] as const,
      request: {
        params: StoreParams,
        query: z.object({ state: firstQueryValue(StatesQuery).describe(`comma-separated, of ${ORDER_STATES.join(', ')}; default pending_products,needs_attention`) }),
      },
      responses: { 200: jsonAnswer(OrdersAnswer, 'the orders, most recently changed first (at most 1000)'), ...errorAnswers({ 400: 'an unknown state', 404: NO_STORE }) },
    }),
    async (c) => {
      const row = c.get('store');
      const { state: states } = c.req.valid('query');
      const orders = await listOrdersByState(deps.db, row.code, states);
      return c.json({ store: row.code, states, orders: orders.map(orderSummary) }, 200);
    },
  );

  // Registered before /orders/{id} so "retry-pending" is never read as an order id.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/orders/retry-pending',
      summary: 'Signal `retry` to exactly the orders the read model says are pending',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: { 200: jsonAnswer(RetryPendingAnswer, 'the orders signalled, and those skipped because their workflow is closed'), ...errorAnswers({ 404: NO_STORE }) },
    }),
    async (c) => {
      const row = c.get('store');
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
      return c.json({ store: row.code, signalled, skipped }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/orders/{id}',
      summary: "One order's full state: its workflow's state query, the read model, the document and its credit notes",
      middleware: [store] as const,
      request: { params: OrderParams },
      responses: { 200: jsonAnswer(OrderAnswer, 'the order as each source sees it'), ...errorAnswers({ 400: 'the order id is not a number', 404: NO_ORDER }) },
    }),
    async (c) => {
      const row = c.get('store');
      const { id: orderId } = c.req.valid('param');
      const workflowId = orderWorkflowId(row.code, orderId);
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const [record, document, creditNotes, replacement] = await Promise.all([
        findOrder(deps.db, row.code, orderId),
        findDocument(deps.db, row.code, orderId),
        findCreditNotes(deps.db, row.code, orderId),
        findReplacement(deps.db, row.code, orderId),
      ]);
      let workflow: OrderWorkflowInfo | null = null;
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
      return c.json(
        {
          store: row.code,
          orderId,
          workflow,
          state,
          queryError,
          readModel: record ? orderSummary(record) : null,
          document: document
            ? {
                label: document.label_value,
                state: document.state,
                typeDocument: document.type_document,
                folio: document.folio,
                relbaseId: document.relbase_id,
                total: document.total,
                pdfUrl: document.pdf_url,
                issuedAt: document.issued_at?.toISOString() ?? null,
                createsSent: document.creates_sent,
                lastCreateSentAt: document.last_create_sent_at?.toISOString() ?? null,
              }
            : null,
          creditNotes,
          // The factura that replaced the boleta (boleta → factura), if any.
          factura: replacement
            ? {
                label: replacement.label_value,
                state: replacement.state,
                folio: replacement.folio,
                relbaseId: replacement.relbase_id,
                total: replacement.total,
                pdfUrl: replacement.pdf_url,
              }
            : null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/orders/{id}/retry',
      summary: 'The `retry` update: plan one waiting order again',
      middleware: [store] as const,
      request: { params: OrderParams },
      responses: {
        200: jsonAnswer(RetryAnswer, "the order's state after it planned again (null with a note when that took too long)"),
        ...orderErrors('the order is done, or is neither pending nor needing attention (the reason says which)'),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const { id: orderId } = c.req.valid('param');
      const record = await findOrder(deps.db, row.code, orderId);
      if (record && FINAL_STATES.has(record.state)) throw new HttpError('conflict', `order ${orderId} is ${record.state}: nothing to retry`);
      const handle = deps.temporal.workflow.getHandle(orderWorkflowId(row.code, orderId));
      const answer = await updateOrder((h) => h.startUpdate(retryUpdate, { waitForStage: 'ACCEPTED' }), handle, orderId, row.code);
      return c.json({ store: row.code, orderId, retried: true as const, ...answer }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/orders/{id}/resolve',
      summary: 'The `resolve` update: fiscal data or a document type for an order that needs attention',
      middleware: [store, readJsonBody] as const,
      request: { params: OrderParams, body: jsonRequest(ResolveInput, 'the receiver, the document type, or both') },
      responses: {
        200: jsonAnswer(ResolveAnswer, "what was sent, and the order's state after it planned again"),
        ...orderErrors('the order is done, or has nothing to resolve (the reason says which)'),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const { id: orderId } = c.req.valid('param');
      const input = c.req.valid('json');
      const record = await findOrder(deps.db, row.code, orderId);
      if (record && FINAL_STATES.has(record.state)) throw new HttpError('conflict', `order ${orderId} is ${record.state}: it can no longer be resolved`);
      const signal: ResolveSignal = {
        ...(input.receiver ? { receiver: input.receiver } : {}),
        ...(input.documentType !== undefined ? { documentType: input.documentType } : {}),
        ...(input.note ? { note: input.note } : {}),
      };
      const handle = deps.temporal.workflow.getHandle(orderWorkflowId(row.code, orderId));
      const answer = await updateOrder((h) => h.startUpdate(resolveUpdate, { args: [signal], waitForStage: 'ACCEPTED' }), handle, orderId, row.code);
      deps.logger.info({ store: row.code, orderId, documentType: signal.documentType ?? null, receiver: Boolean(signal.receiver) }, 'resolve accepted');
      return c.json({ store: row.code, orderId, resolved: true as const, resolve: signal, ...answer }, 200);
    },
  );

  // A return is a Workflow Update sent with update-with-start: a run that already closed (its
  // cancellation window passed) is started again, finds the issued document and serves it.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/orders/{id}/returns',
      summary: 'The `return` update (update-with-start): one credit note (61, corrige montos) for the units returned, once per return id',
      middleware: [store, readJsonBody] as const,
      request: { params: OrderParams, body: jsonRequest(ReturnInput, 'the return id (its idempotency key) and the units by SKU') },
      responses: {
        200: jsonAnswer(ReturnIssuedAnswer, 'the credit note (the same one when the return id repeats)'),
        202: jsonAnswer(ReturnPendingAnswer, 'accepted, still issuing after 30 s: send the same request again to see it'),
        ...orderErrors('no issued document, the document is annulled, a SKU was not sold, more units than are left, or the return id was used for other lines'),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const { id: orderId } = c.req.valid('param');
      const input = c.req.valid('json');
      const document = await findDocument(deps.db, row.code, orderId);
      // Checked here too so that a return of an order without a document never starts its workflow.
      if (!document || document.state !== 'issued') throw new HttpError('conflict', `order ${orderId} has no issued document: there is nothing to return`);
      const request: ReturnRequest = { returnId: input.returnId, lines: input.lines };
      const answer: ReturnAnswer | null = await updateWithStart(deps, row.code, orderId, (startWorkflowOperation) =>
        deps.temporal.workflow.startUpdateWithStart(returnUpdate, { args: [request], waitForStage: 'ACCEPTED', startWorkflowOperation }),
      );
      if (answer === null) {
        return c.json(
          {
            store: row.code,
            orderId,
            returnId: input.returnId,
            accepted: true as const,
            creditNote: null,
            note: 'accepted; still issuing the credit note: send the same request again to see it',
          },
          202,
        );
      }
      deps.logger.info({ store: row.code, orderId, returnId: input.returnId, label: answer.creditNote.label, alreadyExisted: answer.alreadyExisted }, 'return credited');
      return c.json({ store: row.code, orderId, accepted: true as const, ...answer }, 200);
    },
  );

  // Boleta → factura: the `invoice` update, sent with update-with-start like a return.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/orders/{id}/factura',
      summary: 'The `invoice` update (update-with-start): turn the issued boleta into a factura (a 61 annulling it, then a 33)',
      middleware: [store, readJsonBody] as const,
      request: { params: OrderParams, body: jsonRequest(InvoiceInput, 'the receiver, and its address when relBase has no customer with the RUT yet') },
      responses: {
        200: jsonAnswer(FacturaIssuedAnswer, 'both documents (the same ones when repeated)'),
        202: jsonAnswer(FacturaPendingAnswer, 'accepted, still issuing after 30 s: send the same request again to see both folios'),
        ...orderErrors('the document is not an issued boleta, is already annulled or credited in part, or relBase refused one of the two'),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const { id: orderId } = c.req.valid('param');
      const input = c.req.valid('json');
      const document = await findDocument(deps.db, row.code, orderId);
      if (!document || document.state !== 'issued') throw new HttpError('conflict', `order ${orderId} has no issued document: there is no boleta to turn into a factura`);
      if (document.type_document !== 39) throw new HttpError('conflict', `order ${orderId}'s document is of type ${document.type_document}, not a boleta (39)`);
      const request: InvoiceRequest = {
        receiver: input.receiver,
        ...(input.address ? { address: input.address } : {}),
        ...(input.commune ? { commune: input.commune } : {}),
        ...(input.city ? { city: input.city } : {}),
      };
      const answer = await updateWithStart(deps, row.code, orderId, (startWorkflowOperation) =>
        deps.temporal.workflow.startUpdateWithStart(invoiceUpdate, { args: [request], waitForStage: 'ACCEPTED', startWorkflowOperation }),
      );
      if (answer === null) {
        return c.json(
          {
            store: row.code,
            orderId,
            accepted: true as const,
            creditNote: null,
            factura: null,
            note: 'accepted; still issuing: send the same request again to see both folios',
          },
          202,
        );
      }
      deps.logger.info(
        { store: row.code, orderId, creditNote: answer.creditNote.label, factura: answer.factura.label, alreadyExisted: answer.alreadyExisted },
        'boleta turned into factura',
      );
      return c.json({ store: row.code, orderId, accepted: true as const, ...answer }, 200);
    },
  );

  return app;
}

/**
 * Sends an update with update-with-start to the order's workflow (a closed run is started again and
 * finds the issued document) and waits for its answer: 409 with the workflow's reason when refused,
 * null when it is still running after RETURN_RESULT_TIMEOUT_MS.
 */
async function updateWithStart<T>(
  deps: AdminDeps,
  storeCode: string,
  orderId: string,
  start: (op: WithStartWorkflowOperation<typeof orderWorkflow>) => Promise<{ result(): Promise<T> }>,
): Promise<T | null> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
    workflowId: orderWorkflowId(storeCode, orderId),
    taskQueue: deps.mainTaskQueue,
    args: [{ storeCode, orderId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  const refused = (err: unknown) => (err instanceof WorkflowUpdateFailedError ? new HttpError('conflict', err.cause?.message ?? err.message) : undefined);
  let update;
  try {
    update = await withTimeout(start(startWorkflowOperation), UPDATE_ACCEPT_TIMEOUT_MS, 'the order workflow');
  } catch (err) {
    throw refused(err) ?? new HttpError('unavailable', messageOf(err));
  }
  try {
    return await withTimeout(update.result(), RETURN_RESULT_TIMEOUT_MS, 'issuing');
  } catch (err) {
    const conflict = refused(err);
    if (conflict) throw conflict;
    return null;
  }
}
