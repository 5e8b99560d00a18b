import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { discountPercentFor, relbaseLineAmount, siiLineAmount } from '../../../src/domain/relbase-line.js';
import { contractLineAmount, siiLineAmount as oracleSiiAmount } from './fiscal-oracle.js';
import { seededRandom } from './seeded-random.js';

function decimalsOf(pct: number): number {
  return (String(pct).split('.')[1] ?? '').length;
}

describe('relbaseLineAmount (the contract: round_half_up(q × p × (1 − pct/100)))', () => {
  it.each([
    [2, 11900, 12.5, 20825],
    [1, 1190, 0, 1190],
    [1, 1190, 100, 0],
    [3, 9990, 3.34, 28969], // 28969.002 → 28969
    [1, 1, 50, 1], // 0.5 rounds up
    [1, 3, 50, 2], // 1.5 rounds up
    [1, 5, 10, 5], // 4.5 rounds up
    [1.5, 1000, 10, 1350], // fractional quantities are computed exactly too
    [1, 19.99, 0, 20],
  ])('%s × %s at %s percent → %s', (quantity, price, pct, amount) => {
    expect(relbaseLineAmount(quantity, price, pct)).toBe(amount);
  });

  it('is exact where floats are not', () => {
    // 30 × (1 − 55/100) is 13.499999999999998 in floats, so Math.round would give 13
    expect(relbaseLineAmount(1, 30, 55)).toBe(14);
    expect(relbaseLineAmount(1, 90, 65)).toBe(32);
    expect(relbaseLineAmount(1.005, 1000, 0)).toBe(1005);
  });

  it.each([
    [1, 100, -1],
    [1, 100, 100.01],
    [1, 100, 12.345], // the SII holds 2 decimals
    [-1, 100, 0],
    [1, -100, 0],
    [1, 100, Number.NaN],
  ])('throws a DomainError for %s × %s at %s percent', (quantity, price, pct) => {
    expect(() => relbaseLineAmount(quantity, price, pct)).toThrow(DomainError);
  });
});

describe('siiLineAmount (the SII: round(q × p) − round(round(q × p) × pct / 100), chile-dte.md B4)', () => {
  it('differs from the contract exactly on half pesos', () => {
    // 1 × 5 at 10 %: the discount is 0.5 → the SII takes 1 peso off, the contract rounds 4.5 up to 5.
    expect(siiLineAmount(1, 5, 10)).toBe(4);
    expect(relbaseLineAmount(1, 5, 10)).toBe(5);
    // 1 × 35 at 90 %: 35 − round(31.5) = 3, where the contract says round(3.5) = 4.
    expect(siiLineAmount(1, 35, 90)).toBe(3);
    expect(relbaseLineAmount(1, 35, 90)).toBe(4);
  });

  it('matches the independent oracle on generated lines', () => {
    const random = seededRandom(39);
    for (let i = 0; i < 3000; i++) {
      const quantity = random.int(1, 50);
      const price = random.int(1, 2_000_000);
      const pct = random.int(0, 10_000) / 100;
      expect(siiLineAmount(quantity, price, pct)).toBe(oracleSiiAmount(quantity, price, pct));
      expect(relbaseLineAmount(quantity, price, pct)).toBe(contractLineAmount(quantity, price, pct));
    }
  });
});

