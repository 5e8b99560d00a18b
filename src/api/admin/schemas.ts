/**
 * The admin API's answers, declared once. The routes name these schemas in their declarations
 * (createRoute), so every `c.json(...)` a handler returns is type-checked against them and the
 * OpenAPI document at `GET /admin/openapi.json` is generated from them; `npm run ops` reads the
 * answers through the types exported here (import type only). No server code: zod schemas and the
 * contract constants they name.
 */
import { z } from 'zod';
import type { CreditNoteRecord } from '../../db/credit-notes-repository.js';
import { storeSettingsSchema } from '../../stores/settings.js';
import {
  ORDER_STATES,
  type CreditNoteSummary as CreditNoteSummaryContract,
  type InvoiceAnswer as InvoiceAnswerContract,
  type OrderStatus as OrderStatusContract,
  type ReturnAnswer as ReturnAnswerContract,
} from '../../workflows/order/contracts.js';
import type { InstallReport } from '../../workflows/install/contracts.js';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';

/** A moment as `Date.toISOString()` writes it (UTC). */
const Timestamp = z.iso.datetime();
const StoreCode = z.string().describe('the store code');

/** Every answer that is not a success (src/api/errors.ts). */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string().describe('what went wrong, for a person; a 400 names each bad field by its path'),
      requestId: z.string().optional(),
      details: z.unknown().optional().describe('a 400 from validation: `{ issues: [{ path, message }] }`'),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

// Stores

export const StoreSummary = z
  .object({
    code: StoreCode,
    name: z.string().nullable(),
    authKind: z.string().describe('`basic` (configured through variables) or `oauth` (installed app)'),
    status: z.string().describe('`active`, `needs_reinstall` or `pending_approval` (an app install an operator has not approved)'),
    statusReason: z.string().nullable(),
    accessTokenExpiresAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'StoreSummary' });
export type StoreSummary = z.infer<typeof StoreSummary>;

export const StoresAnswer = z.object({ stores: z.array(StoreSummary) });
export type StoresAnswer = z.infer<typeof StoresAnswer>;

const ScheduleOutcome = z.enum(['created', 'updated']);
/** The store's schedules, created or brought up to date with its settings. */
const StoreSchedules = z.object({ stockReconcile: ScheduleOutcome, orderReconcile: ScheduleOutcome });

export const StoreSettingsAnswer = z.object({
  store: StoreCode,
  settings: storeSettingsSchema.meta({ id: 'StoreSettings' }),
  schedules: z.union([StoreSchedules, z.string()]).optional().describe('after a change of an interval setting: the schedules brought up to date, or why they were not'),
});
export type StoreSettingsAnswer = z.infer<typeof StoreSettingsAnswer>;

export const RelbaseConnectedAnswer = z.object({
  store: StoreCode,
  relbase: z.literal('connected'),
  install: z.string().nullable().describe('the install workflow started to finish the relBase steps; null when it could not start (see note)'),
  note: z.string().optional(),
});
export type RelbaseConnectedAnswer = z.infer<typeof RelbaseConnectedAnswer>;

export const ReactivateAnswer = z.object({
  store: StoreCode,
  status: z.literal('active'),
  reactivated: z.boolean().describe('false when the store already was active'),
  jumpseller: z.string().describe('`ok`, or `not checked: <why>`'),
});
export type ReactivateAnswer = z.infer<typeof ReactivateAnswer>;

const InstallAbout = {
  store: StoreCode,
  approved: z.literal(true).optional().describe('set by `approve`'),
  workflowId: z.string().describe('`install:{store}`'),
};

/** The install workflow's report. */
export const InstallDone = z.object({
  ...InstallAbout,
  state: z.literal('done'),
  hooksCreated: z.array(z.string()),
  fieldsCreated: z.array(z.string()),
  checkoutFieldIds: z.record(z.string(), z.string()),
  shippingProductCreated: z.boolean(),
  relbasePending: z.string().nullable().describe("the relBase steps left and why (the store's relBase tokens are not set yet)"),
  schedules: StoreSchedules,
  catalogSync: z.enum(['started', 'running', 'already ran', 'products already linked', 'after relBase is connected', 'not asked']),
});
export const InstallRunning = z.object({ ...InstallAbout, state: z.literal('running'), message: z.string() });
export type InstallAnswer = z.infer<typeof InstallDone> | z.infer<typeof InstallRunning>;

