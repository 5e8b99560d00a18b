import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { discountPercentFor, relbaseLineAmount } from '../../../src/domain/relbase-line.js';
import { seededRandom } from './seeded-random.js';

/**
 * An independent oracle for relBase's line: the percentage given as whole millionths of a percent,
 * the amount q × p × (10^8 − pct) / 10^8 rounded half up by comparing twice the remainder.
 */
function oracleAmount(quantity: number, price: number, pctMillionths: bigint): number {
  const numerator = BigInt(quantity) * BigInt(price) * (100_000_000n - pctMillionths);
  const quotient = numerator / 100_000_000n;
  const remainder = numerator % 100_000_000n;
  return Number(remainder * 2n >= 100_000_000n ? quotient + 1n : quotient);
}

/** The percentage as whole millionths, from its decimal text (so no float arithmetic is involved). */
function millionths(pct: number): bigint {
  const [whole = '0', fraction = ''] = String(pct).split('.');
  expect(fraction.length, `${pct} has at most 6 decimals`).toBeLessThanOrEqual(6);
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

function decimalsOf(pct: number): number {
  return (String(pct).split('.')[1] ?? '').length;
}

describe('relbaseLineAmount', () => {
  it.each([
    [2, 11900, 12.5, 20825],
    [1, 1190, 0, 1190],
    [1, 1190, 100, 0],
    [3, 9990, 3.337, 28970], // 28969.9911 → 28970
    [1, 1, 50, 1], // 0.5 rounds up
    [1, 3, 50, 2], // 1.5 rounds up
    [1, 5, 10, 5], // 4.5 rounds up
    [7, 1, 42.857143, 4],
    [1, 100, 0.000001, 100],
    [1.5, 1000, 10, 1350], // fractional quantities are computed exactly too
    [1, 19.99, 0, 20],
  ])('%d × %d at %d %% → %d', (quantity, price, pct, amount) => {
    expect(relbaseLineAmount(quantity, price, pct)).toBe(amount);
  });

  it('is exact where floats are not', () => {
    // 30 × (1 − 55/100) is 13.499999999999998 in floats, so Math.round would give 13
    expect(relbaseLineAmount(1, 30, 55)).toBe(14);
    expect(relbaseLineAmount(1, 90, 65)).toBe(32);
    // 1.005 × 1000 is 1004.9999999999999 in floats but 1005 exactly
    expect(relbaseLineAmount(1.005, 1000, 0)).toBe(1005);
  });

  it('matches the integer oracle on generated lines', () => {
    const random = seededRandom(39);
    for (let i = 0; i < 3000; i++) {
      const quantity = random.int(1, 50);
      const price = random.int(1, 2_000_000);
      const pctMillionths = BigInt(random.int(0, 100_000_000));
      const pct = Number(pctMillionths) / 1_000_000;
      expect(relbaseLineAmount(quantity, price, pct), `${quantity} × ${price} at ${pct}`).toBe(
        oracleAmount(quantity, price, pctMillionths),
      );
    }
  });

  it.each([
    [1, 100, -1],
    [1, 100, 100.000001],
    [1, 100, 12.3456789],
    [-1, 100, 0],
    [1, -100, 0],
    [1, 100, Number.NaN],
  ])('throws a DomainError for %d × %d at %d %%', (quantity, price, pct) => {
    expect(() => relbaseLineAmount(quantity, price, pct)).toThrow(DomainError);
  });
});

describe('discountPercentFor', () => {
  it.each([
    [1, 1000, 0, 0],
    [2, 11900, 2975, 12.5],
    [3, 9990, 1000, 3.337], // no percentage with fewer decimals lands on 28970
    [1, 1000, 1000, 100],
    [7, 1, 3, 43], // 4.0 of 7: 43 % gives 3.99 → 4, nearer the exact 42.857… than 42.5…
    [1, 0, 0, 0],
    [4, 4990, 499, 2.5],
  ])('%d × %d − %d → %d %%', (quantity, unitPrice, discount, pct) => {
    expect(discountPercentFor(quantity, unitPrice, discount)).toBe(pct);
  });

  it('returns null when no percentage can land on the amount', () => {
    expect(discountPercentFor(1, 100, 101)).toBeNull();
    expect(discountPercentFor(1, 100, -1)).toBeNull();
    expect(discountPercentFor(1, 0, 1)).toBeNull();
    // 3·10^8 pesos: one millionth of a percent moves the amount by 3 pesos, so 299_999_999 is skipped
    expect(discountPercentFor(1, 300_000_000, 1)).toBeNull();
  });

  it.each([
    [0, 100, 0],
    [1.5, 100, 0],
    [1, 99.5, 0],
    [1, 100, 0.5],
  ])('throws a DomainError for %d × %d − %d', (quantity, unitPrice, discount) => {
    expect(() => discountPercentFor(quantity, unitPrice, discount)).toThrow(DomainError);
  });

  it('lands exactly on every generated line, with the fewest decimals possible', () => {
    const random = seededRandom(1001);
    for (let i = 0; i < 4000; i++) {
      const quantity = random.int(1, 50);
      const unitPrice = random.pick([random.int(1, 100), random.int(1, 20_000), random.int(1, 2_000_000)]);
      const gross = quantity * unitPrice;
      const discount = random.pick([0, gross, random.int(0, gross), random.int(0, Math.min(gross, 5000))]);
      const target = gross - discount;
      const context = `${quantity} × ${unitPrice} − ${discount} = ${target}`;

      const pct = discountPercentFor(quantity, unitPrice, discount);
      expect(pct, context).not.toBeNull();
      if (pct === null) continue;
      expect(pct, context).toBeGreaterThanOrEqual(0);
      expect(pct, context).toBeLessThanOrEqual(100);
      expect(oracleAmount(quantity, unitPrice, millionths(pct)), `${context} at ${pct}`).toBe(target);
      expect(relbaseLineAmount(quantity, unitPrice, pct), `${context} at ${pct}`).toBe(target);

      // The amounts that land form one interval around the exact ratio, so if a percentage with j
      // decimals worked, the j-decimal neighbours of the exact ratio would be among them.
      for (let j = 0; j < decimalsOf(pct); j++) {
        const step = 10n ** BigInt(6 - j);
        const exactNumerator = BigInt(discount) * 100_000_000n; // ideal millionths = this / gross
        const below = (exactNumerator / BigInt(gross) / step) * step;
        for (const candidate of [below, below + step]) {
          if (candidate > 100_000_000n) continue;
          expect(oracleAmount(quantity, unitPrice, candidate), `${context}: ${candidate} millionths would do`).not.toBe(
            target,
          );
        }
      }
    }
  });
});
