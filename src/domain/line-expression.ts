import { discountOfUnits, exactDiscountUnits } from './relbase-line.js';

/** One document line: relBase and the SII both compute `amount` from quantity, price and discountPct. */
export interface LinePart {
  readonly quantity: number;
  readonly price: number;
  /** At most 2 decimals. */
  readonly discountPct: number;
  readonly amount: number;
}

// How far from the even split the two-part search looks, in hundredths of a percent on each side.
const SPLIT_SEARCH_WINDOW = 60n;

/**
 * Writes `amount` pesos for `quantity` units listed at `unitPrice` as one or two document lines,
 * each exact under both the contract's and the SII's rounding (relbase-line.ts), with a positive
 * price. In order of preference:
 * 1. one line at the list price with a 2-decimal discount percentage;
 * 2. two lines at the list price, quantity − 1 units and 1 unit, each with its own percentage;
 * 3. quantity − 1 units at the list price with a percentage, and 1 unit (or the only unit) at the
 *    price actually charged for it, without a percentage;
 * 4. the units at the price charged per unit (two lines one peso apart when it does not divide):
 *    the only way when `amount` is above quantity × unitPrice (a net factura line whose share of
 *    the net total is a few pesos over its net list price).
 * Null only when none applies (an amount smaller than the number of units, with no price of at
 * least one peso per unit possible). Inputs: whole numbers, quantity and unitPrice ≥ 1, amount ≥ 0.
 */
export function expressLine(quantity: number, unitPrice: number, amount: number): LinePart[] | null {
  const q = BigInt(quantity);
  const p = BigInt(unitPrice);
  const target = BigInt(amount);
  const gross = q * p;
  if (target <= gross) {
    const discount = gross - target;
    const units = exactDiscountUnits(gross, discount);
    if (units !== null) return [part(q, p, units, target)];
    if (q >= 2n) return splitAtListPrice(q, p, discount) ?? listPriceAndChargedUnit(q, p, discount) ?? chargedPerUnit(q, target);
    if (target >= 1n) return [part(1n, target, 0n, target)];
  }
  return chargedPerUnit(q, target);
}

/** Step 2: (q − 1) × p and 1 × p, each with a percentage, their discounts adding up to `discount`. */
function splitAtListPrice(q: bigint, p: bigint, discount: bigint): LinePart[] | null {
  const grossA = (q - 1n) * p;
  const ideal = (discount * 10_000n) / (q * p);
  for (let offset = 0n; offset <= SPLIT_SEARCH_WINDOW; offset++) {
    for (const units of offset === 0n ? [ideal] : [ideal + offset, ideal - offset]) {
      if (units < 0n || units > 10_000n) continue;
      const discountA = discountOfUnits(grossA, units);
      if (discountA === null) continue;
      const discountB = discount - discountA;
      if (discountB < 0n || discountB > p) continue;
      const unitsB = exactDiscountUnits(p, discountB);
      if (unitsB === null) continue;
      // The same discount may have a rounder percentage than the one found.
      const unitsA = exactDiscountUnits(grossA, discountA) ?? units;
      return [part(q - 1n, p, unitsA, grossA - discountA), part(1n, p, unitsB, p - discountB)];
    }
  }
  return null;
}

/** Step 3: (q − 1) × p with a percentage, and the last unit at what is left of the amount (≥ 1). */
function listPriceAndChargedUnit(q: bigint, p: bigint, discount: bigint): LinePart[] | null {
  const grossA = (q - 1n) * p;
  // The last unit's price is p − (discount − discountA): at least 1 and at most p.
  const lowest = discount - p + 1n > 0n ? discount - p + 1n : 0n;
  const highest = discount < grossA ? discount : grossA;
  if (lowest > highest) return null;
  const wanted = (discount * (q - 1n)) / q;
  const aim = wanted < lowest ? lowest : wanted > highest ? highest : wanted;
  const ideal = (aim * 10_000n) / grossA;
  for (let offset = 0n; offset <= SPLIT_SEARCH_WINDOW; offset++) {
    for (const units of offset === 0n ? [ideal] : [ideal + offset, ideal - offset]) {
      if (units < 0n || units > 10_000n) continue;
      const discountA = discountOfUnits(grossA, units);
      if (discountA === null || discountA < lowest || discountA > highest) continue;
      const unitsA = exactDiscountUnits(grossA, discountA) ?? units;
      const last = p - (discount - discountA);
      return [part(q - 1n, p, unitsA, grossA - discountA), part(1n, last, 0n, last)];
    }
  }
  return null;
}

/**
 * `amount` for `quantity` units at the price per unit, without a percentage: one line when it
 * divides, else two lines one peso apart (3 units for 50 395 → 2 × 16 798 and 1 × 16 799). For a
 * line that had no discount, where a percentage would only be rounding showing through. Null when
 * the amount is less than a peso a unit.
 */
export function expressAtUnitPrice(quantity: number, amount: number): LinePart[] | null {
  return chargedPerUnit(BigInt(quantity), BigInt(amount));
}

/** Step 4: every unit at the amount per unit, the remainder one peso dearer on its own line. */
function chargedPerUnit(q: bigint, amount: bigint): LinePart[] | null {
  const base = amount / q;
  if (base < 1n) return null;
  const dearer = amount - base * q;
  if (dearer === 0n) return [part(q, base, 0n, amount)];
  return [part(q - dearer, base, 0n, (q - dearer) * base), part(dearer, base + 1n, 0n, dearer * (base + 1n))];
}

function part(quantity: bigint, price: bigint, units: bigint, amount: bigint): LinePart {
  return { quantity: Number(quantity), price: Number(price), discountPct: Number(units) / 100, amount: Number(amount) };
}
