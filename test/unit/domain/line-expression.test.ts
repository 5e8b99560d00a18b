import { describe, expect, it } from 'vitest';
import { settleAmounts } from '../../../src/domain/amount-settling.js';
import { expressAtUnitPrice, expressLine } from '../../../src/domain/line-expression.js';
import type { LinePart } from '../../../src/domain/line-expression.js';
import { contractLineAmount, pctHundredths, siiLineAmount } from './fiscal-oracle.js';
import { seededRandom } from './seeded-random.js';

function expectExact(parts: LinePart[] | null, quantity: number, amount: number): LinePart[] {
  expect(parts).not.toBeNull();
  const list = parts ?? [];
  for (const part of list) {
    pctHundredths(part.discountPct);
    expect(part.price).toBeGreaterThanOrEqual(1);
    expect(contractLineAmount(part.quantity, part.price, part.discountPct), JSON.stringify(part)).toBe(part.amount);
    expect(siiLineAmount(part.quantity, part.price, part.discountPct), JSON.stringify(part)).toBe(part.amount);
  }
  expect(list.reduce((s, p) => s + p.quantity, 0)).toBe(quantity);
  expect(list.reduce((s, p) => s + p.amount, 0)).toBe(amount);
  return list;
}

describe('expressLine', () => {
  it('is one line when a 2-decimal percentage fits', () => {
    expect(expressLine(2, 11_900, 20_825)).toEqual([{ quantity: 2, price: 11_900, discountPct: 12.5, amount: 20_825 }]);
    expect(expressLine(1, 11_900, 0)).toEqual([{ quantity: 1, price: 11_900, discountPct: 100, amount: 0 }]);
  });

  it('splits k units into k − 1 and 1 at the list price when no single percentage fits', () => {
    const parts = expectExact(expressLine(3, 19_990, 3 * 19_990 - 1234), 3, 3 * 19_990 - 1234);
    expect(parts.map((p) => [p.quantity, p.price])).toEqual([
      [2, 19_990],
      [1, 19_990],
    ]);
  });

  it('writes a single unit at its charged price when no percentage fits', () => {
    expect(expressLine(1, 19_990, 18_756)).toEqual([{ quantity: 1, price: 18_756, discountPct: 0, amount: 18_756 }]);
  });

  it('goes to prices per unit when the amount is above the list price', () => {
    expect(expressLine(3, 16_798, 50_395)).toEqual([
      { quantity: 2, price: 16_798, discountPct: 0, amount: 33_596 },
      { quantity: 1, price: 16_799, discountPct: 0, amount: 16_799 },
    ]);
    expect(expressAtUnitPrice(4, 400)).toEqual([{ quantity: 4, price: 100, discountPct: 0, amount: 400 }]);
    expect(expressAtUnitPrice(3, 2)).toBeNull();
  });

  it('is exact, within two lines, for every generated line', () => {
    const random = seededRandom(61);
    for (let i = 0; i < 5000; i++) {
      const quantity = random.pick([1, 2, 3, random.int(1, 60)]);
      const price = random.pick([random.int(1, 10_000), random.int(1, 300_000), random.int(1, 5_000_000)]);
      const amount = random.pick([random.int(quantity, quantity * price), quantity * price + random.int(0, quantity)]);
      const parts = expectExact(expressLine(quantity, price, amount), quantity, amount);
      expect(parts.length).toBeLessThanOrEqual(2);
    }
  });
});

describe('settleAmounts', () => {
  it('moves pesos so lines land where one line carries them, keeping the sum', () => {
    // 10 % of 59 970 + 29 980 in proportion is 5 997 + 2 998: 10 % exactly on both.
    const items = [
      { quantity: 3, unitPrice: 19_990, target: 59_970 - 5996, min: 0, max: 59_970 },
      { quantity: 2, unitPrice: 14_990, target: 29_980 - 2999, min: 0, max: 29_980 },
    ];
    const settled = settleAmounts(items);
    expect(settled).toEqual([59_970 - 5997, 29_980 - 2998]);
  });

  it('never moves fixed lines, nor past a bound', () => {
    expect(settleAmounts([{ quantity: 1, unitPrice: 19_990, target: 18_756, min: 18_756, max: 18_756 }])).toEqual([18_756]);
    const settled = settleAmounts([
      { quantity: 1, unitPrice: 19_990, target: 18_756, min: 0, max: 18_756 },
      { quantity: 1, unitPrice: 5, target: 5, min: 5, max: 5 },
    ]);
    expect(settled).toEqual([18_756, 5]);
  });

  it('hands the rest to a free-price line (shipping) first', () => {
    const settled = settleAmounts([
      { quantity: 3, unitPrice: 16_798, target: 50_395, min: 0, max: Number.POSITIVE_INFINITY },
      { quantity: 1, unitPrice: 3353, target: 3353, min: 1, max: Number.POSITIVE_INFINITY, freePrice: true },
    ]);
    expect(settled).toEqual([50_394, 3354]);
  });
});
