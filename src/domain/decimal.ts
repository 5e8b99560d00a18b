import { DomainError } from './errors.js';

/** An exact decimal number: value = units × 10^(−scale), with scale ≥ 0 and no trailing zeros. */
export interface ExactDecimal {
  readonly units: bigint;
  readonly scale: number;
}

/**
 * Every double carries at least 15 correct significant decimal digits (DBL_DIG), so reading a double
 * at 15 significant digits gives back the decimal that was written (2.675 stored as 2.67499999…
 * reads as 2.675) and drops the last-ulp noise of arithmetic (0.1 + 0.2 reads as 0.3). The price is
 * that digits past the 15th are ignored, which is far below a peso for any amount under 10^13.
 */
const SIGNIFICANT_DIGITS = 15;

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** The decimal a finite double stands for: whole numbers exactly, others read at 15 significant digits. */
export function decimalFromNumber(x: number): ExactDecimal {
  if (!Number.isFinite(x)) {
    throw new DomainError('invalid_number', `expected a finite number, got ${x}`);
  }
  // Whole doubles are exact already, and may need more than 15 digits (2^53 − 1 has 16).
  if (Number.isInteger(x)) return normalize(BigInt(x), 0);
  const match = NUMBER_TEXT.exec(x.toPrecision(SIGNIFICANT_DIGITS));
  if (match === null) {
    // toPrecision only ever produces the shapes the pattern accepts.
    throw new DomainError('invalid_number', `cannot read ${x} as a decimal`);
  }
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let units = BigInt(sign + whole + fraction);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize(units, scale);
}

/** Rounds to `decimals` places, halves away from zero, exactly. */
export function roundDecimal(value: ExactDecimal, decimals: number): ExactDecimal {
  if (value.scale <= decimals) return value;
  const divisor = 10n ** BigInt(value.scale - decimals);
  const magnitude = value.units < 0n ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return normalize(value.units < 0n ? -quotient : quotient, decimals);
}

/** The double nearest to the decimal; zero is always +0. */
export function decimalToNumber(value: ExactDecimal): number {
  if (value.units === 0n) return 0;
  // Number() on decimal text rounds once, correctly, to the nearest double.
  return Number(`${value.units}e-${value.scale}`);
}

function normalize(units: bigint, scale: number): ExactDecimal {
  if (units === 0n) return { units: 0n, scale: 0 };
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}
