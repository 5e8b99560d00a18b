/**
 * Activities of the order workflow. Each calls at most one outside API, so it can run on that API's
 * rate-limited task queue; the workflow decides which queue.
 */
import { heartbeat } from '@temporalio/activity';
import { classifyFailures, FAILURE_TYPES, permanentFailure } from './failures.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { findActiveLinks } from '../db/product-links-repository.js';
import { recordDocumentIntent, recordDocumentIssued } from '../db/documents-repository.js';
import { upsertOrderState, type OrderStateRow } from '../db/orders-repository.js';
import type { StoreSettings } from '../stores/settings.js';
import type { JsOrder } from '../jumpseller/schemas.js';
import type { Document as RelbaseDocument } from '../relbase/schemas.js';
import type { DocumentRequest } from '../relbase/document-request.js';

/** The parts of a Jumpseller order the workflow decides on, normalised (ids as strings, money as given). */
export interface OrderSnapshot {
  orderId: string;
  statusEnum: string;
  currency: string;
  total: number;
  orderDiscount: number;
  shipping: number;
  shippingDiscount: number;
  lines: {
    sku: string | null;
    name: string;
    quantity: number;
    unitPrice: number;
    lineDiscount: number;
    jsProductId: string;
    jsVariantId: string | null;
  }[];
  additionalFields: { id: string; label: string; value: string | null }[];
  /** The billing address as one line (street, number, complement, comuna, city), or the shipping one. */
  receiverAddress: string | null;
}

export interface OrderContext {
  settings: StoreSettings;
  /** sku → relBase product id, for the SKUs asked about that are linked. */
  links: Record<string, number>;
}

export interface DocumentLineRequest {
  product_id: number;
  quantity: number;
  price: number;
  discount: number;
  tax_affected: boolean;
}

export interface IssueDocumentInput {
  storeCode: string;
  orderId: string;
  labelValue: string;
  typeDocument: 39 | 33 | 1001;
  typeDocumentSii: 39 | 33 | null;
  customerId: number | null;
  lines: DocumentLineRequest[];
  expectedTotal: number;
}

export interface IssuedDocument {
  relbaseId: string;
  folio: string | null;
  total: number | null;
  pdfUrl: string | null;
  /** True when the document already existed (a retry found it) rather than being created now. */
  alreadyExisted: boolean;
}

function addressLine(a: JsOrder['billing_address']): string | null {
  if (!a) return null;
  const street = [a.address, a.street_number].filter(Boolean).join(' ');
  const line = [street, a.complement, a.municipality, a.city].filter((p) => p && String(p).trim() !== '').join(', ');
  return line === '' ? null : line;
}

export function snapshotOf(order: JsOrder): OrderSnapshot {
  return {
    orderId: String(order.id),
    statusEnum: order.status_enum ?? '',
    currency: order.currency ?? 'CLP',
    total: order.total ?? 0,
    orderDiscount: order.discount ?? 0,
    shipping: order.shipping ?? 0,
    shippingDiscount: order.shipping_discount ?? 0,
    lines: (order.products ?? []).map((l) => ({
      sku: l.sku ?? null,
      name: l.name ?? '',
      quantity: l.qty,
      unitPrice: l.price,
      lineDiscount: l.discount ?? 0,
      jsProductId: String(l.id),
      jsVariantId: l.variant_id == null ? null : String(l.variant_id),
    })),
    additionalFields: (order.additional_fields ?? []).map((f) => ({
      id: String(f.id),
      label: f.label ?? '',
      value: f.value == null ? null : String(f.value),
    })),
    receiverAddress: addressLine(order.billing_address) ?? addressLine(order.shipping_address),
  };
}

/** The document date as relBase expects it, in the merchant's time zone. */
export function chileDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(at);
}

function documentToIssued(d: RelbaseDocument, alreadyExisted: boolean): IssuedDocument {
  return {
    relbaseId: String(d.id),
    folio: d.folio == null ? null : String(d.folio),
    total: d.amount_total ?? null,
    pdfUrl: d.pdf_file?.url ?? null,
    alreadyExisted,
  };
}

/** The relBase request for an order's document; the union type keeps 33 with a customer and 1001 with its tax type. */
export function documentRequest(input: IssueDocumentInput, settings: StoreSettings, today: string): DocumentRequest {
  if (settings.warehouseId === null) {
    throw permanentFailure('the store has no relBase warehouse configured (setting warehouseId, or RELBASE_WAREHOUSE_ID)', FAILURE_TYPES.storeNotConfigured);
  }
  const common = {
    ware_house_id: settings.warehouseId,
    ...(settings.channelId ? { channel_id: settings.channelId } : {}),
    ...(settings.paymentTypeId ? { type_payment_id: settings.paymentTypeId } : {}),
    start_date: today,
    end_date: today,
    mnt_bruto: true,
    label_value: input.labelValue,
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
  }
}

