/**
 * The order workflow's contract, shared by the workflow, the HTTP app, the CLI and the activities:
 * its id, signals, updates, query and the shapes they carry. No Node or I/O imports: workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** One workflow per Jumpseller order: the id is the idempotency key for starting it. */
export function orderWorkflowId(storeCode: string, orderId: string | number): string {
  return `order:${storeCode}:${orderId}`;
}

/** What relBase's `label_value` carries for an order: our handle to find its document again. */
export function orderLabelValue(orderId: string | number): string {
  return `JS-${orderId}`;
}

export interface OrderWorkflowInput {
  storeCode: string;
  orderId: string;
  /** What a run that continued as new hands to the next one; absent on a first run. */
  carried?: CarriedOrderState;
  /** Continue as new when a waiting run's history reaches this many events (default 2000; tests lower it). */
  continueAsNewAfterEvents?: number;
}

/** What survives a continue-as-new: the order was paid, the operator's correction, the visible history. */
export interface CarriedOrderState {
  paid: true;
  override: ResolveSignal | null;
  eventsReceived: number;
  history: OrderStatus['history'];
  /** Set when the document was issued: the run keeps listening for a cancellation until then (ISO time). */
  watchUntil?: string | null;
  /** The SII status follow-up of the issued document (absent: none). */
  sii?: SiiFollowUp | null;
}

/** Where the follow-up of an issued document's SII status stands (domain/sii-status.ts schedules it). */
export interface SiiFollowUp {
  relbaseId: string;
  /** Workflow time (ms) the follow-up began, and the first wait (ms): the schedule's inputs. */
  startedAt: number;
  firstMs: number;
  /** Looks done so far. */
  checks: number;
  /** When to look next (workflow ms); null once the SII answered or the follow-up ran out. */
  nextAt: number | null;
  /** relBase's last `sii_status`; null before the first look. */
  status: string | null;
  /** Why the order needs an operator (a rejection or a cancellation in relBase); null otherwise. */
  attention: string | null;
}

/** A webhook delivery about this order. Only a hint: the workflow re-reads the order itself. */
export interface OrderEventSignal {
  event: string;
  /** `status_enum` in the delivered payload. */
  statusEnum: string | null;
  deliveryId: string;
}

/** Fiscal data an operator supplies, or a document type they force, for a needs-attention order. */
export interface ResolveSignal {
  receiver?: { rut: string; razonSocial: string; giro: string };
  /** 39 boleta, 33 factura, 1001 nota de venta. */
  documentType?: 39 | 33 | 1001;
  note?: string;
}

export const orderEventSignal = defineSignal<[OrderEventSignal]>('orderEvent');
/** Sent by product sync when links are recorded; the order re-checks its missing SKUs. */
export const productsSyncedSignal = defineSignal<[{ skus: string[] }]>('productsSynced');
/** Operator: check again now (pending or needs-attention orders). Kept beside the update for batch signals by query. */
export const retrySignal = defineSignal<[]>('retry');
/** Kept for runs and scripts that send it; the admin API and the CLI use `resolveUpdate`. */
export const resolveSignal = defineSignal<[ResolveSignal]>('resolve');

/**
 * Operator: plan the order again now; accepted only while it is pending or needs attention, and
 * answered with its state after the new plan.
 */
export const retryUpdate = defineUpdate<OrderStatus, []>('retry');
/** Operator: fiscal data or a document type for an order that needs attention (or is pending); answered like retry. */
export const resolveUpdate = defineUpdate<OrderStatus, [ResolveSignal]>('resolve');
/**
 * Operator: return part of an issued order (units by SKU). Issues one nota de crédito (61, CodRef 3)
 * for exactly those units under its own label, once per `returnId`: a repeated request answers with
 * the same credit note. Sent with update-with-start, so a run that already closed starts again.
 */
export const returnUpdate = defineUpdate<ReturnAnswer, [ReturnRequest]>('return');

export interface ReturnRequest {
  /** The operator's id for this return: its idempotency key. */
  returnId: string;
  lines: { sku: string; quantity: number }[];
}

export interface ReturnAnswer {
  returnId: string;
  creditNote: CreditNoteSummary;
  /** True when the request repeated one already issued: nothing new was made. */
  alreadyExisted: boolean;
}

/**
 * Operator: turn the order's issued boleta into a factura for a receiver: a 61 annulling the boleta
 * (CodRef 1), then a factura 33 with the same lines, each exactly once under its own label
 * (`JS-{order}-NC1`, `JS-{order}-FA1`); answered with both. Repeating it answers with the same two.
 * Sent with update-with-start, like a return.
 */
export const invoiceUpdate = defineUpdate<InvoiceAnswer, [InvoiceRequest]>('invoice');

export interface InvoiceRequest {
  receiver: { rut: string; razonSocial: string; giro: string };
  /** The receiver's address (DirRecep), needed only when relBase has no customer with the RUT yet. */
  address?: string | null;
  commune?: string | null;
  city?: string | null;
}

export interface InvoiceAnswer {
  creditNote: CreditNoteSummary;
  factura: CreditNoteSummary;
  /** True when both already existed: nothing new was made. */
  alreadyExisted: boolean;
}

/** The failure type a return is refused with (more than was sold, no issued document...): the admin API answers 409. */
export const ORDER_RETURN_REFUSED = 'order.returnRefused';

/** The failure type an update validator refuses with (the admin API answers 409). */
export const ORDER_UPDATE_REFUSED = 'order.updateRefused';

export const ORDER_STATES = [
  'checking',
  'awaiting_payment',
  'pending_products',
  'needs_attention',
  'issuing',
  'issued',
  /** Canceled after its document was issued: issuing the credit note that annuls it. */
  'crediting',
  /** Canceled after its document was issued, and the document annulled by a credit note. */
  'credited',
  'canceled',
  'abandoned',
  'expired',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States in which the workflow waits for a person or for product sync. */
export const WAITING_STATES: readonly OrderState[] = ['pending_products', 'needs_attention'];

export interface OrderStatus {
  storeCode: string;
  orderId: string;
  state: OrderState;
  /** Why the order waits or how it ended, in words an operator can act on. */
  reason: string | null;
  missingSkus: string[];
  documentType: number | null;
  folio: string | null;
  relbaseDocumentId: string | null;
  pdfUrl: string | null;
  total: number | null;
  /** Credit notes (61) issued for the order's document, oldest first. */
  creditNotes: CreditNoteSummary[];
  /** relBase's last `sii_status` of the issued document (e.g. sent_sii, accepted, rejected); null before the first look or when not followed. */
  siiStatus: string | null;
  eventsReceived: number;
  /** The last state changes, oldest first. */
  history: { at: string; state: OrderState; reason: string | null }[];
}

export interface CreditNoteSummary {
  label: string;
  folio: string | null;
  total: number | null;
  relbaseDocumentId: string;
  pdfUrl: string | null;
}

export const orderStatusQuery = defineQuery<OrderStatus>('state');
