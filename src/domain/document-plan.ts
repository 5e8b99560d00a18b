import type { CheckoutFields } from './checkout-fields.js';
import { chooseDocument } from './document-choice.js';
import type { DocumentOverride, InvalidFiscalDataPolicy, Receiver } from './document-choice.js';
import type { DocumentAmounts, PriceBasis } from './document-amounts.js';
import { documentDateFor } from './document-date.js';
import { BOLETA, FACTURA, NOTA_DE_VENTA } from './document-types.js';
import type { DocumentType, TaxDocumentType } from './document-types.js';
import { maxLinesFor } from './line-limits.js';
import { buildDocumentLines } from './order-lines.js';
import type { DocumentLine, OrderForDocument, ProductLinks, UnreachableNetTotalPolicy } from './order-lines.js';
import { resolvePaymentTypeId } from './payment-types.js';

/** The store settings a document depends on; the fields of `StoreSettings` with the same names. */
export interface DocumentSettings {
  readonly defaultDocument: DocumentType;
  readonly notaDeVentaBecomes: TaxDocumentType;
  readonly invalidFiscalDataPolicy: InvalidFiscalDataPolicy;
  /** relBase `type_payment_id` when the payment method is not in the map. */
  readonly paymentTypeId: number | null;
  /** Jumpseller payment method name → relBase `type_payment_id`. */
  readonly paymentTypeIdsByMethod?: Readonly<Record<string, number>>;
  /** What a factura does when no net total gives the paid total: hold (default) or issue one peso under. */
  readonly unreachableFacturaTotal?: UnreachableNetTotalPolicy;
}

/** Everything a document for a paid order depends on, read by the caller from Jumpseller, the store and Postgres. */
export interface PlanDocumentInput {
  readonly order: OrderForDocument;
  /** readCheckoutFields(order.additional_fields, settings.checkoutFieldIds). */
  readonly fields: CheckoutFields;
  readonly links: ProductLinks;
  readonly settings: DocumentSettings;
  /** When the order was paid, as Jumpseller writes instants ("2026-03-31 23:40:00 UTC") or ISO 8601. */
  readonly paidAt: string;
  /** Jumpseller's payment method name for the order, if known. */
  readonly paymentMethod?: string | null;
  readonly override?: DocumentOverride | null;
}

/** The relBase document to issue, apart from its lines. */
export interface PlannedDocument {
  readonly type: DocumentType;
  /** For a nota de venta, the tax document it becomes; null otherwise. */
  readonly typeSii: TaxDocumentType | null;
  /** `mnt_bruto`: true for gross line prices (boletas), false for net (facturas and notas that become one). */
  readonly mntBruto: boolean;
  /** A factura's receiver (and a nota de venta's that becomes one): relBase needs a customer for it. */
  readonly receiver: Receiver | null;
  /** A boleta's buyer RUT when the checkout gave one; null for the anonymous boleta. */
  readonly buyerRut: string | null;
  /** `start_date` / `end_date`: the payment's day in Chile, yyyy-mm-dd. */
  readonly date: string;
  /** `type_payment_id`, or null to leave it out. */
  readonly paymentTypeId: number | null;
  /** Why this is a boleta although the checkout asked for a factura (invalidFiscalDataPolicy 'boleta'); null otherwise. */
  readonly fellBackReason: string | null;
}

/** What to do with a paid order. */
export type DocumentPlan =
  | {
      readonly kind: 'ready';
      readonly document: PlannedDocument;
      readonly lines: readonly DocumentLine[];
      /** Header amounts relBase should report; a document that differs needs attention (checkIssuedAmounts). */
      readonly expected: DocumentAmounts;
      /** The amount the payment covers on the document; equals expected.total except under one_peso_below. */
      readonly paidTotal: number;
      /** For the operator: fallbacks, lines left off, unrecognised values. Never a RUT in clear. */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'missing_products'; readonly skus: readonly string[] }
  | { readonly kind: 'hold'; readonly reason: string }
  | { readonly kind: 'no_document'; readonly reason: string };

/**
 * Plans the one document for a paid order: its type and receiver (chooseDocument), its lines and
 * expected amounts (buildDocumentLines, gross for a boleta, net for a factura), the line limit of
 * its type, its date and payment type. Pure: the same input always gives the same plan.
 */
export function planDocument(input: PlanDocumentInput): DocumentPlan {
  const { settings } = input;
  const choice = chooseDocument({
    fields: input.fields,
    storeDefault: { type: settings.defaultDocument, notaDeVentaBecomes: settings.notaDeVentaBecomes },
    invalidFiscalDataPolicy: settings.invalidFiscalDataPolicy,
    override: input.override ?? null,
  });
  if (!choice.ok) return { kind: 'hold', reason: choice.reason };

  const typeSii = choice.type === NOTA_DE_VENTA ? (choice.typeSii ?? BOLETA) : null;
  const taxDocument = typeSii ?? (choice.type === FACTURA ? FACTURA : BOLETA);
  const basis: PriceBasis = taxDocument === FACTURA ? 'net' : 'gross';
  const built = buildDocumentLines(input.order, input.links, {
    basis,
    unreachableNetTotal: settings.unreachableFacturaTotal ?? 'hold',
  });
  if (!built.ok) {
    return built.kind === 'missing_products' ? { kind: 'missing_products', skus: built.skus } : { kind: built.kind, reason: built.reason };
  }

  const maxLines = maxLinesFor(choice.type, typeSii);
  if (built.lines.length > maxLines) {
    const what = taxDocument === FACTURA ? 'a factura' : 'a boleta';
    return {
      kind: 'hold',
      reason: `${what} holds at most ${maxLines} lines and this order needs ${built.lines.length} (lines whose discount no 2-decimal percentage carries are written as two); issue it in relBase by hand or split the order`,
    };
  }

  let date: string;
  try {
    date = documentDateFor(input.paidAt);
  } catch {
    return { kind: 'hold', reason: `the payment time "${input.paidAt}" could not be read, so the document date is unknown` };
  }

  const notes: string[] = [];
  if (choice.fellBackFrom) notes.push(`boleta instead of factura: ${choice.fellBackFrom.reason}`);
  if (choice.note !== undefined) notes.push(choice.note);
  notes.push(...built.notes);
  return {
    kind: 'ready',
    document: {
      type: choice.type,
      typeSii,
      mntBruto: basis === 'gross',
      receiver: choice.receiver ?? null,
      buyerRut: choice.buyerRut ?? null,
      date,
      paymentTypeId: resolvePaymentTypeId(input.paymentMethod, settings.paymentTypeIdsByMethod, settings.paymentTypeId),
      fellBackReason: choice.fellBackFrom?.reason ?? null,
    },
    lines: built.lines,
    expected: built.expected,
    paidTotal: built.paidTotal,
    notes,
  };
}
