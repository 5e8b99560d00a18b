/**
 * The document step of the order workflow as it was before issuing became single-call steps, frozen.
 * It runs only while Temporal replays a run recorded by that code (`patched('order-issuing-steps')`
 * is false there), so the run reproduces exactly the commands in its history; as soon as such a run
 * decides anything new, the workflow takes the current step. Do not change it: delete it (and
 * legacy-order-activities.ts) once no run started before single-call issuing is open.
 */
import { patched } from '@temporalio/workflow';
import type { OrderSnapshot } from '../../activities/order-activities.js';
import { chooseDocument, readCheckoutFields, type DocumentChoice } from '../../domain/document-choice.js';
import { allowsLineCount } from '../../domain/line-limits.js';
import { buildDocumentLines, type DocumentLine } from '../../domain/order-lines.js';
import type { DatabaseProxy, RelbaseProxy } from '../activity-proxies.js';
import { permanentFailureOf } from '../failures.js';
import { orderLabelValue, type OrderState, type OrderStatus, type ResolveSignal } from './contracts.js';

export interface LegacyStepContext {
  storeCode: string;
  orderId: string;
  db: DatabaseProxy;
  relbase: RelbaseProxy;
  issuer: RelbaseProxy;
  products: DatabaseProxy;
  enter: (state: OrderState, reason: string | null, extra?: Partial<OrderStatus>) => Promise<void>;
}

type DocumentPlan =
  | { kind: 'ready'; choice: Extract<DocumentChoice, { ok: true }>; lines: readonly DocumentLine[]; total: number }
  | { kind: 'missing_products'; skus: readonly string[] }
  | { kind: 'hold'; reason: string };

/** One pass of the old document step; true when the order ended issued. */
export async function legacyDocumentStep(ctx: LegacyStepContext, order: OrderSnapshot, override: ResolveSignal | undefined): Promise<boolean> {
  const { storeCode, orderId, db, relbase, issuer, products, enter } = ctx;
  const plan = await planDocument(order, override);
  if (plan.kind === 'ready') {
    await enter('issuing', null, { missingSkus: [], documentType: plan.choice.type });
    try {
      const customerId =
        plan.choice.receiver && (plan.choice.type === 33 || plan.choice.typeSii === 33)
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
      return true;
    } catch (err) {
      const failure = permanentFailureOf(err);
      if (!failure) throw err;
      await enter('needs_attention', `the document could not be issued: ${failure.message}; fix it and send retry (or resolve)`);
    }
  } else if (plan.kind === 'missing_products') {
    await enter('pending_products', `waiting for ${plan.skus.length} product(s) to be linked to relBase: ${plan.skus.join(', ')}`, {
      missingSkus: [...plan.skus],
    });
    if (patched('order-requests-product-sync')) {
      const missing = new Set(plan.skus);
      const jsProductIds = [...new Set(order.lines.filter((l) => missing.has((l.sku ?? '').trim())).map((l) => l.jsProductId))];
      if (jsProductIds.length > 0) await products.requestProductSync({ storeCode, jsProductIds, reason: 'order_pending' });
    }
  } else {
    await enter('needs_attention', plan.reason);
  }
  return false;

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
