/**
 * One durable workflow per Jumpseller order: waits for payment, plans the document, waits for
 * products to be linked or for an operator when it must, and issues exactly one relBase document.
 *
 * Webhooks are only hints: every `orderEvent` makes the workflow re-read the order from Jumpseller,
 * so duplicated, late and reordered deliveries cannot mislead it. The plan is an activity
 * (order-planning.ts) whose recorded result the workflow acts on, and issuing is a loop of
 * single-call activities (issue-document.ts). Every wait has a reason that the `state` query, the
 * search attributes and the `orders` read model show.
 *
 * After issuing, the run keeps listening for a cancellation for WATCH_AFTER_ISSUE (continuing as new
 * when its history grows); a canceled order's document is annulled by a credit note (credit-note.ts).
 * A cancellation later than that reaches a new run: the dispatcher starts one for a cancellation
 * webhook of an issued order, and that run (step 0) reads the order and credits it.
 *
 * In the same phase the run follows the document's SII status in relBase (`sii_status`) with durable
 * timers, one read per look, at doubling intervals for up to 3 days (domain/sii-status.ts), staying
 * open past the cancellation window while it does. The SiiStatus search attribute, the memo and the
 * `state` query show it; a rejection (or a cancellation in relBase) makes the order needs-attention
 * with relBase's reason, and an operator's retry looks again. A cancellation wakes the run at once,
 * between looks, so a credit note never waits for one.
 *
 * Versioning: runs recorded by the code before single-call issuing replay through
 * legacy-document-step.ts and the old productsSynced rule (`patched` is false while replaying them)
 * and take the current code at their next new decision; runs recorded before credit notes end at
 * issuing as they did. test/unit/workflows/order-replay.test.ts replays such runs.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { IssuedRecord, IssuingSettings, OrderDocumentPlan, OrderSnapshot, SiiStatusRead } from '../../activities/order-activities.js';
import { isPaid, parseOrderStatus } from '../../domain/order-status.js';
import { nextSiiCheckAt, siiReasonText, siiVerdictOf } from '../../domain/sii-status.js';
import { databaseActivities, jumpsellerActivities, relbaseActivities } from '../activity-proxies.js';
import {
  databaseProfile,
  issueDocumentProfile,
  jumpsellerApiProfile,
  relbaseApiProfile,
  relbaseCreateProfile,
  relbaseSingleCallProfile,
  relbaseStatusReadProfile,
} from '../activity-profiles.js';
import { CreditNoteFolios, DocumentFolio, DocumentType, MissingSkus, OrderNumber, OrderState as OrderStateAttr, SiiStatus, StoreCode } from '../search-attributes.js';
import {
  ORDER_RETURN_REFUSED,
  ORDER_UPDATE_REFUSED,
  orderEventSignal,
  orderLabelValue,
  orderStatusQuery,
  productsSyncedSignal,
  resolveSignal,
  resolveUpdate,
  retrySignal,
  retryUpdate,
  returnUpdate,
  invoiceUpdate,
  WAITING_STATES,
  type CreditNoteSummary,
  type OrderState,
  type OrderStatus,
  type OrderWorkflowInput,
  type ResolveSignal,
  type InvoiceAnswer,
  type InvoiceRequest,
  type ReturnAnswer,
  type ReturnRequest,
  type SiiFollowUp,
} from './contracts.js';
import { annulDocument } from './credit-note.js';
import { turnIntoFactura } from './invoice.js';
import { issueReturn } from './returns.js';
import { findProductByCode, issueDocument } from './issue-document.js';
import { permanentFailureOf } from '../failures.js';
import { legacyDocumentStep } from './legacy-document-step.js';

/** How long an unpaid order is watched before the workflow closes (Jumpseller abandons it long before). */
const PAYMENT_WAIT = '90 days';
/** When a paid webhook arrived but the API still says otherwise, re-read after this long. */
const PAID_HINT_RECHECK = '20 seconds';
const PAID_HINT_RECHECKS = 3;
const HISTORY_LIMIT = 20;
/**
 * How long an issued order's run keeps listening for a cancellation. Most cancellations of a paid
 * order come within hours (stock-outs, customer changes of mind), and this covers a cancellation
 * racing with the issue itself; a later one starts a new run through the dispatcher, so the window
 * only bounds how many runs stay open (one per order issued in the last day), not what is credited.
 */
