import { decimalFromNumber } from './decimal.js';

/**
 * The stock to show in Jumpseller for a relBase stock figure: Jumpseller stock is an integer, so the
 * fraction is dropped (3.7 → 3, never rounded up: a shop must not sell what is not there); negative,
 * NaN and infinite figures show as 0; −0 is never returned. Float noise such as 2.9999999999999996
 * (a sum of fractional movements) reads as 3 first (15 significant digits, see decimal.ts).
 */
export function stockForShop(relbaseStock: number): number {
  if (!Number.isFinite(relbaseStock) || relbaseStock <= 0) return 0;
  const exact = decimalFromNumber(relbaseStock);
  // BigInt division truncates; the value is positive here, so this is the whole part, and Number(0n) is +0.
  return Number(exact.units / 10n ** BigInt(exact.scale));
}