export function createOrderActivities(deps: ActivityDeps) {
  return {
    /** Reads the order from Jumpseller: webhooks arrive late and out of order, the API is the truth. */
    async fetchOrder(input: { storeCode: string; orderId: string }): Promise<OrderSnapshot> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => snapshotOf(await store.jumpseller.getOrder(Number(input.orderId))));
    },

    /** Store settings and the relBase product of each SKU (database only). */
    async loadOrderContext(input: { storeCode: string; skus: string[] }): Promise<OrderContext> {
      const store = await requireStore(deps, input.storeCode);
      const links = await findActiveLinks(deps.db, input.storeCode, input.skus);
      return {
        settings: store.settings,
        links: Object.fromEntries(Object.entries(links).map(([sku, id]) => [sku, Number(id)])),
      };
    },

    /** The relBase product id for a product code (the shipping product), or null when relBase has none. */
    async findRelbaseProductId(input: { storeCode: string; code: string }): Promise<number | null> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const p = await store.relbase.findProductByCode(input.code);
        return p ? Number(p.id) : null;
      });
    },

    /** The relBase customer for a factura's receiver: found by RUT, or created. */
    async ensureCustomer(input: { storeCode: string; receiver: { rut: string; razonSocial: string; giro: string }; address: string | null }): Promise<number> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.findCustomerByRut(input.receiver.rut);
        if (found) return Number(found.id);
        if (!input.address) {
          // A factura's receiver needs an address (DirRecep); inventing one would put it on a tax document.
          throw permanentFailure(`relBase has no customer with RUT ${input.receiver.rut} and the order has no billing address to create one`, FAILURE_TYPES.missingFiscalData);
        }
        const created = await store.relbase.createCustomer({
          rut: input.receiver.rut,
          name: input.receiver.razonSocial,
          business_activity: input.receiver.giro,
          address: input.address,
        });
        return Number(created.id);
      });
    },

    /**
     * Issues the order's document exactly once. Intent first (a row keyed by store and order), then a
     * lookup by label_value in relBase (a previous attempt may have created it and lost the answer),
     * and only then a create. Retries, crashes and lost answers all land on an existing document.
     */
    async issueDocument(input: IssueDocumentInput): Promise<IssuedDocument> {
      const store = await requireStore(deps, input.storeCode);
      const intent = await recordDocumentIntent(deps.db, {
        storeCode: input.storeCode,
        orderId: input.orderId,
        typeDocument: input.typeDocument,
        labelValue: input.labelValue,
      });
      if (intent.state === 'issued' && intent.relbase_id) {
        return { relbaseId: intent.relbase_id, folio: intent.folio, total: intent.total, pdfUrl: intent.pdf_url, alreadyExisted: true };
      }
      return classifyFailures(async () => {
        heartbeat();
        // Any document type counts: a nota de venta may since have become a boleta or factura.
        const existing = await store.relbase.findDocumentsByLabel(input.labelValue);
        heartbeat();
        if (existing.length > 1) {
          throw permanentFailure(
            `relBase already holds ${existing.length} documents labelled ${input.labelValue} (ids ${existing.map((d) => d.id).join(', ')}); an operator must void the extra ones`,
            FAILURE_TYPES.documentConflict,
          );
        }
        let issued: IssuedDocument;
        if (existing[0]) {
          issued = documentToIssued(existing[0], true);
        } else {
          const created = await store.relbase.createDocument(documentRequest(input, store.settings, chileDate(new Date())));
          issued = documentToIssued(created, false);
        }
        await recordDocumentIssued(deps.db, {
          storeCode: input.storeCode,
          orderId: input.orderId,
          typeDocument: input.typeDocument,
          relbaseId: issued.relbaseId,
          folio: issued.folio,
          total: issued.total,
          pdfUrl: issued.pdfUrl,
        });
        if (issued.total !== null && issued.total !== input.expectedTotal) {
          deps.logger.warn({ orderId: input.orderId, expected: input.expectedTotal, relbaseTotal: issued.total }, 'relBase document total differs from the order total');
        }
        return issued;
      });
    },

    /** Mirrors the workflow's state into the `orders` read model. */
    async recordOrderState(row: OrderStateRow): Promise<void> {
      await upsertOrderState(deps.db, row);
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