const WATCH_AFTER_ISSUE_MS = 24 * 60 * 60 * 1000;
/** A waiting run continues as new past this many history events (or when Temporal suggests it). */
const CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

/** Patches: a run recorded before each change replays the old behaviour (see the file comment). */
const PATCH_DOCUMENTS_FIRST = 'order-checks-documents-first';
const PATCH_ISSUING_STEPS = 'order-issuing-steps';
const PATCH_PRODUCTS_SYNCED_WAKES = 'order-products-synced-always-wakes';
const PATCH_CREDIT_ON_CANCEL = 'order-credit-note-on-cancel';
const PATCH_SII_STATUS = 'order-sii-status-follow-up';
/** Marks the runs that served an operator's return (returnUpdate): its activities come only with an update. */
const PATCH_RETURNS = 'order-returns';
/** Marks the runs that turned the order's boleta into a factura (invoiceUpdate). */
const PATCH_INVOICE = 'order-boleta-to-factura';
/** A run continued as new after an SII rejection starts in needs_attention, not in issued for a moment. */
const PATCH_SII_ATTENTION_CARRIED = 'order-sii-attention-carried';
/**
 * A run continued as new after issuing reads the order when a webhook reached it before it began to
 * listen (it came in its first task, or while it showed its state): that webhook may be the cancellation.
 */
const PATCH_CARRIED_EARLY_WAKE_READS = 'order-carried-early-wake-reads';
/**
 * The first document pass counts wake-ups from before the read that found the order paid: a webhook
 * that came during that read (it may be the cancellation) is read for, not absorbed.
 */
const PATCH_PAID_READ_BASELINE = 'order-paid-read-baseline';
/**
 * A listening run that waits for an operator's return to finish before continuing as new looks again
 * after the wait: a webhook that came meanwhile (the cancellation) is read for, not handed over unread.
 */
const PATCH_LISTEN_CAN_RECHECK = 'order-listen-continue-recheck';
/**
 * Waiting for running update handlers (a return, a boleta → factura) before ending or handing over
 * also ends at a wake-up: an operator's retry or resolve accepted meanwhile waits for a plan that only
 * the waiting code makes, so waiting for it to finish too never ended.
 */
const PATCH_HANDLERS_WAIT_WAKES = 'order-handlers-wait-wakes';
/**
 * A read of the order that succeeds after Jumpseller refused it answers the operator's retry that
 * waits for it, and the listening run shows `issued` again: before, a retry sent while the order
 * waited for payment or listened after issuing was never answered (only a plan answered it).
 */
