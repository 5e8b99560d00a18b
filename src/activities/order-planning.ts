/**
 * Planning an order's document, as an activity (database only): the store's settings, the SKU links
 * (a SKU two products claim counts as unlinked), then the domain's `planDocument`, which decides the
 * document type, its lines (exempt lines, 2-decimal discounts or split lines, net facturas), the line
 * limit, the payment date and the payment type. The workflow acts on the recorded result, so a change
 * of the fiscal rules or of a setting applies at an order's next decision without changing how
 * waiting runs replay.
 */
import { findActiveLinks } from '../db/product-links-repository.js';
import { findRelbaseProductIdByCode, forgetRelbaseProductId, rememberRelbaseProductId } from '../db/relbase-product-codes-repository.js';
import { findContestedSkus } from '../db/sku-claims-repository.js';
import { readCheckoutFields, type DocumentOverride, type Receiver } from '../domain/document-choice.js';
import type { DocumentAmounts } from '../domain/document-amounts.js';
import { planDocument } from '../domain/document-plan.js';
import type { OrderForDocument } from '../domain/order-lines.js';
import type { DocumentLineRequest } from '../relbase/document-request.js';
import type { ResolveSignal } from '../workflows/order/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { skusOf, type OrderSnapshot } from './order-snapshot.js';

/**
 * The document to issue, as the plan decided it. The fields marked optional were added with issue 15:
 * plans recorded before lack them, and the issuing code then does what it did then (gross prices,
 * the day of issuing, the store's one payment type).
 */
export interface PlannedDocument {
  typeDocument: 39 | 33 | 1001;
  /** Only for a nota de venta: the tax document it will become. */
  typeDocumentSii: 39 | 33 | null;
  /** The receiver when the document is (or will become) a factura: it needs a relBase customer. */
  customerFor: Receiver | null;
  lines: DocumentLineRequest[];
  /** The document's total as relBase should compute it (the paid total, but under `one_peso_below`). */
  total: number;
  /** Why a boleta is issued although a factura was asked for, or null. */
  fellBackReason: string | null;
  /** The relBase code of the shipping line's product, when the document has one. */
  shippingProductCode: string | null;
  /** `mnt_bruto`: true for IVA-included line prices (boletas), false for net ones (facturas). */
  mntBruto?: boolean;
  /** `start_date`/`end_date`: the day of payment in Chile, yyyy-mm-dd. */
  date?: string;
  /** `type_payment_id` from the store's map of payment methods, else its default; null leaves it out. */
  paymentTypeId?: number | null;
  /** A boleta's buyer RUT given at checkout (canonical); the document names the relBase customer with it. */
  buyerRut?: string | null;
  /** The header amounts relBase should report; any difference after the create needs a person. */
  expected?: DocumentAmounts;
  /** For the operator: fallbacks, lines left off, unrecognised values (never a RUT in clear). */
  notes?: string[];
}

/** How the store wants documents issued (settings read with the plan, so they apply at the next decision). */
export interface IssuingSettings {
  settleSeconds: number;
  alwaysLookFirst: boolean;
  /** The store's `siiStatusFirstCheckSeconds`; absent in plans recorded before the SII status follow-up. */
  siiFirstCheckSeconds?: number;
}

export type OrderDocumentPlan =
  | { kind: 'ready'; document: PlannedDocument; issuing: IssuingSettings }
  /** `contested`: those of the SKUs two Jumpseller products hold (absent in plans recorded before). */
  | { kind: 'missing_products'; skus: string[]; contested?: string[] }
  | { kind: 'hold'; reason: string }
  /** The shipping product's relBase id is not known yet: look it up by code, then plan again. */
  | { kind: 'find_product_code'; code: string };

export interface PlanOrderDocumentInput {
  storeCode: string;
  order: OrderSnapshot;
  override: ResolveSignal | null;
}

/** The order's money and lines as the domain reads them; fields older snapshots lack keep their old meaning. */
export function orderForDocument(order: OrderSnapshot): OrderForDocument {
  return {
    currency: order.currency,
    lines: order.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineDiscount: l.lineDiscount,
      ...(l.taxes === undefined ? {} : { taxes: l.taxes }),
      ...(l.type === undefined ? {} : { type: l.type }),
    })),
    orderDiscount: order.orderDiscount,
    shipping: order.shipping,
    shippingDiscount: order.shippingDiscount,
    total: order.total,
    giftCardsRedeemed: order.giftCardsRedeemed ?? 0,
  };
}