// Orders

export const OrderState = z.enum(ORDER_STATES);

/** A row of the `orders` read model. */
export const OrderSummary = z
  .object({
    orderId: z.string(),
    orderNumber: z.string().nullable(),
    state: z.string().describe('one of the order states (see OrderStatus.state)'),
    reason: z.string().nullable(),
    missingSkus: z.array(z.string()),
    documentType: z.number().int().nullable(),
    folio: z.string().nullable(),
    total: z.number().nullable(),
    workflowId: z.string(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'OrderSummary' });
export type OrderSummary = z.infer<typeof OrderSummary>;

export const OrdersAnswer = z.object({ store: StoreCode, states: z.array(OrderState), orders: z.array(OrderSummary) });
export type OrdersAnswer = z.infer<typeof OrdersAnswer>;

/** A credit note (or the factura replacing a boleta) as the order workflow reports it. */
export const CreditNoteSummary = z
  .object({
    label: z.string(),
    folio: z.string().nullable(),
    total: z.number().nullable(),
    relbaseDocumentId: z.string(),
    pdfUrl: z.string().nullable(),
  })
  .meta({ id: 'CreditNoteSummary' });

/** The order workflow's `state` query, and the answer of its retry and resolve updates. */
export const OrderStatus = z
  .object({
    storeCode: StoreCode,
    orderId: z.string(),
    state: OrderState,
    reason: z.string().nullable().describe('why the order waits or how it ended'),
    missingSkus: z.array(z.string()),
    documentType: z.number().int().nullable(),
    folio: z.string().nullable(),
    relbaseDocumentId: z.string().nullable(),
    pdfUrl: z.string().nullable(),
    total: z.number().nullable(),
    creditNotes: z.array(CreditNoteSummary),
    siiStatus: z.string().nullable(),
    eventsReceived: z.number().int(),
    history: z.array(z.object({ at: z.string(), state: OrderState, reason: z.string().nullable() })),
  })
  .meta({ id: 'OrderStatus' });
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderWorkflowInfo = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.string().describe('the Temporal execution status, e.g. RUNNING, COMPLETED'),
  startTime: Timestamp,
  closeTime: Timestamp.nullable(),
  memo: z.record(z.string(), z.unknown()).nullable(),
});
export type OrderWorkflowInfo = z.infer<typeof OrderWorkflowInfo>;

export const OrderDocumentInfo = z.object({
  label: z.string(),
  state: z.string().describe('`intent`, `create_sent` or `issued`'),
  typeDocument: z.number().int(),
  folio: z.string().nullable(),
  relbaseId: z.string().nullable(),
  total: z.number().nullable(),
  pdfUrl: z.string().nullable(),
  issuedAt: Timestamp.nullable(),
  createsSent: z.number().int(),
  lastCreateSentAt: Timestamp.nullable(),
});

export const OrderCreditNote = z.object({
  label: z.string(),
  referenceLabel: z.string().describe('the label of the document it corrects'),
  reasonCode: z.number().int().describe('CodRef: 1 anula documento, 2 corrige texto, 3 corrige montos'),
  state: z.string(),
  relbaseId: z.string().nullable(),
  folio: z.string().nullable(),
  total: z.number().nullable(),
  pdfUrl: z.string().nullable(),
});

export const ReplacementFactura = z.object({
  label: z.string(),
  state: z.string(),
  folio: z.string().nullable(),
  relbaseId: z.string().nullable(),
  total: z.number().nullable(),
  pdfUrl: z.string().nullable(),
});

export const OrderAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  workflow: OrderWorkflowInfo.nullable(),
  state: OrderStatus.nullable().describe("the workflow's state query; null when it did not answer (see queryError)"),
  queryError: z.string().nullable(),
  readModel: OrderSummary.nullable(),
  document: OrderDocumentInfo.nullable(),
  creditNotes: z.array(OrderCreditNote),
  factura: ReplacementFactura.nullable().describe('the factura that replaced the boleta (boleta → factura), if any'),
});
export type OrderAnswer = z.infer<typeof OrderAnswer>;

