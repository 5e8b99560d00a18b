import { discountOfUnits, exactDiscountUnits } from './relbase-line.js';

/** A line whose amount may move a few pesos, within [min, max], to land where one document line can carry it. */
export interface SettleItem {
  readonly quantity: number;
  /** The list price the line is written at; ignored when `freePrice`. */
  readonly unitPrice: number;
  readonly target: number;
  readonly min: number;
  /** May be Infinity. */
  readonly max: number;
  /** A one-unit line whose price simply is its amount (the shipping line): every amount is exact. */
  readonly freePrice?: boolean;
}

/**
 * Moves pesos between lines so that as many as possible are exact as one line at their list price
 * (a 2-decimal percentage that both the contract's and the SII's rounding agree on), keeping the sum
 * and every amount within its bounds. Lines with min = max never move.
 *
 * Greedy and deterministic: each movable line but one takes the exact amount nearest its target plus
 * what the lines before it handed on, and hands on the difference; the last one, the line most able
 * to take any amount (a free-price line, else the smallest), takes the rest. If that leaves it out of
 * bounds, nothing moves. A line still not exact afterwards is split by the line builder; this only
 * makes splits rare. What moves is the order's own spreading (a coupon spread over lines, or a
 * factura's net total spread over lines), which has no single right answer to a peso.
 */
export function settleAmounts(items: readonly SettleItem[]): number[] {
  const targets = items.map((item) => item.target);
  const movable = items.map((item, index) => ({ item, index })).filter(({ item }) => item.min < item.max);
  if (movable.length < 2) return targets;
  const absorber = movable.reduce((best, candidate) => (absorbs(candidate.item, best.item) ? candidate : best));

  const amounts = [...targets];
  let carry = 0;
  for (const { item, index } of movable) {
    if (index === absorber.index) continue;
    const wanted = item.target + carry;
    const chosen = nearestExactAmount(item, wanted);
    amounts[index] = chosen;
    carry = wanted - chosen;
  }
  const last = absorber.item.target + carry;
  if (last < absorber.item.min || last > absorber.item.max) return targets;
  amounts[absorber.index] = last;
  return amounts;
}

/** True when `a` is the better line to take whatever is left over. */
function absorbs(a: SettleItem, b: SettleItem): boolean {
  if ((a.freePrice ?? false) !== (b.freePrice ?? false)) return a.freePrice === true;
  return a.quantity * a.unitPrice < b.quantity * b.unitPrice;
}

/** The amount within bounds nearest `wanted` that one line at the list price carries exactly; `wanted` itself clamped when none is near. */
function nearestExactAmount(item: SettleItem, wanted: number): number {
  const clamped = Math.min(Math.max(wanted, item.min), item.max);
  if (item.freePrice === true) return clamped;
  const gross = BigInt(item.quantity) * BigInt(item.unitPrice);
  const inBounds = (amount: bigint): boolean => amount >= BigInt(item.min) && amount <= BigInt(Math.min(item.max, Number(gross)));
  const target = BigInt(clamped);
  if (target <= gross && inBounds(target) && exactDiscountUnits(gross, gross - target) !== null) return clamped;
  if (gross === 0n) return clamped;
  // Exact amounts are gross − round(gross × k / 10 000); look at the k around the wanted discount.
  const discount = gross - (target < 0n ? 0n : target > gross ? gross : target);
  const around = (discount * 10_000n) / gross;
  let best: bigint | null = null;
  for (let k = around - 2n; k <= around + 3n; k++) {
    if (k < 0n || k > 10_000n) continue;
    const taken = discountOfUnits(gross, k);
    if (taken === null) continue;
    const amount = gross - taken;
    if (!inBounds(amount)) continue;
    if (best === null || abs(amount - target) < abs(best - target)) best = amount;
  }
  return best === null ? clamped : Number(best);
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
