/** The parts of a Jumpseller order the order workflow decides on, read from the API's answer. */
import type { JsOrder } from '../jumpseller/schemas.js';

/** The parts of a Jumpseller order the workflow decides on, normalised (ids as strings, money as given). */
export interface OrderSnapshot {
  orderId: string;
  statusEnum: string;
  currency: string;
  total: number;
  orderDiscount: number;
  shipping: number;
  shippingDiscount: number;
  /**
   * Jumpseller `gift_cards_discount`: paid with gift cards. Absent from snapshots recorded before
   * issue 15 (runs replaying them read it as 0).
   */
  giftCardsRedeemed?: number;
  /** When the order was paid (`completed_at`), as Jumpseller writes it; the document's date. Absent in older snapshots. */
  paidAt?: string | null;
  /** The payment method's name, for the store's map to relBase payment types. Absent in older snapshots. */
  paymentMethod?: string | null;
  lines: {
    sku: string | null;
    name: string;
    quantity: number;
    unitPrice: number;
    lineDiscount: number;
    jsProductId: string;
    jsVariantId: string | null;
    /** Jumpseller's `taxes[]`: a line with no IVA is exento. Absent in older snapshots (then taxed, as before). */
    taxes?: { name: string | null; rate: number; fixed: boolean | null; tax_on_product_price: boolean }[];
    /** Jumpseller's line `type` (`gift_card` for a gift card sold). */
    type?: string | null;
  }[];
  additionalFields: { id: string; label: string; value: string | null }[];
  /** The billing address as one line (street, number, complement, comuna, city), or the shipping one. */
  receiverAddress: string | null;
  /** The same address's comuna (`municipality`) and city, for the relBase customer's ids. Absent in older snapshots. */
  receiverPlace?: { commune: string | null; city: string | null } | null;
}

function addressLine(a: JsOrder['billing_address']): string | null {
  if (!a) return null;
  const street = [a.address, a.street_number].filter(Boolean).join(' ');
  const line = [street, a.complement, a.municipality, a.city].filter((p) => p && String(p).trim() !== '').join(', ');
  return line === '' ? null : line;
}

function placeOf(a: JsOrder['billing_address']): OrderSnapshot['receiverPlace'] {
  if (!a) return null;
  const commune = a.municipality?.trim() || null;
  const city = a.city?.trim() || null;
  return commune === null && city === null ? null : { commune, city };
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
    giftCardsRedeemed: order.gift_cards_discount ?? 0,
    paidAt: order.completed_at ?? null,
    paymentMethod: order.payment_method_name ?? null,
    lines: (order.products ?? []).map((l) => ({
      sku: l.sku ?? null,
      name: l.name ?? '',
      quantity: l.qty,
      unitPrice: l.price,
      lineDiscount: l.discount ?? 0,
      jsProductId: String(l.id),
      jsVariantId: l.variant_id == null ? null : String(l.variant_id),
      taxes: l.taxes.map((t) => ({ name: t.name, rate: t.rate, fixed: t.fixed, tax_on_product_price: t.tax_on_product_price })),
      type: l.type ?? null,
    })),
    additionalFields: (order.additional_fields ?? []).map((f) => ({
      id: String(f.id),
      label: f.label ?? '',
      value: f.value == null ? null : String(f.value),
    })),
    receiverAddress: addressLine(order.billing_address) ?? addressLine(order.shipping_address),
    // From the address the receiverAddress line comes from.
    receiverPlace: addressLine(order.billing_address) !== null ? placeOf(order.billing_address) : placeOf(order.shipping_address),
  };
}

/** The order's SKUs as the line builder reads them: trimmed, blanks left out, each once. */
export function skusOf(order: OrderSnapshot): string[] {
  return [...new Set(order.lines.map((l) => (l.sku ?? '').trim()).filter((s) => s !== ''))];
}