export const RetryPendingAnswer = z.object({
  store: StoreCode,
  signalled: z.array(z.string()),
  skipped: z.array(z.object({ orderId: z.string(), reason: z.string() })),
});
export type RetryPendingAnswer = z.infer<typeof RetryPendingAnswer>;

/** Retry and resolve: the order's state after it planned again, or null with a note when that took too long. */
const UpdateOutcome = {
  accepted: z.literal(true),
  state: OrderStatus.nullable(),
  note: z.string().optional(),
};

export const RetryAnswer = z.object({ store: StoreCode, orderId: z.string(), retried: z.literal(true), ...UpdateOutcome });
export type RetryAnswer = z.infer<typeof RetryAnswer>;

export const ResolveAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  resolved: z.literal(true),
  resolve: z
    .object({
      receiver: z.object({ rut: z.string(), razonSocial: z.string(), giro: z.string() }).optional(),
      documentType: z.union([z.literal(39), z.literal(33), z.literal(1001)]).optional(),
      note: z.string().optional(),
    })
    .describe('what was sent to the workflow: the RUT normalised, a document name as its number'),
  ...UpdateOutcome,
});
export type ResolveAnswer = z.infer<typeof ResolveAnswer>;

/** Retry and resolve answer alike (the CLI prints them the same way). */
export type UpdateAnswer = RetryAnswer | ResolveAnswer;

export const ReturnIssuedAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  accepted: z.literal(true),
  returnId: z.string(),
  creditNote: CreditNoteSummary,
  alreadyExisted: z.boolean().describe('the same return id was issued before: nothing new was made'),
});
export const ReturnPendingAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  returnId: z.string(),
  accepted: z.literal(true),
  creditNote: z.null(),
  note: z.string(),
});
export type ReturnAnswer = z.infer<typeof ReturnIssuedAnswer> | z.infer<typeof ReturnPendingAnswer>;

export const FacturaIssuedAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  accepted: z.literal(true),
  creditNote: CreditNoteSummary.describe('the 61 annulling the boleta'),
  factura: CreditNoteSummary.describe('the 33 replacing it'),
  alreadyExisted: z.boolean(),
});
export const FacturaPendingAnswer = z.object({
  store: StoreCode,
  orderId: z.string(),
  accepted: z.literal(true),
  creditNote: z.null(),
  factura: z.null(),
  note: z.string(),
});
export type FacturaAnswer = z.infer<typeof FacturaIssuedAnswer> | z.infer<typeof FacturaPendingAnswer>;

// Workflows started from the admin API: started now (201; 202 through a schedule) or already running (200)

const Started = { store: StoreCode, workflowId: z.string(), runId: z.string(), started: z.literal(true) };
const AlreadyRunning = { store: StoreCode, workflowId: z.string(), started: z.literal(false), message: z.string() };

export const CatalogSyncStarted = z.object(Started);
export const CatalogSyncAlreadyRunning = z.object({ ...AlreadyRunning, runId: z.string() });
export type CatalogSyncStartAnswer = z.infer<typeof CatalogSyncStarted> | z.infer<typeof CatalogSyncAlreadyRunning>;

export const CatalogSyncStatus = z.object({
  store: StoreCode,
  workflowId: z.string(),
  runId: z.string(),
  status: z.string().describe('the Temporal execution status, e.g. RUNNING, COMPLETED'),
  startTime: Timestamp,
  closeTime: Timestamp.nullable(),
  syncProgress: z.unknown().describe('the SyncProgress search attribute ("done/total"), or null'),
  progress: z.unknown().describe("the workflow's progress query (phase, page, counts, totalProducts), or null when it did not answer"),
  queryError: z.string().nullable(),
});
export type CatalogSyncStatus = z.infer<typeof CatalogSyncStatus>;

export const CatalogSyncCancelAnswer = z.object({ store: StoreCode, workflowId: z.string(), signalled: z.string() });
export type CatalogSyncCancelAnswer = z.infer<typeof CatalogSyncCancelAnswer>;