describe('discountPercentFor', () => {
  it.each([
    [1, 1000, 0, 0],
    [2, 11900, 2975, 12.5],
    [1, 1000, 1000, 100],
    [7, 1, 3, 43], // 3 of 7: 43 % takes 3.01, nearer the exact 42.857… than 42.5 %
    [1, 0, 0, 0],
    [4, 4990, 499, 2.5],
    [3, 9990, 998, 3.33], // 29 970 × 3.33 % = 998.001 → 998 under both rules
  ])('%s × %s − %s → %s percent', (quantity, unitPrice, discount, pct) => {
    expect(discountPercentFor(quantity, unitPrice, discount)).toBe(pct);
  });

  it("refuses the issue's example: one unit at 19 990 with 1 234 off needs 6.173 %, and 6.17 % gives 1 233", () => {
    expect(discountPercentFor(1, 19_990, 1234)).toBeNull();
  });

  it('avoids the half peso where the two rules part: 35 with 31 off is 89 %, not the 88.57 … nor 90 %', () => {
    // 90 % of 35 is 31.5: the contract would charge 4, the SII 3; 89 % takes 31.15 → 31 under both.
    expect(discountPercentFor(1, 35, 31)).toBe(89);
    expect(discountPercentFor(1, 35, 32)).toBe(91); // 91 %: 31.85 → 32
  });

  it('returns null when no percentage can land on the amount', () => {
    expect(discountPercentFor(1, 100, 101)).toBeNull();
    expect(discountPercentFor(1, 100, -1)).toBeNull();
    expect(discountPercentFor(1, 0, 1)).toBeNull();
  });

  it.each([
    [0, 100, 0],
    [1.5, 100, 0],
    [1, 99.5, 0],
    [1, 100, 0.5],
  ])('throws a DomainError for %d × %d − %d', (quantity, unitPrice, discount) => {
    expect(() => discountPercentFor(quantity, unitPrice, discount)).toThrow(DomainError);
  });

  it('always finds one up to 10 000 pesos, exact under both rules, with the fewest decimals possible', () => {
    const random = seededRandom(1001);
    for (let i = 0; i < 4000; i++) {
      const quantity = random.int(1, 20);
      const unitPrice = random.int(1, Math.floor(10_000 / quantity));
      const gross = quantity * unitPrice;
      const discount = random.pick([0, gross, random.int(0, gross)]);
      const context = `${quantity} × ${unitPrice} − ${discount}`;
      const pct = discountPercentFor(quantity, unitPrice, discount);
      expect(pct, context).not.toBeNull();
      if (pct === null) continue;
      expect(decimalsOf(pct), context).toBeLessThanOrEqual(2);
      expect(contractLineAmount(quantity, unitPrice, pct), `${context} at ${pct} (contract)`).toBe(gross - discount);
      expect(oracleSiiAmount(quantity, unitPrice, pct), `${context} at ${pct} (SII)`).toBe(gross - discount);
      // No rounder percentage would have done: whole and one-decimal neighbours of the ratio fail.
      for (let decimals = 0; decimals < decimalsOf(pct); decimals++) {
        const step = 10 ** (2 - decimals);
        const below = Math.floor((discount * 10_000) / gross / step) * step;
        for (const candidate of [below, below + step].filter((c) => c <= 10_000)) {
          const p = candidate / 100;
          const both = contractLineAmount(quantity, unitPrice, p) === gross - discount && oracleSiiAmount(quantity, unitPrice, p) === gross - discount;
          expect(both, `${context}: ${p} % would do`).toBe(false);
        }
      }
    }
  });

  it('above 10 000 pesos either finds an exact 2-decimal percentage or says there is none', () => {
    const random = seededRandom(1002);
    let found = 0;
    for (let i = 0; i < 4000; i++) {
      const quantity = random.int(1, 10);
      const unitPrice = random.int(10_001, 300_000);
      const gross = quantity * unitPrice;
      const discount = random.int(0, gross);
      const pct = discountPercentFor(quantity, unitPrice, discount);
      // Every percentage that could land within a peso of the discount, tried by brute force.
      const first = Math.max(0, Math.floor(((discount - 1) * 10_000) / gross));
      const last = Math.min(10_000, Math.ceil(((discount + 1) * 10_000) / gross));
      let exists = false;
      for (let k = first; k <= last; k++) {
        const p = k / 100;
        if (contractLineAmount(quantity, unitPrice, p) === gross - discount && oracleSiiAmount(quantity, unitPrice, p) === gross - discount) exists = true;
      }
      expect(pct !== null, `${quantity} × ${unitPrice} − ${discount}`).toBe(exists);
      if (pct !== null) {
        found++;
        expect(contractLineAmount(quantity, unitPrice, pct)).toBe(gross - discount);
        expect(oracleSiiAmount(quantity, unitPrice, pct)).toBe(gross - discount);
      }
    }
    expect(found).toBeGreaterThan(0);
  });
});
