import { DomainError } from './errors.js';

/**
 * Splits a whole-peso discount over lines in proportion to their amounts (largest remainder method).
 *
 * Invariants: the parts add up to `discount` exactly; each part is between 0 and its line's amount;
 * a line of amount 0 gets 0; leftover pesos go to the largest fractional remainders, ties to the
 * lowest index, so the same input always gives the same split. Throws DomainError when an amount or
 * the discount is not a non-negative whole number, or when the discount exceeds the sum of amounts.
 */
export function allocateDiscount(lineAmounts: readonly number[], discount: number): number[] {
  for (const [index, amount] of lineAmounts.entries()) {
    requireNonNegativeWhole(amount, `line ${index} amount`);
  }
  requireNonNegativeWhole(discount, 'discount');
  const total = lineAmounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
  const wanted = BigInt(discount);
  if (wanted > total) {
    throw new DomainError('invalid_discount', `a discount of ${discount} cannot be spread over lines that add up to ${total}`);
  }
  if (wanted === 0n) return lineAmounts.map(() => 0);

  // Exact shares amount × discount / total as quotient and remainder: BigInt because the product
  // passes 2^53 for large orders (10^8 pesos × 10^8 pesos).
  const shares = lineAmounts.map((amount, index) => {
    const exact = BigInt(amount) * wanted;
    return { index, part: exact / total, remainder: exact % total };
  });
  let leftover = wanted - shares.reduce((sum, share) => sum + share.part, 0n);
  // Σ remainder = leftover × total and every remainder < total, so leftover is smaller than the
  // number of non-zero remainders: only lines with a fractional share ever get the extra peso,
  // which is why no part can pass its line's amount.
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.part += 1n;
    leftover -= 1n;
  }
  return shares.map((share) => Number(share.part));
}

function requireNonNegativeWhole(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('invalid_discount', `${what} must be a whole number of pesos ≥ 0, got ${value}`);
  }
}
