/**
 * One durable workflow per Jumpseller order: waits for payment, decides the document, waits for
 * products to be linked or for an operator when it must, and issues exactly one relBase document.
 *
 * Webhooks are only hints: every `orderEvent` makes the workflow re-read the order from Jumpseller,
 * so duplicated, late and reordered deliveries cannot mislead it. Every wait has a reason that the
 * `state` query, the search attributes and the `orders` read model show.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderActivities, OrderSnapshot } from '../../activities/order-activities.js';
import type { ProductActivities } from '../../activities/product-activities.js';
import { buildDocumentLines, type DocumentLine } from '../../domain/order-lines.js';
import { chooseDocument, readCheckoutFields, type DocumentChoice } from '../../domain/document-choice.js';
import { allowsLineCount } from '../../domain/line-limits.js';
import { isPaid, parseOrderStatus } from '../../domain/order-status.js';
import { databaseProfile, issueDocumentProfile, jumpsellerApiProfile, relbaseApiProfile } from '../activity-profiles.js';
import { DocumentFolio, DocumentType, MissingSkus, OrderNumber, OrderState as OrderStateAttr, StoreCode } from '../search-attributes.js';
import {
  orderEventSignal,
  orderLabelValue,
  orderStatusQuery,
  productsSyncedSignal,
  resolveSignal,
  retrySignal,
  type OrderState,
  type OrderStatus,
  type OrderWorkflowInput,
  type ResolveSignal,
} from './contracts.js';

/** How long an unpaid order is watched before the workflow closes (Jumpseller abandons it long before). */
const PAYMENT_WAIT = '90 days';
/** When a paid webhook arrived but the API still says otherwise, re-read after this long. */
const PAID_HINT_RECHECK = '20 seconds';
const PAID_HINT_RECHECKS = 3;
const HISTORY_LIMIT = 20;

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderStatus> {
  const { storeCode, orderId } = input;
  const db = proxyActivities<OrderActivities>(databaseProfile);
  const jumpseller = proxyActivities<OrderActivities>(jumpsellerApiProfile(storeCode));
  const relbase = proxyActivities<OrderActivities>(relbaseApiProfile(storeCode));
  const issuer = proxyActivities<OrderActivities>(issueDocumentProfile(storeCode));
  const products = proxyActivities<ProductActivities>(databaseProfile);

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
    eventsReceived: 0,
    history: [],
  };
  let lastEventSaidPaid = false;
  /** Bumped by anything that should make a waiting order look again. */
  let wakeUps = 0;
  let override: ResolveSignal | undefined;

  setHandler(orderStatusQuery, () => status);
  setHandler(orderEventSignal, (e) => {
    status.eventsReceived++;
    if (e.statusEnum === 'paid') lastEventSaidPaid = true;
    wakeUps++;
  });
  setHandler(productsSyncedSignal, ({ skus }) => {
    if (status.state === 'pending_products' && skus.some((s) => status.missingSkus.includes(s))) wakeUps++;
  });
  setHandler(retrySignal, () => {
    wakeUps++;
  });
  setHandler(resolveSignal, (r) => {
    override = r;
    wakeUps++;
  });

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
    ]);
    upsertMemo({ summary: `${state}${reason ? `: ${reason}` : ''}` });
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

  /** Waits for the next wake-up after `seen`, or until the timeout; true when woken. */
  async function waitForWakeUp(seen: number, timeout?: string): Promise<boolean> {
    return timeout === undefined ? (await condition(() => wakeUps > seen), true) : condition(() => wakeUps > seen, timeout);
  }

  /**
   * Reads the order; when Jumpseller refuses for good (not found, credentials revoked) the order
   * waits for an operator's retry instead of failing the workflow, so it is never lost.
   */
  async function readOrder(): Promise<OrderSnapshot> {
    for (;;) {
      const seen = wakeUps;
      try {
        return await jumpseller.fetchOrder({ storeCode, orderId });
      } catch (err) {
        const failure = permanentFailureOf(err);
        if (!failure) throw err;
        await enter('needs_attention', `Jumpseller refused to give the order: ${failure.message}; send retry when fixed`);
        await waitForWakeUp(seen);
      }
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
    if (isPaid(order.statusEnum)) break;
    const s = parseOrderStatus(order.statusEnum);
    if (s === 'canceled' || s === 'abandoned') {
      await enter(s, `the order was ${s} before payment; no document is issued`);
      return status;
    }
    if (lastEventSaidPaid && paidHintRechecks < PAID_HINT_RECHECKS) {
      // A paid webhook arrived but the API does not say so yet: look again shortly.
      paidHintRechecks++;
      await enter('awaiting_payment', `a paid webhook arrived but Jumpseller still says "${order.statusEnum}"; checking again`);
      await waitForWakeUp(wakeUps, PAID_HINT_RECHECK);
      continue;
    }
    await enter('awaiting_payment', `Jumpseller says the order is "${order.statusEnum || 'unknown'}"; waiting for payment`);
    if (!(await waitForWakeUp(seen, PAYMENT_WAIT))) {
      await enter('expired', `no payment after ${PAYMENT_WAIT}; closed without a document`);
      return status;
    }
  }

  // 2. The document: decide, check links, issue. Re-read the order on every retry after a wait.
  let firstPass = true;
  for (;;) {
    const seen = wakeUps;
    if (!firstPass) {
      order = await readOrder();
      const s = parseOrderStatus(order.statusEnum);
      if (s === 'canceled' || s === 'abandoned') {
        await enter(s, `the order was ${s} before its document was issued; no document is issued`);
        return status;
      }
    }
    firstPass = false;
    const plan = await planDocument(order, override);
    if (plan.kind === 'ready') {
      await enter('issuing', null, { missingSkus: [], documentType: plan.choice.type });
      try {
        const customerId = plan.choice.receiver && (plan.choice.type === 33 || plan.choice.typeSii === 33)
          ? await relbase.ensureCustomer({ storeCode, receiver: plan.choice.receiver, address: order.receiverAddress })
          : null;
        const issued = await issuer.issueDocument({
          storeCode,
          orderId,
          labelValue: orderLabelValue(orderId),
          typeDocument: plan.choice.type,
          typeDocumentSii: plan.choice.type === 1001 ? (plan.choice.typeSii ?? 39) : null,
          customerId,
          lines: plan.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity, price: l.price, discount: l.discountPct, tax_affected: true })),
          expectedTotal: plan.total,
        });
        const note = plan.choice.fellBackFrom ? `boleta instead of factura: ${plan.choice.fellBackFrom.reason}` : null;
        await enter('issued', issued.alreadyExisted ? 'the document already existed in relBase and was linked' : note, {
          folio: issued.folio,
          relbaseDocumentId: issued.relbaseId,
          pdfUrl: issued.pdfUrl,
          total: issued.total ?? plan.total,
        });
        return status;
      } catch (err) {
        const failure = permanentFailureOf(err);
        if (!failure) throw err;
        await enter('needs_attention', `the document could not be issued: ${failure.message}; fix it and send retry (or resolve)`);
      }
    } else if (plan.kind === 'missing_products') {
      await enter('pending_products', `waiting for ${plan.skus.length} product(s) to be linked to relBase: ${plan.skus.join(', ')}`, {
        missingSkus: [...plan.skus],
      });
      // Ask product sync for the missing products; it signals productsSynced once their links exist.
      // Behind a patch: orders already pending replay without this call.
      if (patched('order-requests-product-sync')) {
        const missing = new Set(plan.skus);
        const jsProductIds = [...new Set(order.lines.filter((l) => missing.has((l.sku ?? '').trim())).map((l) => l.jsProductId))];
        if (jsProductIds.length > 0) await products.requestProductSync({ storeCode, jsProductIds, reason: 'order_pending' });
      }
    } else {
      await enter('needs_attention', plan.reason);
    }
    await waitForWakeUp(seen);
  }

  async function planDocument(o: OrderSnapshot, ov: ResolveSignal | undefined): Promise<DocumentPlan> {
    const skus = [...new Set(o.lines.map((l) => (l.sku ?? '').trim()).filter((s) => s !== ''))];
    const context = await db.loadOrderContext({ storeCode, skus });
    const settings = context.settings;
    const fields = readCheckoutFields(o.additionalFields, settings.checkoutFieldIds);
    const choice = chooseDocument({
      fields,
      storeDefault: { type: settings.defaultDocument, notaDeVentaBecomes: settings.notaDeVentaBecomes },
      invalidFiscalDataPolicy: settings.invalidFiscalDataPolicy,
      override: ov ? { ...(ov.documentType ? { type: ov.documentType } : {}), ...(ov.receiver ? { receiver: ov.receiver } : {}) } : null,
    });
    if (!choice.ok) return { kind: 'hold', reason: choice.reason };

    const netShipping = o.shipping - o.shippingDiscount;
    const shippingProductId = netShipping > 0 ? await relbase.findRelbaseProductId({ storeCode, code: settings.shippingProductCode }) : null;
    if (netShipping > 0 && shippingProductId === null) {
      return { kind: 'hold', reason: `shipping was charged but relBase has no shipping product with code ${settings.shippingProductCode}` };
    }
    const result = buildDocumentLines(
      {
        currency: o.currency,
        lines: o.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, lineDiscount: l.lineDiscount })),
        orderDiscount: o.orderDiscount,
        shipping: o.shipping,
        shippingDiscount: o.shippingDiscount,
        total: o.total,
      },
      { productIdsBySku: context.links, shippingProductId },
    );
    if (!result.ok) return result.kind === 'missing_products' ? { kind: 'missing_products', skus: result.skus } : { kind: 'hold', reason: result.reason };
    if (!allowsLineCount(choice.type, result.lines.length, choice.typeSii)) {
      return { kind: 'hold', reason: `a factura allows at most 60 lines and this order needs ${result.lines.length}; issue it by hand or as boletas` };
    }
    return { kind: 'ready', choice, lines: result.lines, total: result.total };
  }
}

type DocumentPlan =
  | { kind: 'ready'; choice: Extract<DocumentChoice, { ok: true }>; lines: readonly DocumentLine[]; total: number }
  | { kind: 'missing_products'; skus: readonly string[] }
  | { kind: 'hold'; reason: string };

/** The non-retryable failure behind an activity failure, if that is what it was. */
function permanentFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) return err.cause;
  return undefined;
}
