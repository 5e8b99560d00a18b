/**
 * Issuing a relBase document as steps the workflow runs one by one, each one thing and at most one
 * HTTP call, so every step shows in the run's history and the workflow (not a loop in here) decides
 * what comes next:
 *
 * - `beginIssue` (database): the intent for the document's label, and what is known about it.
 * - `findDocumentByLabel` (relBase): one page of the search by label, exact matches only.
 * - `prepareCreate` (database): a token for one create, valid until a deadline.
 * - `sendCreate` (relBase, one attempt): claims the token in PostgreSQL right before the POST is sent
 *   (after any wait in the rate limiter), then sends exactly one `POST /dtes`, and says what became of
 *   it instead of throwing where the workflow must decide: created, refused, unknown, or not sent.
 * - `recordIssued` (database).
 *
 * The labels and kinds let credit notes (JS-{order}-NC1, `creditOf` set) take the same steps.
 */
import {
  beginIssue,
  claimCreate,
  DocumentConflictError,
  findIssuedDocument,
  intentOf,
  prepareCreate,
  recordCreateEnded,
  recordCreateRefused,
  recordIssued,
  type DocumentKind,
  type IssuedRecord,
  type IssueIntent,
} from '../db/documents-repository.js';
import { findReplacement } from '../db/returns-repository.js';
import { Context } from '@temporalio/activity';
import type { DocumentAmounts } from '../domain/document-amounts.js';
import { checkIssuedAmounts } from '../domain/issued-check.js';
import { isApiError } from '../http/api-errors.js';
import type { DocumentLineRequest, DocumentReference, DocumentRequest } from '../relbase/document-request.js';
import type { Document as RelbaseDocument } from '../relbase/schemas.js';
import type { StoreSettings } from '../stores/settings.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure, RELBASE_403_ATTEMPTS_SINGLE_CALL } from './failures.js';
import { countAmountMismatch } from '../workflows/order/amount-mismatch-metric.js';

export type { IssuedRecord, IssueIntent } from '../db/documents-repository.js';

/** How long a create's token is valid after `prepareCreate`: time to wait in the queue and the limiter, then the call. */
export const CREATE_CLAIM_WINDOW_MS = 90_000;
/** The create's HTTP timeout. A claim needs the deadline at least this far away, so the call ends before it. */
export const CREATE_CALL_TIMEOUT_MS = 15_000;

/** The document's identity and content, as the workflow planned it. */
export interface DocumentToIssue {
  storeCode: string;
  orderId: string;
  /** `label_value` in relBase: our only handle to find the document again. */
  label: string;
  kind: DocumentKind;
  typeDocument: 39 | 33 | 1001 | 61;
  typeDocumentSii: 39 | 33 | null;
  customerId: number | null;
  lines: DocumentLineRequest[];
  expectedTotal: number;
  /** Only on a credit note (61): what it corrects. Absent on documents (and in inputs recorded before credit notes). */
  creditOf?: CreditOf | null;
  /** Only on a factura that replaces the order's boleta (kind 'replacement'): the boleta's label. */
  replaces?: string;
  /** Set by plans since issue 15; absent ones keep the old request (gross prices, today, the store's one payment type). */
  mntBruto?: boolean;
  /** yyyy-mm-dd: the day of payment in Chile. */
  date?: string;
  paymentTypeId?: number | null;
  /** The header amounts relBase should report; without them only the total is compared. */
  expected?: DocumentAmounts;
}

/** What a credit note corrects: the document's label (our row) and the reference relBase gets. */
export interface CreditOf {
  referenceLabel: string;
  reference: DocumentReference;
  /** As the corrected document was sent, so the note undoes its amounts to the peso. */
  mntBruto: boolean;
  /** The corrected document's warehouse (its units go back there); null: the store's. */
  warehouseId?: number | null;
}

/** What became of one create. */
export type CreateOutcome =
  | { outcome: 'created'; document: IssuedRecord }
  /**
   * relBase made the document but its amounts differ from the plan's (`amountsDiffer` says how): it
   * exists and is recorded, but the order needs a person, never "issued".
   */
  | { outcome: 'created'; document: IssuedRecord; amountsDiffer: string }
  /** The token had been replaced or its deadline was too near when the create was about to go: nothing was sent. */
  | { outcome: 'not_sent'; reason: string }
  /** relBase answered 4xx, so it made nothing. Throttling (403/429) is worth another try later; anything else is not. */
  | { outcome: 'refused'; throttled: boolean; status: number; message: string }
  /** Timeout, network failure, 5xx, an unreadable 2xx: relBase may have made the document. */
  | { outcome: 'unknown'; reason: string };