function overrideOf(override: ResolveSignal | null): DocumentOverride | null {
  if (!override) return null;
  return { ...(override.documentType ? { type: override.documentType } : {}), ...(override.receiver ? { receiver: override.receiver } : {}) };
}

export function createOrderPlanningActivities(deps: ActivityDeps) {
  return {
    async planOrderDocument(input: PlanOrderDocumentInput): Promise<OrderDocumentPlan> {
      const { order, override } = input;
      const store = await requireStore(deps, input.storeCode);
      const settings = store.settings;
      if (settings.warehouseId === null) {
        return { kind: 'hold', reason: 'the store has no relBase warehouse configured (setting warehouseId, or RELBASE_WAREHOUSE_ID)' };
      }

      const skus = skusOf(order);
      const links = await findActiveLinks(deps.db, input.storeCode, skus);
      // A SKU two Jumpseller products hold has no trustworthy link, even while product sync shows one.
      const contested = await findContestedSkus(deps.db, input.storeCode, skus);
      for (const sku of contested) delete links[sku];
      const chargesShipping = order.shipping - order.shippingDiscount > 0;
      let shippingProductId: number | null = null;
      if (chargesShipping) {
        shippingProductId = await findRelbaseProductIdByCode(deps.db, input.storeCode, settings.shippingProductCode);
        if (shippingProductId === null) return { kind: 'find_product_code', code: settings.shippingProductCode };
      }

      const plan = planDocument({
        order: orderForDocument(order),
        fields: readCheckoutFields(order.additionalFields, settings.checkoutFieldIds),
        links: { productIdsBySku: Object.fromEntries(Object.entries(links).map(([sku, id]) => [sku, Number(id)])), shippingProductId },
        settings,
        // A snapshot from before issue 15 has no payment time: the day of issuing, as then.
        paidAt: order.paidAt ?? new Date().toISOString(),
        paymentMethod: order.paymentMethod ?? null,
        override: overrideOf(override),
      });
      switch (plan.kind) {
        case 'missing_products': {
          const shared = plan.skus.filter((sku) => contested.includes(sku));
          return { kind: 'missing_products', skus: [...plan.skus], ...(shared.length > 0 ? { contested: shared } : {}) };
        }
        case 'hold':
          return { kind: 'hold', reason: plan.reason };
        case 'no_document':
          // Ending an order without a document is the workflow's call; until it makes it, a person does.
          return { kind: 'hold', reason: `no document is due: ${plan.reason}` };
        case 'ready':
          break;
      }
      const { document } = plan;
      return {
        kind: 'ready',
        document: {
          typeDocument: document.type,
          typeDocumentSii: document.typeSii,
          customerFor: document.receiver,
          lines: plan.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity, price: l.price, discount: l.discountPct, tax_affected: l.taxAffected })),
          total: plan.expected.total,
          fellBackReason: document.fellBackReason,
          shippingProductCode: chargesShipping ? settings.shippingProductCode : null,
          mntBruto: document.mntBruto,
          date: document.date,
          paymentTypeId: document.paymentTypeId,
          buyerRut: document.buyerRut,
          expected: { ...plan.expected },
          notes: [...plan.notes],
        },
        issuing: { settleSeconds: settings.documentSettleSeconds, alwaysLookFirst: settings.alwaysLookFirst, siiFirstCheckSeconds: settings.siiStatusFirstCheckSeconds },
      };
    },

    /** Keeps the relBase product id found for a code (the shipping product) for the next orders. */
    async rememberProductCode(input: { storeCode: string; code: string; relbaseProductId: number }): Promise<void> {
      await rememberRelbaseProductId(deps.db, input.storeCode, input.code, input.relbaseProductId);
    },

    /** Forgets it after relBase refused a document that used it: the next plan looks it up again. */
    async forgetProductCode(input: { storeCode: string; code: string }): Promise<void> {
      await forgetRelbaseProductId(deps.db, input.storeCode, input.code);
    },
  };
}
