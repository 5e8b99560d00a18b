import { describe, expect, it } from 'vitest';
import { allocateDiscount } from '../../../src/domain/discounts.js';
import { DomainError } from '../../../src/domain/errors.js';
import { seededRandom } from './seeded-random.js';

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe('allocateDiscount', () => {
  it('splits in proportion when the shares are whole', () => {
    expect(allocateDiscount([1000, 3000], 400)).toEqual([100, 300]);
  });

  it('gives leftover pesos to the largest remainders', () => {
    // exact shares 857.09…, 142.70…, 0.20…: the leftover peso goes to the second line
    expect(allocateDiscount([29970, 4990, 7], 1000)).toEqual([857, 143, 0]);
  });

  it('breaks ties by the lowest index', () => {
    expect(allocateDiscount([1, 1, 1], 1)).toEqual([1, 0, 0]);
    expect(allocateDiscount([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(allocateDiscount([5, 5], 5)).toEqual([3, 2]);
  });

  it('handles zero discounts, zero lines and the full amount', () => {
    expect(allocateDiscount([100, 200], 0)).toEqual([0, 0]);
    expect(allocateDiscount([0, 100, 0], 100)).toEqual([0, 100, 0]);
    expect(allocateDiscount([100, 200], 300)).toEqual([100, 200]);
    expect(allocateDiscount([], 0)).toEqual([]);
    expect(allocateDiscount([0, 0], 0)).toEqual([0, 0]);
  });

  it('stays exact when amount × discount passes 2^53', () => {
    // exact shares 99_999_999.5, 99_999_998.500000005, 0.999999995: the two pesos left over go to
    // the two largest remainders, the last two lines
    const parts = allocateDiscount([100_000_000, 99_999_999, 1], 199_999_999);
    expect(parts).toEqual([99_999_999, 99_999_999, 1]);
    const big = allocateDiscount([100_000_001, 100_000_003], 100_000_001);
    expect(sum(big)).toBe(100_000_001);
    expect(big).toEqual([50_000_000, 50_000_001]);
  });

  it('throws a DomainError for a discount above the total or negative, and for non-whole input', () => {
    expect(() => allocateDiscount([100, 200], 301)).toThrow(DomainError);
    expect(() => allocateDiscount([100], -1)).toThrow(DomainError);
    expect(() => allocateDiscount([], 1)).toThrow(DomainError);
    expect(() => allocateDiscount([100.5], 1)).toThrow(DomainError);
    expect(() => allocateDiscount([-100, 200], 1)).toThrow(DomainError);
    expect(() => allocateDiscount([100], 0.5)).toThrow(DomainError);
  });

  it('always adds up exactly, never exceeds a line and never goes negative (generated cases)', () => {
    const random = seededRandom(2024);
    for (let i = 0; i < 3000; i++) {
      const amounts = Array.from({ length: random.int(1, 12) }, () => random.pick([0, 1, 7, 990, random.int(1, 50_000), random.int(1, 5_000_000)]));
      const discount = random.int(0, sum(amounts));
      const parts = allocateDiscount(amounts, discount);
      const context = JSON.stringify({ amounts, discount, parts });
      expect(sum(parts), context).toBe(discount);
      parts.forEach((part, index) => {
        expect(part, context).toBeGreaterThanOrEqual(0);
        expect(part, context).toBeLessThanOrEqual(amounts[index] ?? 0);
        expect(Number.isInteger(part), context).toBe(true);
        // largest remainder never moves a part more than one peso from its exact share
        const exact = ((amounts[index] ?? 0) * discount) / Math.max(sum(amounts), 1);
        expect(Math.abs(part - exact), context).toBeLessThan(1);
      });
      expect(allocateDiscount(amounts, discount), 'deterministic').toEqual(parts);
    }
  });
});