/** Thrown by the claim inside the client's `beforeSend`: stops the send. */
class CreateNotClaimed extends Error {
  override name = 'CreateNotClaimed';
}

/** The document date as relBase expects it, in the merchant's time zone. */
export function chileDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(at);
}

export function issuedOf(d: RelbaseDocument): IssuedRecord {
  return {
    relbaseId: String(d.id),
    folio: d.folio == null ? null : String(d.folio),
    total: d.amount_total ?? null,
    pdfUrl: d.pdf_file?.url ?? null,
    typeDocument: d.type_document,
  };
}

/** The relBase request for a planned document; the union type keeps 33 with a customer and 1001 with its tax type. */
export function documentRequest(
  input: Pick<DocumentToIssue, 'orderId' | 'label' | 'typeDocument' | 'typeDocumentSii' | 'customerId' | 'lines' | 'creditOf' | 'mntBruto' | 'date' | 'paymentTypeId'>,
  settings: StoreSettings,
  today: string,
): DocumentRequest {
  const warehouseId = input.creditOf?.warehouseId ?? settings.warehouseId;
  if (warehouseId === null) {
    throw permanentFailure('the store has no relBase warehouse configured (setting warehouseId, or RELBASE_WAREHOUSE_ID)', FAILURE_TYPES.storeNotConfigured);
  }
  const paymentTypeId = input.paymentTypeId === undefined ? settings.paymentTypeId : input.paymentTypeId;
  const date = input.date ?? today;
  const common = {
    ware_house_id: warehouseId,
    ...(settings.channelId ? { channel_id: settings.channelId } : {}),
    ...(paymentTypeId ? { type_payment_id: paymentTypeId } : {}),
    start_date: date,
    end_date: date,
    mnt_bruto: input.creditOf?.mntBruto ?? input.mntBruto ?? true,
    label_value: input.label,
    comment: `Jumpseller order ${input.orderId}`,
    products: input.lines,
  };
  const customer = input.customerId ? { customer_id: input.customerId } : {};
  switch (input.typeDocument) {
    case 39:
      return { ...common, ...customer, type_document: 39 };
    case 1001:
      return { ...common, ...customer, type_document: 1001, type_document_sii: input.typeDocumentSii ?? 39 };
    case 33:
      if (!input.customerId) throw permanentFailure('a factura needs a relBase customer', FAILURE_TYPES.missingFiscalData);
      return { ...common, type_document: 33, customer_id: input.customerId };
    case 61:
      if (!input.creditOf) throw permanentFailure('a nota de crédito needs the document it corrects', FAILURE_TYPES.documentRefused);
      return { ...common, ...customer, type_document: 61, references: [input.creditOf.reference] };
  }
}

/** The outcome of a create that failed after it was claimed (so it may have been sent). */
function outcomeOfFailedCreate(err: unknown): Extract<CreateOutcome, { outcome: 'refused' | 'unknown' }> {
  if (isApiError(err) && err.status !== undefined && err.status >= 400 && err.status < 500) {
    return { outcome: 'refused', throttled: err.status === 403 || err.status === 429, status: err.status, message: err.message };
  }
  return { outcome: 'unknown', reason: err instanceof Error ? err.message : String(err) };
}

function asPermanent(err: unknown): never {
  if (err instanceof DocumentConflictError) throw permanentFailure(err.message, FAILURE_TYPES.documentConflict);
  throw err;
}

