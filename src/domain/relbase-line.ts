import { decimalFromNumber } from './decimal.js';
import { DomainError } from './errors.js';

/** relBase reads a line's discount percentage to at most this many decimals (our assumption). */
export const DISCOUNT_PCT_MAX_DECIMALS = 6;

// A percentage in millionths of a percent, so 100 % is 10^8 and every candidate is an integer.
const PCT_UNIT = 10n ** BigInt(DISCOUNT_PCT_MAX_DECIMALS);
const WHOLE = 100n * PCT_UNIT;
const HALF = WHOLE / 2n;

/**
 * The line amount relBase computes (ASSUMED contract): round_half_up(quantity × price × (1 − pct/100)).
 *
 * Exact: each input is read as the decimal it was written as and the product is computed with
 * BigInt, so the relBase simulator and the line builder agree to the peso. Throws DomainError for a
 * negative quantity or price, or a percentage outside 0..100 or with more than 6 decimals.
 */
export function relbaseLineAmount(quantity: number, price: number, discountPct: number): number {
  const q = decimalFromNumber(quantity);
  const p = decimalFromNumber(price);
  const d = decimalFromNumber(discountPct);
  if (q.units < 0n || p.units < 0n) {
    throw new DomainError('invalid_line_amount', `quantity and price must be ≥ 0, got ${quantity} × ${price}`);
  }
  if (d.scale > DISCOUNT_PCT_MAX_DECIMALS) {
    throw new DomainError('invalid_discount', `a discount percentage has at most 6 decimals, got ${discountPct}`);
  }
  const pctUnits = d.units * 10n ** BigInt(DISCOUNT_PCT_MAX_DECIMALS - d.scale);
  if (pctUnits < 0n || pctUnits > WHOLE) {
    throw new DomainError('invalid_discount', `a discount percentage is between 0 and 100, got ${discountPct}`);
  }
  // amount = q × p × (WHOLE − pctUnits) / WHOLE, with q and p scaled by 10^(q.scale + p.scale).
  const numerator = q.units * p.units * (WHOLE - pctUnits);
  const denominator = WHOLE * 10n ** BigInt(q.scale + p.scale);
  // numerator ≥ 0 here, so adding half the (even) denominator and flooring is round half up.
  return Number((numerator + denominator / 2n) / denominator);
}

/**
 * The discount percentage that makes relBase charge exactly quantity × unitPrice − lineDiscount,
 * or null when none exists (or the discount is negative or above the line's gross amount).
 *
 * It prefers the fewest decimals (0 first, up to 6) and, among those, the percentage nearest the
 * exact ratio; every answer is re-checked with `relbaseLineAmount` before it is returned. Throws
 * DomainError unless quantity is a whole number ≥ 1 and unitPrice and lineDiscount are whole pesos.
 * With gross ≤ 10^8 pesos a percentage always exists: one millionth of a percent then moves the
 * amount by at most one peso.
 */
export function discountPercentFor(quantity: number, unitPrice: number, lineDiscount: number): number | null {
  requireSafeInteger(quantity, 'quantity', 1);
  requireSafeInteger(unitPrice, 'unit price', 0);
  requireSafeInteger(lineDiscount, 'line discount');
  const gross = BigInt(quantity) * BigInt(unitPrice);
  const discount = BigInt(lineDiscount);
  if (discount < 0n || discount > gross) return null;
  if (gross === 0n) return 0;
  const target = gross - discount;

  // relBase lands on `target` when target − ½ ≤ gross × kept / WHOLE < target + ½, where kept is
  // WHOLE − pctUnits, so kept runs over whole numbers in [ceil(low / gross), ceil(high / gross) − 1].
  const low = target * WHOLE - HALF;
  const high = target * WHOLE + HALF;
  const keptMin = max(ceilDiv(low, gross), 0n);
  const keptMax = min(ceilDiv(high, gross) - 1n, WHOLE);
  if (keptMin > keptMax) return null;
  const pctMin = WHOLE - keptMax;
  const pctMax = WHOLE - keptMin;
  const idealNumerator = discount * WHOLE; // ideal pctUnits = idealNumerator / gross

  for (let decimals = 0; decimals <= DISCOUNT_PCT_MAX_DECIMALS; decimals++) {
    const step = 10n ** BigInt(DISCOUNT_PCT_MAX_DECIMALS - decimals);
    const first = ceilDiv(pctMin, step) * step;
    const last = floorDiv(pctMax, step) * step;
    if (first > last) continue;
    const nearest = nearestMultiple(idealNumerator, gross, step);
    const pctUnits = min(max(nearest, first), last);
    const pct = Number(pctUnits) / Number(PCT_UNIT);
    if (relbaseLineAmount(quantity, unitPrice, pct) === Number(target)) return pct;
  }
  return null;
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
