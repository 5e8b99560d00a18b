import { decimalFromNumber, decimalToNumber, roundDecimal } from './decimal.js';
import { DomainError } from './errors.js';

/**
 * Rounds halves away from zero (PHP `round`, as the SII libraries do), never banker's rounding.
 *
 * Float-safe: the input is first read as the decimal it was written as, at 15 significant digits
 * (see decimal.ts), and then rounded exactly in decimal. So 2.675 → 2.68 at 2 places although the
 * double is 2.67499999…, and 1.005 → 1.01. Throws DomainError for NaN and ±Infinity; never returns −0.
 */
export function roundHalfUp(x: number, decimals = 0): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new DomainError('invalid_number', `decimals must be an integer from 0 to 15, got ${decimals}`);
  }
  return decimalToNumber(roundDecimal(decimalFromNumber(x), decimals));
}

/** True when a money amount is a whole number of pesos (float noise such as 11990.000000000002 ignored). */
export function isWholePesos(amount: number): boolean {
  if (!Number.isFinite(amount)) return false;
  return decimalFromNumber(amount).scale === 0 && Number.isSafeInteger(roundHalfUp(amount));
}

/**
 * Jumpseller money (a float such as 11990.0) as whole Chilean pesos, rounded half away from zero.
 * CLP has no decimals; callers that must not round silently check `isWholePesos` first.
 */
export function toClp(amount: number): number {
  const pesos = roundHalfUp(amount);
  if (!Number.isSafeInteger(pesos)) {
    throw new DomainError('invalid_number', `${amount} is too large to be an amount of pesos`);
  }
  return pesos;
}
