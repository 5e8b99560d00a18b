import { decimalFromNumber } from './decimal.js';
import type { ExactDecimal } from './decimal.js';
import { DomainError } from './errors.js';

/**
 * A line discount percentage carries at most 2 decimals: the SII's `DescuentoPct` holds no more, so
 * relBase (or the SII) would round anything finer and the line would no longer land on its amount.
 */
export const DISCOUNT_PCT_MAX_DECIMALS = 2;

// A percentage in hundredths of a percent, so 100 % is 10 000 and every candidate is an integer.
const WHOLE = 10_000n;

/**
 * The line amount the project's relBase contract assumes (relbase-api.md, "The relBase contract"):
 * round_half_up(quantity × price × (1 − pct/100)).
 *
 * Exact: inputs are read as the decimals they were written as and multiplied with BigInt. Throws
 * DomainError for a negative quantity or price, or a percentage outside 0..100 or with more than 2
 * decimals.
 */
export function relbaseLineAmount(quantity: number, price: number, discountPct: number): number {
  const { gross, pctUnits } = readLine(quantity, price, discountPct);
  // amount = gross × (WHOLE − pctUnits) / WHOLE, gross = units / 10^scale, rounded half up (≥ 0).
  const numerator = gross.units * (WHOLE - pctUnits);
  const denominator = WHOLE * 10n ** BigInt(gross.scale);
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * The line amount the SII computes (chile-dte.md B4, LibreDTE `NormalizeDetalleTrait`): the amount
 * first, then the discount on it, each rounded half away from zero:
 * MontoItem = round(q × p) − round(round(q × p) × pct / 100).
 */
export function siiLineAmount(quantity: number, price: number, discountPct: number): number {
  const { gross, pctUnits } = readLine(quantity, price, discountPct);
  const scale = 10n ** BigInt(gross.scale);
  const amount = (2n * gross.units + scale) / (2n * scale);
  const discount = (2n * amount * pctUnits + WHOLE) / (2n * WHOLE);
  return Number(amount - discount);
}

/**
 * A percentage with at most 2 decimals that makes a line of `quantity × unitPrice` come to exactly
 * `quantity × unitPrice − lineDiscount` under both rules above, or null when there is none (or the
 * discount is negative or above the line's amount). Prefers a whole percentage, then one decimal,
 * then two, and among those the one nearest the exact ratio.
 *
 * Why both rules agree: with G = q × p whole, the contract gives G − round_half_down(G·pct/100) and
 * the SII G − round_half_up(G·pct/100); they differ only where G·pct/100 ends in exactly .5. So the
 * percentage must put G·pct/100 strictly within half a peso of the discount. Such a percentage exists
 * for every discount when G ≤ 10 000; above that the hundredths of a percent are more than a peso
 * apart and about one discount in G/10 000 has one: the line builder then splits the line.
 * Throws DomainError unless quantity is a whole number ≥ 1 and unitPrice and lineDiscount whole pesos.
 */
export function discountPercentFor(quantity: number, unitPrice: number, lineDiscount: number): number | null {
  requireSafeInteger(quantity, 'quantity', 1);
  requireSafeInteger(unitPrice, 'unit price', 0);
  requireSafeInteger(lineDiscount, 'line discount');
  const units = exactDiscountUnits(BigInt(quantity) * BigInt(unitPrice), BigInt(lineDiscount));
  return units === null ? null : Number(units) / 100;
}

/**
 * The hundredths of a percent (0..10 000) that take exactly `discount` pesos off a line of `gross`
 * whole pesos under both rounding rules, or null. See discountPercentFor.
 */
export function exactDiscountUnits(gross: bigint, discount: bigint): bigint | null {
  if (discount < 0n || discount > gross) return null;
  if (gross === 0n) return 0n;
  // Strictly discount − ½ < gross × k / WHOLE < discount + ½, i.e. low < gross × k < high.
  const low = (2n * discount - 1n) * (WHOLE / 2n);
  const high = (2n * discount + 1n) * (WHOLE / 2n);
  const kMin = max(floorDiv(low, gross) + 1n, 0n);
  const kMax = min(ceilDiv(high, gross) - 1n, WHOLE);
  if (kMin > kMax) return null;
  for (const step of [100n, 10n, 1n]) {
    const first = ceilDiv(kMin, step) * step;
    const last = floorDiv(kMax, step) * step;
    if (first > last) continue;
    // The multiple of `step` nearest the exact ratio discount × WHOLE / gross, kept within range.
    const nearest = nearestMultiple(discount * WHOLE, gross, step);
    return min(max(nearest, first), last);
  }
  return null;
}

/** The discount, in whole pesos, that `units` hundredths of a percent take off `gross` when both rules agree; null on a half peso. */
export function discountOfUnits(gross: bigint, units: bigint): bigint | null {
  const twice = (2n * gross * units) / WHOLE;
  if ((2n * gross * units) % WHOLE === 0n && twice % 2n === 1n) return null; // exactly half a peso
  return (2n * gross * units + WHOLE) / (2n * WHOLE);
}

function readLine(quantity: number, price: number, discountPct: number): { gross: ExactDecimal; pctUnits: bigint } {
  const q = decimalFromNumber(quantity);
  const p = decimalFromNumber(price);
  const d = decimalFromNumber(discountPct);
  if (q.units < 0n || p.units < 0n) {
    throw new DomainError('invalid_line_amount', `quantity and price must be ≥ 0, got ${quantity} × ${price}`);
  }
  if (d.scale > DISCOUNT_PCT_MAX_DECIMALS) {
    throw new DomainError('invalid_discount', `a discount percentage has at most ${DISCOUNT_PCT_MAX_DECIMALS} decimals, got ${discountPct}`);
  }
  const pctUnits = d.units * 10n ** BigInt(DISCOUNT_PCT_MAX_DECIMALS - d.scale);
  if (pctUnits < 0n || pctUnits > WHOLE) {
    throw new DomainError('invalid_discount', `a discount percentage is between 0 and 100, got ${discountPct}`);
  }
  return { gross: { units: q.units * p.units, scale: q.scale + p.scale }, pctUnits };
}

/** The multiple of `step` nearest to numerator / denominator, ties to the lower one. */
function nearestMultiple(numerator: bigint, denominator: bigint, step: bigint): bigint {
  const unit = denominator * step;
  const quotient = numerator / unit;
  const remainder = numerator % unit;
  return (remainder * 2n > unit ? quotient + 1n : quotient) * step;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function requireSafeInteger(value: number, what: string, least?: number): void {
  if (!Number.isSafeInteger(value) || (least !== undefined && value < least)) {
    const bound = least === undefined ? '' : ` ≥ ${least}`;
    throw new DomainError('invalid_line_amount', `${what} must be a whole number${bound}, got ${value}`);
  }
}