const PATCH_RECOVERED_READ_ANSWERS = 'order-recovered-read-answers';
/** The most lines a return may have: a 61 holds at most 60 (chile-dte.md B5). */
const RETURN_MAX_LINES = 60;
/** The first look at the SII status in plans recorded before the store setting existed. */
const SII_FIRST_CHECK_DEFAULT_SECONDS = 300;
/** The relBase type of a nota de venta: internal, never sent to the SII, so nothing to follow. */
const NOTA_DE_VENTA = 1001;

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderStatus> {
  const { storeCode, orderId, carried } = input;
  const continueAsNewAfter = input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS;
  const db = databaseActivities(databaseProfile);
  const jumpseller = jumpsellerActivities(storeCode, jumpsellerApiProfile(storeCode));
  const lookups = relbaseActivities(storeCode, relbaseSingleCallProfile(storeCode));
  const creates = relbaseActivities(storeCode, relbaseCreateProfile(storeCode));
  const statusReads = relbaseActivities(storeCode, relbaseStatusReadProfile(storeCode));
  const label = orderLabelValue(orderId);

  const status: OrderStatus = {
    storeCode,
    orderId,
    state: 'checking',
    reason: null,
    missingSkus: [],
    documentType: null,
    folio: null,
    relbaseDocumentId: null,
    pdfUrl: null,
    total: null,
    creditNotes: [],
    siiStatus: null,
    eventsReceived: carried?.eventsReceived ?? 0,
    history: carried ? [...carried.history] : [],
  };
  let lastEventSaidPaid = false;
  /** Bumped by anything that should make a waiting order look again. */
  let wakeUps = 0;
  /** Bumped each time the document was planned (and the order's state set from the plan), or the run ended. */
  let plans = 0;
  let override: ResolveSignal | undefined = carried?.override ?? undefined;
  /** The issuing settings of the plan that issued the document (for the SII status follow-up). */
  let issuedWith: IssuingSettings | null = null;

  setHandler(orderStatusQuery, () => status);
  setHandler(orderEventSignal, (e) => {
    status.eventsReceived++;
    if (e.statusEnum === 'paid') lastEventSaidPaid = true;
    wakeUps++;
  });
  setHandler(productsSyncedSignal, ({ skus }) => {
    // A sync can fix more than the SKUs it names (a needs-attention order, a SKU spelled differently):
    // a waiting order always plans again.
    if (patched(PATCH_PRODUCTS_SYNCED_WAKES)) {
      if (WAITING_STATES.includes(status.state)) wakeUps++;
    } else if (status.state === 'pending_products' && skus.some((s) => status.missingSkus.includes(s))) {
      wakeUps++;
    }
  });
  setHandler(retrySignal, () => {
    wakeUps++;
  });
  setHandler(resolveSignal, (r) => {
    override = r;
    wakeUps++;
  });

  /** Wakes the order and answers with its state once it has planned again (or ended). */
  async function planAgain(): Promise<OrderStatus> {
    const before = plans;
    wakeUps++;
    await condition(() => plans > before);
    return status;
  }
  /** Update validator: retry and resolve mean something only while the order waits for a person or products. */
  function refuseUnlessWaiting(action: string): void {
    if (!WAITING_STATES.includes(status.state)) {
      throw ApplicationFailure.nonRetryable(`order ${orderId} is ${status.state}${status.reason ? ` (${status.reason})` : ''}: nothing to ${action}`, ORDER_UPDATE_REFUSED);
    }
  }
  setHandler(retryUpdate, planAgain, { validator: () => refuseUnlessWaiting('retry') });
  setHandler(
    resolveUpdate,
    (r: ResolveSignal) => {
      override = r;
      return planAgain();
    },
    { validator: (_resolve: ResolveSignal) => refuseUnlessWaiting('resolve') },
  );
  // A return is served by whichever run holds the order (update-with-start starts one when none is
  // open), beside whatever the run is doing; the run does not end while it is being served.
  setHandler(
    returnUpdate,
    async (request: ReturnRequest): Promise<ReturnAnswer> => {
      patched(PATCH_RETURNS);
      const result = await issueReturn(
        { storeCode, orderId, db, lookups, creates, note: (reason) => Promise.resolve(upsertMemo({ returnNote: reason })) },
        { storeCode, orderId, returnId: request.returnId, lines: request.lines },
      );
      if (result.kind !== 'credited') {
        upsertMemo({ returnNote: undefined });
        throw ApplicationFailure.nonRetryable(result.reason, ORDER_RETURN_REFUSED);
      }
      showCreditNotes([...result.earlier, result.creditNote]);
      return { returnId: request.returnId, creditNote: result.creditNote, alreadyExisted: result.alreadyExisted };
    },
    { validator: validateReturn },
  );

  setHandler(
    invoiceUpdate,
    async (request: InvoiceRequest): Promise<InvoiceAnswer> => {
      patched(PATCH_INVOICE);
      const result = await turnIntoFactura({ storeCode, orderId, db, lookups, creates, note: (reason) => Promise.resolve(upsertMemo({ invoiceNote: reason })) }, request);
      upsertMemo({ invoiceNote: undefined });
      if (result.kind !== 'invoiced') throw ApplicationFailure.nonRetryable(result.reason, ORDER_RETURN_REFUSED);
      const { creditNote, factura } = result;
      showCreditNotes([creditNote]);
      if (status.relbaseDocumentId !== factura.relbaseDocumentId) {
        await enter(status.state, `boleta annulled by credit note ${creditNote.label} (folio ${creditNote.folio ?? '?'}) and replaced by factura ${factura.label}`, {
          documentType: 33,
          folio: factura.folio,
          relbaseDocumentId: factura.relbaseDocumentId,
          pdfUrl: factura.pdfUrl,
          total: factura.total,
        });
      }
      return { creditNote, factura, alreadyExisted: result.alreadyExisted };
    },
    { validator: validateInvoice },
  );

  /** The credit notes in the state, the search attribute and the memo: those already shown, then `notes` (by label). */
  function showCreditNotes(notes: CreditNoteSummary[]): void {
    const labels = new Set(notes.map((c) => c.label));
    status.creditNotes = [...status.creditNotes.filter((c) => !labels.has(c.label)), ...notes];
    upsertSearchAttributes([{ key: CreditNoteFolios, value: creditNoteFolios() }]);
    upsertMemo({ creditNoteFolios: creditNoteFolios(), returnNote: undefined });
  }

  async function enter(state: OrderState, reason: string | null, extra: Partial<OrderStatus> = {}): Promise<void> {
    Object.assign(status, extra, { state, reason });
    status.history.push({ at: new Date().toISOString(), state, reason });
    if (status.history.length > HISTORY_LIMIT) status.history.shift();
    upsertSearchAttributes([
      { key: StoreCode, value: storeCode },
      { key: OrderNumber, value: orderId },
      { key: OrderStateAttr, value: state },
      { key: MissingSkus, value: status.missingSkus },
      ...(status.documentType !== null ? [{ key: DocumentType, value: String(status.documentType) }] : []),
      ...(status.folio !== null ? [{ key: DocumentFolio, value: status.folio }] : []),
      ...(status.creditNotes.length > 0 ? [{ key: CreditNoteFolios, value: creditNoteFolios() }] : []),
      ...(status.siiStatus !== null ? [{ key: SiiStatus, value: status.siiStatus }] : []),
    ]);
    upsertMemo({
      summary: `${state}${reason ? `: ${reason}` : ''}`,
      ...(status.creditNotes.length > 0 ? { creditNoteFolios: creditNoteFolios() } : {}),
      ...(status.siiStatus !== null ? { siiStatus: status.siiStatus } : {}),
    });
    await db.recordOrderState({
      storeCode,
      orderId,
      orderNumber: orderId,
      state,
      reason,
      missingSkus: status.missingSkus,
      documentType: status.documentType,
      folio: status.folio,
      total: status.total,
      workflowId: workflowInfo().workflowId,
    });
  }

  function creditNoteFolios(): string[] {
    return status.creditNotes.map((c) => c.folio ?? c.label);
  }

  /** Ends the run in a final state; updates waiting for a new plan get this state. */
  async function finish(state: OrderState, reason: string | null, extra: Partial<OrderStatus> = {}): Promise<OrderStatus> {
    await enter(state, reason, extra);
    plans++;
    for (;;) {
      const seen = wakeUps;
      await handlersFinishedOrWakeUp(seen);
      if (allHandlersFinished()) return status;
      // A retry or resolve came while a return was served: it is answered with the state as it
      // stands; its wake-up stays counted, and a run that goes on (needs_attention) reads for it.
      plans++;
    }
  }

  /**
   * Waits until no update handler runs, or until a wake-up after `seen` (see PATCH_HANDLERS_WAIT_WAKES);
   * the caller looks at `wakeUps` again. Nothing is recorded when no handler runs.
   */
  async function handlersFinishedOrWakeUp(seen: number): Promise<void> {
    if (allHandlersFinished()) return;
    if (patched(PATCH_HANDLERS_WAIT_WAKES)) await condition(() => allHandlersFinished() || wakeUps !== seen);
    else await condition(allHandlersFinished);
  }

  function issuedExtra(document: IssuedRecord, total: number | null): Partial<OrderStatus> {
    return { folio: document.folio, relbaseDocumentId: document.relbaseId, pdfUrl: document.pdfUrl, total: document.total ?? total, documentType: document.typeDocument };
  }

  /** The wake-ups counted before the last attempt to read the order (after any wait for a retry). */
  let lastReadSeen = 0;
  /** The last read succeeded after Jumpseller had refused it (the order showed needs_attention meanwhile). */
  let readRecovered = false;

  /** The last read recovered from a refusal: the retry that caused it waits for an answer (see PATCH_RECOVERED_READ_ANSWERS). */
  function recoveredReadAwaitsAnswer(): boolean {
    return readRecovered && patched(PATCH_RECOVERED_READ_ANSWERS);
  }

  /** Waits for the next wake-up after `seen`, or until the timeout; true when woken. */
  async function waitForWakeUp(seen: number, timeout?: string): Promise<boolean> {
    return timeout === undefined ? (await condition(() => wakeUps > seen), true) : condition(() => wakeUps > seen, timeout);
  }

  /**
   * Reads the order; when Jumpseller refuses for good (not found, credentials revoked) the order
   * waits for an operator's retry instead of failing the workflow, so it is never lost.
   */
  async function readOrder(): Promise<OrderSnapshot> {
    for (let refused = false; ; refused = true) {
      const seen = wakeUps;
      lastReadSeen = seen;
      try {
        const order = await jumpseller.fetchOrder({ storeCode, orderId });
        readRecovered = refused;
        return order;
      } catch (err) {
        const failure = permanentFailureOf(err);
        if (!failure) throw err;
        await enter('needs_attention', `Jumpseller refused to give the order: ${failure.message}; send retry when fixed`);
        plans++;
        await waitForWakeUp(seen);
      }
    }
  }

  // 0. An order whose document an earlier run issued (a webhook after the run closed) ends at once.
  if (patched(PATCH_DOCUMENTS_FIRST)) {
    const issued = await db.findIssuedDocument({ storeCode, orderId });
    if (issued) {
      if (!patched(PATCH_CREDIT_ON_CANCEL)) return finish('issued', 'the document was issued by an earlier run of this order', issuedExtra(issued, null));
      // Started by a cancellation webhook (the dispatcher starts nothing else for an issued order),
      // or continued as new while listening for one.
      const sii = carried?.sii ?? null;
      if (sii?.attention != null && patched(PATCH_SII_ATTENTION_CARRIED)) {
        // Continued as new while the SII's rejection waits for an operator: it still does (never
        // "issued" for a moment, which the read model, the lists and retry would believe).
        status.siiStatus = sii.status;
        await finish('needs_attention', sii.attention, issuedExtra(issued, null));
      } else {
        await finish('issued', 'the document was issued by an earlier run of this order', issuedExtra(issued, null));
        if (sii) {
          // Continued as new while following the SII status: show where it stood.
          status.siiStatus = sii.status;
          if (sii.attention !== null) await enter('needs_attention', sii.attention);
        }
      }
      // A run started by a webhook reads the order at once; one continued as new reads it when a
      // webhook came before it listens (counted in wakeUps since the run began, none carried over).
      const readFirst = !carried?.watchUntil || (wakeUps > 0 && patched(PATCH_CARRIED_EARLY_WAKE_READS));
      return afterIssue(carried?.watchUntil ? Date.parse(carried.watchUntil) : null, readFirst, sii);
    }
  }

  await enter('checking', 'reading the order from Jumpseller');

  // 1. Payment. The API decides, not the payload.
  let order: OrderSnapshot;
  let paidHintRechecks = 0;
  for (;;) {
    const seen = wakeUps;
    order = await readOrder();
    status.total = order.total;
    const s = parseOrderStatus(order.statusEnum);
    if (s === 'canceled' || s === 'abandoned') {
      return finish(s, carried ? `the order was ${s} before its document was issued; no document is issued` : `the order was ${s} before payment; no document is issued`);
    }
    // A run that continued as new was paid; only a cancellation since can stop it.
    if (isPaid(order.statusEnum) || carried) break;
    if (lastEventSaidPaid && paidHintRechecks < PAID_HINT_RECHECKS) {
      // A paid webhook arrived but the API does not say so yet: look again shortly.
      paidHintRechecks++;
      await enter('awaiting_payment', `a paid webhook arrived but Jumpseller still says "${order.statusEnum}"; checking again`);
      if (recoveredReadAwaitsAnswer()) plans++;
      await waitForWakeUp(wakeUps, PAID_HINT_RECHECK);
      continue;
    }
    await enter('awaiting_payment', `Jumpseller says the order is "${order.statusEnum || 'unknown'}"; waiting for payment`);
    if (recoveredReadAwaitsAnswer()) plans++;
    if (!(await waitForWakeUp(seen, PAYMENT_WAIT))) return finish('expired', `no payment after ${PAYMENT_WAIT}; closed without a document`);
  }

  // 2. The document: plan, wait when it must, issue. Re-read the order on every pass after a wait.
  let firstPass = true;
  for (;;) {
    // The first pass follows the read that found the order paid: what came since that read is new.
    const seen = firstPass && patched(PATCH_PAID_READ_BASELINE) ? lastReadSeen : wakeUps;
    if (!firstPass) {
      order = await readOrder();
      const s = parseOrderStatus(order.statusEnum);
      if (s === 'canceled' || s === 'abandoned') return finish(s, `the order was ${s} before its document was issued; no document is issued`);
    }
    firstPass = false;
    if (patched(PATCH_ISSUING_STEPS)) {
      if (await documentStep(order)) {
        if (!patched(PATCH_CREDIT_ON_CANCEL)) return status;
        // A webhook that arrived while the document was being issued may have been the cancellation.
        return afterIssue(Date.now() + WATCH_AFTER_ISSUE_MS, wakeUps > seen, patched(PATCH_SII_STATUS) ? startSiiFollowUp() : null);
      }
    } else {
      const legacy = {
        storeCode,
        orderId,
        db,
        relbase: relbaseActivities(storeCode, relbaseApiProfile(storeCode)),
        issuer: relbaseActivities(storeCode, issueDocumentProfile(storeCode)),
        // Product activities run on the database queue too: the same proxy.
        products: db,
        enter,
      };
      const issued = await legacyDocumentStep(legacy, order, override);
      plans++;
      if (issued) {
        await condition(allHandlersFinished);
        return status;
      }
    }
    if (wakeUps === seen && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= continueAsNewAfter)) {
      // Nothing is pending (no wake-up since this pass began, so no update waits for a plan); one that
      // comes while a return is served is planned for first (waitForWakeUp returns at once).
      await handlersFinishedOrWakeUp(seen);
      // A run recorded before the patch waited for the handlers alone and hands over whatever came meanwhile.
      if (wakeUps === seen || !patched(PATCH_HANDLERS_WAIT_WAKES))
        await continueAsNew<typeof orderWorkflow>({
          storeCode,
          orderId,
          carried: { paid: true, override: override ?? null, eventsReceived: status.eventsReceived, history: status.history },
          continueAsNewAfterEvents: continueAsNewAfter,
        });
    }
    await waitForWakeUp(seen);
  }

  /**
   * The document is issued: listen for a cancellation until `watchUntil` (none: look once), reading
   * the order first when `readFirst`, and follow its SII status while `sii` says to. Ends in the
   * state it was in ('issued', or 'needs_attention' after a rejection), or credits the order.
   */
  async function afterIssue(watchUntil: number | null, readFirst: boolean, sii: SiiFollowUp | null): Promise<OrderStatus> {
    let read = readFirst;
    for (;;) {
      const seen = wakeUps;
      if (read) {
        const o = await readOrder();
        if (parseOrderStatus(o.statusEnum) === 'canceled') return creditCancellation();
        if (sii?.attention != null) {
          // An operator's retry (or any webhook) after a rejection: look at the status again, and
          // answer an update waiting for it.
          await checkSiiStatus(sii);
          plans++;
        } else if (recoveredReadAwaitsAnswer()) {
          await enter('issued', 'Jumpseller gives the order again; listening for a cancellation');
          plans++;
        }
      }
      if (sii && sii.nextAt !== null && sii.nextAt <= Date.now()) await checkSiiStatus(sii);
      const siiLeft = sii && sii.nextAt !== null ? Math.max(1, sii.nextAt - Date.now()) : null;
      const watchLeft = watchUntil === null ? 0 : watchUntil - Date.now();
      // Without a follow-up this is the cancellation window alone, as runs before it recorded.
      const left = siiLeft === null ? watchLeft : watchLeft <= 0 ? siiLeft : Math.min(watchLeft, siiLeft);
      if (left <= 0) {
        // A webhook that arrived while the order was read is read for too before the run ends, and
        // an operator's return being served is finished first.
        if (wakeUps === seen) {
          await handlersFinishedOrWakeUp(seen);
          if (wakeUps === seen) return status;
        }
        read = true;
        continue;
      }
      if (wakeUps === seen && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= continueAsNewAfter)) {
        await handlersFinishedOrWakeUp(seen);
        if (wakeUps !== seen && patched(PATCH_LISTEN_CAN_RECHECK)) {
          read = true;
          continue;
        }
        await continueAsNew<typeof orderWorkflow>({
          storeCode,
          orderId,
          carried: {
            paid: true,
            override: override ?? null,
            eventsReceived: status.eventsReceived,
            history: status.history,
            watchUntil: new Date(watchUntil!).toISOString(),
            ...(sii ? { sii } : {}),
          },
          continueAsNewAfterEvents: continueAsNewAfter,
        });
      }
      read = await waitForWakeUp(seen, `${left} milliseconds`);
    }
  }

  /** The follow-up of a document just issued; null for a nota de venta, which never goes to the SII. */
  function startSiiFollowUp(): SiiFollowUp | null {
    if (status.relbaseDocumentId === null || status.documentType === NOTA_DE_VENTA) return null;
    const firstMs = (issuedWith?.siiFirstCheckSeconds ?? SII_FIRST_CHECK_DEFAULT_SECONDS) * 1000;
    const now = Date.now();
    return { relbaseId: status.relbaseDocumentId, startedAt: now, firstMs, checks: 0, nextAt: nextSiiCheckAt(now, now, 0, firstMs), status: null, attention: null };
  }

  /** One look at the document's SII status in relBase; updates `sii`, the state and what shows it. */
  async function checkSiiStatus(sii: SiiFollowUp): Promise<void> {
    let read: SiiStatusRead;
    try {
      read = await statusReads.readSiiStatus({ storeCode, relbaseId: sii.relbaseId });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // An outage or a refusal: this look went unanswered; the next one comes on schedule.
      sii.checks++;
      sii.nextAt = sii.attention !== null ? sii.nextAt : nextSiiCheckAt(sii.startedAt, Date.now(), sii.checks, sii.firstMs);
      showSiiStatus(`the last look at the SII status failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
      return;
    }
    sii.checks++;
    sii.status = read.siiStatus;
    status.siiStatus = read.siiStatus;
    const verdict = siiVerdictOf(read.siiStatus);
    const folio = status.folio ?? sii.relbaseId;
    if (verdict === 'pending') {
      sii.nextAt = nextSiiCheckAt(sii.startedAt, Date.now(), sii.checks, sii.firstMs);
      showSiiStatus(sii.nextAt === null ? `no SII answer after following it for 3 days (relBase says ${read.siiStatus ?? 'nothing'}); check it in relBase` : null);
      return;
    }
    sii.nextAt = null;
    if (verdict === 'accepted') {
      const wasAttention = sii.attention !== null;
      sii.attention = null;
      if (wasAttention && status.state === 'needs_attention') await enter('issued', `the SII accepted document ${folio} (${read.siiStatus})`);
      else showSiiStatus(null);
      return;
    }
    sii.attention =
      verdict === 'rejected'
        ? `the SII rejected document ${folio}: ${siiReasonText(read.statusName, read.siiStatus)}; the order has no valid tax document: correct it in relBase (a new document), then send retry`
        : `relBase shows document ${folio} canceled (${read.siiStatus}) though the order is not: the order has no valid tax document; issue one in relBase, then send retry`;
    await enter('needs_attention', sii.attention);
  }

  /** Shows the SII status without a change of state: search attribute and memo. */
  function showSiiStatus(followUpNote: string | null): void {
    if (status.siiStatus !== null) upsertSearchAttributes([{ key: SiiStatus, value: status.siiStatus }]);
    // No note clears an earlier one (undefined empties a memo key).
    upsertMemo({ ...(status.siiStatus !== null ? { siiStatus: status.siiStatus } : {}), siiFollowUp: followUpNote ?? undefined });
  }

  /** Canceled after issuing: annul the document with a credit note, or say why it waits. */
  async function creditCancellation(): Promise<OrderStatus> {
    for (;;) {
      const seen = wakeUps;
      await enter('crediting', 'the order was canceled in Jumpseller after its document was issued; annulling the document with a credit note');
      const result = await annulDocument({ storeCode, orderId, db, lookups, creates, note: (reason) => enter('crediting', reason) });
      switch (result.kind) {
        case 'credited': {
          const { creditNote, label: creditLabel } = result;
          status.creditNotes = [
            ...status.creditNotes.filter((c) => c.label !== creditLabel),
            { label: creditLabel, folio: creditNote.folio, total: creditNote.total, relbaseDocumentId: creditNote.relbaseId, pdfUrl: creditNote.pdfUrl },
          ];
          return finish('credited', `canceled after issuing: credit note ${creditLabel} (folio ${creditNote.folio ?? '?'}) annuls the document`);
        }
        case 'off':
          return finish('issued', 'the order was canceled in Jumpseller after its document was issued; creditNoteOnCancel is off: credit it in relBase by hand');
        case 'no_document':
          await enter('needs_attention', 'the order was canceled after issuing, but no issued document is recorded for it; send retry when fixed');
          break;
        case 'needs_attention':
          await enter('needs_attention', result.reason);
          break;
      }
      plans++;
      await waitForWakeUp(seen);
    }
  }

  /** One pass: plan, then wait, hold or issue. True when the order ended issued. */
  async function documentStep(o: OrderSnapshot): Promise<boolean> {
    const plan = await planDocument(o);
    if (plan.kind === 'missing_products') {
      const shared = plan.contested && plan.contested.length > 0 ? `; ${plan.contested.join(', ')} is held by two Jumpseller products: give one of them another SKU` : '';
      await enter('pending_products', `waiting for ${plan.skus.length} product(s) to be linked to relBase: ${plan.skus.join(', ')}${shared}`, { missingSkus: [...plan.skus] });
      plans++;
      // Ask product sync for the missing products; it signals productsSynced once their links exist.
      const missing = new Set(plan.skus);
      const jsProductIds = [...new Set(o.lines.filter((l) => missing.has((l.sku ?? '').trim())).map((l) => l.jsProductId))];
      if (jsProductIds.length > 0) await db.requestProductSync({ storeCode, jsProductIds, reason: 'order_pending' });
      return false;
    }
    if (plan.kind !== 'ready') {
      await enter('needs_attention', plan.reason);
      plans++;
      return false;
    }
    const { document } = plan;
    issuedWith = plan.issuing;
    await enter('issuing', `issuing document ${label}`, { missingSkus: [], documentType: document.typeDocument });
    plans++;
    const result = await issueDocument(
      { storeCode, orderId, label, db, lookups, creates, note: (reason) => enter('issuing', reason) },
      document,
      plan.issuing,
      o.receiverAddress,
      o.receiverPlace ?? null,
    );
    if (result.kind === 'needs_attention') {
      await enter('needs_attention', result.reason);
      return false;
    }
    // Plans since issue 15 carry their notes (the fallback among them); older ones only the fallback.
    const reason = result.alreadyExisted
      ? 'the document already existed in relBase and was linked'
      : document.notes && document.notes.length > 0
        ? document.notes.join('; ')
        : document.fellBackReason
          ? `boleta instead of factura: ${document.fellBackReason}`
          : null;
    await finish('issued', reason, issuedExtra(result.document, document.total));
    return true;
  }

  /** The plan activity, looking up the shipping product in relBase when the plan asks for it first. */
  async function planDocument(o: OrderSnapshot): Promise<Exclude<OrderDocumentPlan, { kind: 'find_product_code' }>> {
    for (;;) {
      let plan: OrderDocumentPlan;
      try {
        plan = await db.planOrderDocument({ storeCode, order: o, override: override ?? null });
      } catch (err) {
        const failure = permanentFailureOf(err);
        if (!failure) throw err;
        return { kind: 'hold', reason: `the document could not be planned: ${failure.message}` };
      }
      if (plan.kind !== 'find_product_code') return plan;
      const found = await findProductByCode({ storeCode, lookups }, plan.code);
      if (found.kind === 'none') return { kind: 'hold', reason: `shipping was charged but relBase has no shipping product with code ${plan.code}` };
      if (found.kind === 'several') return { kind: 'hold', reason: `product code ${plan.code} is shared by relBase products ${found.ids.join(', ')}; keep one` };
      await db.rememberProductCode({ storeCode, code: plan.code, relbaseProductId: found.id });
    }
  }
}

/** Update validator: a return names its id and at least one SKU with a whole quantity. */
function validateReturn(r: ReturnRequest): void {
  const refuse = (why: string) => {
    throw ApplicationFailure.nonRetryable(`return refused: ${why}`, ORDER_UPDATE_REFUSED);
  };
  if (typeof r.returnId !== 'string' || r.returnId.trim() === '' || r.returnId.length > 100) refuse('returnId must be 1 to 100 characters');
  if (!Array.isArray(r.lines) || r.lines.length === 0 || r.lines.length > RETURN_MAX_LINES) refuse(`give 1 to ${RETURN_MAX_LINES} lines`);
  for (const l of r.lines) {
    if (typeof l.sku !== 'string' || l.sku.trim() === '') refuse('every line needs its SKU');
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) refuse(`${l.sku}: the quantity must be a whole number of at least 1`);
  }
}

/** Update validator: boleta → factura names its receiver (the admin API has checked the RUT's digit). */
function validateInvoice(r: InvoiceRequest): void {
  const given = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (!r.receiver || !given(r.receiver.rut) || !given(r.receiver.razonSocial) || !given(r.receiver.giro)) {
    throw ApplicationFailure.nonRetryable('boleta → factura refused: give the receiver (rut, razonSocial, giro)', ORDER_UPDATE_REFUSED);
  }
}
