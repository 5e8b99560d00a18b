/**
 * The order workflow's contract, shared by the workflow, the HTTP app, the CLI and the activities:
 * its id, signals, query and the shapes they carry. No Node or I/O imports: workflow-safe.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

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
/** Operator: check again now (pending or needs-attention orders). */
export const retrySignal = defineSignal<[]>('retry');
export const resolveSignal = defineSignal<[ResolveSignal]>('resolve');

export const ORDER_STATES = [
  'checking',
  'awaiting_payment',
  'pending_products',
  'needs_attention',
  'issuing',
  'issued',
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
  eventsReceived: number;
  /** The last state changes, oldest first. */
  history: { at: string; state: OrderState; reason: string | null }[];
}

export const orderStatusQuery = defineQuery<OrderStatus>('state');