export function createIssuingActivities(deps: ActivityDeps) {
  return {
    /** The order's issued document, if the `documents` table has one (a new run checks first); a factura that replaced its boleta comes first. */
    async findIssuedDocument(input: { storeCode: string; orderId: string }): Promise<IssuedRecord | null> {
      const replacement = await findReplacement(deps.db, input.storeCode, input.orderId);
      if (replacement?.state === 'issued' && replacement.relbase_id) return intentOf(replacement).issued;
      return (await findIssuedDocument(deps.db, input.storeCode, input.orderId)) ?? null;
    },

    async beginIssue(input: {
      storeCode: string;
      orderId: string;
      label: string;
      kind: DocumentKind;
      typeDocument: number;
      referenceLabel?: string | null;
      reasonCode?: number | null;
    }): Promise<IssueIntent> {
      return beginIssue(deps.db, input).catch(asPermanent);
    },

    /** One page of relBase's search for the label; documents of any type count (a nota de venta may have become a boleta). */
    async findDocumentByLabel(input: { storeCode: string; label: string; page: number }): Promise<{ matches: IssuedRecord[]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(
        async () => {
          const found = await store.relbase.findDocumentsByLabelPage(input.label, input.page, { singleAttempt: true });
          return { matches: found.matches.map(issuedOf), nextPage: found.nextPage };
        },
        { relbase403Attempts: RELBASE_403_ATTEMPTS_SINGLE_CALL },
      );
    },

    /** A token for one create, or null when a create was claimed since the caller read the intent. */
    async prepareCreate(input: { storeCode: string; label: string; expectedCreatesSent: number }): Promise<{ token: string; deadline: string } | null> {
      return prepareCreate(deps.db, { ...input, windowMs: CREATE_CLAIM_WINDOW_MS });
    },

    /**
     * One `POST /dtes`, sent only if the token is still the current one and its deadline far enough
     * away when the request is about to leave (it may have waited in the queue or the limiter). No
     * transaction or lock is held across the call. Run with `maximumAttempts: 1`: a failure of this
     * activity itself means the outcome is unknown.
     */
    async sendCreate(input: DocumentToIssue & { token: string }): Promise<CreateOutcome> {
      const store = await requireStore(deps, input.storeCode);
      const body = documentRequest(input, store.settings, chileDate(new Date()));
      let claimed: number | null = null;
      try {
        const created = await store.relbase.createDocument(body, {
          singleAttempt: true,
          timeoutMs: CREATE_CALL_TIMEOUT_MS,
          beforeSend: async () => {
            const claim = await claimCreate(deps.db, { storeCode: input.storeCode, label: input.label, token: input.token, callTimeoutMs: CREATE_CALL_TIMEOUT_MS });
            if (!claim.claimed) throw new CreateNotClaimed();
            claimed = claim.createsSent;
          },
        });
        const document = issuedOf(created);
        // A plan recorded before issue 15 knows only its total: compare that alone.
        const check = input.expected
          ? checkIssuedAmounts(
              { amount_total: created.amount_total, amount_neto: created.amount_neto, amount_iva: created.amount_iva, amount_exempt: created.amount_exempt },
              input.expected,
            )
          : checkIssuedAmounts({ amount_total: created.amount_total }, { total: input.expectedTotal, neto: 0, iva: 0, exempt: 0 });
        if (!check.matches) {
          countAmountMismatch(
            Context.current().metricMeter,
            input.storeCode,
            check.differences.map((d) => d.field),
          );
          deps.logger.warn({ orderId: input.orderId, label: input.label, differences: check.differences }, 'relBase document amounts differ from the plan');
          return { outcome: 'created', document, amountsDiffer: check.reason };
        }
        return { outcome: 'created', document };
      } catch (err) {
        if (err instanceof CreateNotClaimed) {
          return { outcome: 'not_sent', reason: 'its right to send had expired or passed to a newer attempt when it was about to go' };
        }
        // Failed before the claim answered: nothing was sent, unless the claim committed and its
        // answer was lost; the activity fails, and the workflow counts that as unknown.
        if (claimed === null) throw err;
        const outcome = outcomeOfFailedCreate(err);
        const row = { storeCode: input.storeCode, label: input.label, createsSent: claimed };
        if (outcome.outcome === 'refused') await recordCreateRefused(deps.db, row);
        else await recordCreateEnded(deps.db, row);
        deps.logger.warn(
          { orderId: input.orderId, label: input.label, outcome: outcome.outcome, reason: outcome.outcome === 'refused' ? outcome.message : outcome.reason },
          'relBase document create did not answer with a document',
        );
        return outcome;
      }
    },

    async recordIssued(input: { storeCode: string; label: string; document: IssuedRecord }): Promise<void> {
      await recordIssued(deps.db, { storeCode: input.storeCode, label: input.label, ...input.document }).catch(asPermanent);
    },
  };
}
