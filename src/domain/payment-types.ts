import { normalizeForMatching } from './text.js';

/**
 * The relBase payment type (`type_payment_id`) for an order's Jumpseller payment method: the store's
 * map first (its keys are method names as Jumpseller shows them, "Webpay Plus", "Transferencia
 * bancaria", matched without regard to accents, case or spacing), then the store's default, else null
 * (the request then omits `type_payment_id`).
 */
export function resolvePaymentTypeId(
  paymentMethod: string | null | undefined,
  byMethod: Readonly<Record<string, number>> | null | undefined,
  fallback: number | null,
): number | null {
  const wanted = paymentMethod === null || paymentMethod === undefined ? '' : normalizeForMatching(paymentMethod);
  if (wanted !== '' && byMethod) {
    for (const [method, id] of Object.entries(byMethod)) {
      if (normalizeForMatching(method) === wanted) return id;
    }
  }
  return fallback;
}