export const CatalogSyncReport = z.object({
  store: StoreCode,
  workflowId: z.string(),
  status: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  report: z.unknown().describe("the sync's report: counts, failures and conflicts"),
});
export type CatalogSyncReport = z.infer<typeof CatalogSyncReport>;

export const StockRefreshTriggered = z.object({ store: StoreCode, scheduleId: z.string(), started: z.literal(true), message: z.string() });
export const StockRefreshStarted = z.object(Started);
export const StockRefreshAlreadyRunning = z.object(AlreadyRunning);
export type StockRefreshAnswer = z.infer<typeof StockRefreshTriggered> | z.infer<typeof StockRefreshStarted> | z.infer<typeof StockRefreshAlreadyRunning>;

export const OrderReconcileTriggered = z.object({ store: StoreCode, scheduleId: z.string(), started: z.literal(true), message: z.string() });
export const OrderReconcileStarted = z.object(Started);
export const OrderReconcileAlreadyRunning = z.object(AlreadyRunning);
export type OrderReconcileAnswer = z.infer<typeof OrderReconcileTriggered> | z.infer<typeof OrderReconcileStarted> | z.infer<typeof OrderReconcileAlreadyRunning>;

export const OrderReconcileReport = z.object({
  store: StoreCode,
  workflowId: z.string(),
  status: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  nextRunAt: Timestamp.nullable().describe('the next scheduled run; null without a schedule'),
  report: z.record(z.string(), z.unknown()).describe('window, hooks, counts, failures and the orders dispatched'),
});
export type OrderReconcileReport = z.infer<typeof OrderReconcileReport>;

// Webhook deliveries and the audit log

export const DeliveriesAnswer = z.object({
  store: StoreCode,
  statuses: z.array(z.string()),
  deliveries: z.array(
    z.object({
      id: z.string(),
      event: z.string(),
      resourceId: z.string().nullable(),
      status: z.string(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      receivedAt: Timestamp,
      dispatchedAt: Timestamp.nullable(),
      nextAttemptAt: Timestamp.nullable(),
    }),
  ),
});
export type DeliveriesAnswer = z.infer<typeof DeliveriesAnswer>;

export const RequeueAnswer = z.object({ store: StoreCode, requeued: z.array(z.string()) });
export type RequeueAnswer = z.infer<typeof RequeueAnswer>;

export const AuditAnswer = z.object({
  entries: z.array(
    z.object({
      at: Timestamp,
      actor: z.string(),
      action: z.string().describe('method and route, e.g. `POST /admin/stores/:code/orders/:id/resolve`'),
      store: z.string().nullable(),
      subject: z.string().nullable(),
      outcome: z.string().describe('`ok`, `refused` (4xx) or `failed` (5xx)'),
      status: z.number().int(),
      requestId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type AuditAnswer = z.infer<typeof AuditAnswer>;

/** `GET /admin/openapi.json`: the OpenAPI 3.1 document of these routes (described, not restated). */
export const OpenApiDocument = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()).optional(),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;

/**
 * The shapes other modules define and these schemas document: each schema must name exactly the
 * fields of its contract type, so a field added to a workflow's answer fails the type check here
 * until the document says it too.
 */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/** What the admin API adds around a workflow update's answer. */
type AnswerAbout = { store: string; orderId: string; accepted: true };
export type SchemasMatchContracts = [
  SameKeys<OrderStatusContract, OrderStatus>,
  SameKeys<CreditNoteSummaryContract, z.infer<typeof CreditNoteSummary>>,
  SameKeys<CreditNoteRecord, z.infer<typeof OrderCreditNote>>,
  SameKeys<InstallReport & Omit<z.infer<typeof InstallRunning>, 'message'>, z.infer<typeof InstallDone>>,
  SameKeys<ReturnAnswerContract & AnswerAbout, z.infer<typeof ReturnIssuedAnswer>>,
  SameKeys<InvoiceAnswerContract & AnswerAbout, z.infer<typeof FacturaIssuedAnswer>>,
] extends true[]
  ? true
  : never;
const _schemasMatchContracts: SchemasMatchContracts = true;
