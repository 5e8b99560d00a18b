/** Jumpseller's order `status_enum` values (the display `status` is translated; never key on it). */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'canceled', 'abandoned'] as const;

/** A Jumpseller order `status_enum`. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The status_enum value if it is a known one, else null (new values must not be guessed at). */
export function parseOrderStatus(statusEnum: string | null | undefined): OrderStatus | null {
  return ORDER_STATUSES.find((status) => status === statusEnum) ?? null;
}

/** True when the order is paid: the one status that earns a document. */
export function isPaid(statusEnum: string | null | undefined): boolean {
  return parseOrderStatus(statusEnum) === 'paid';
}

/**
 * True for canceled and abandoned: final states that, reached before payment, end the order with
 * no document. Whether a payment happened earlier is the caller's history to know, not the status's.
 */
export function isTerminalWithoutPayment(statusEnum: string | null | undefined): boolean {
  const status = parseOrderStatus(statusEnum);
  return status === 'canceled' || status === 'abandoned';
}
