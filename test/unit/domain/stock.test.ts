import { describe, expect, it } from 'vitest';
import { stockForShop } from '../../../src/domain/stock.js';
import { seededRandom } from './seeded-random.js';

describe('stockForShop', () => {
  it.each([
    [3.7, 3],
    [3, 3],
    [0.99, 0],
    [12.0, 12],
    [2.9999999999999996, 3], // 0.1-step movements summed in floats
    [0.1 + 0.2 + 2.7, 3],
    [-3.7, 0],
    [-1, 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 0],
    [Number.NEGATIVE_INFINITY, 0],
    [1_000_000.5, 1_000_000],
  ])('%d → %d', (relbase, shop) => {
    expect(stockForShop(relbase)).toBe(shop);
  });

  it('never returns negative zero', () => {
    for (const value of [-0, -0.5, 0.5, -1e-9]) expect(Object.is(stockForShop(value), 0), String(value)).toBe(true);
  });

  it('always gives a whole number between 0 and the relBase figure', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const relbase = (random.int(-100_000, 100_000) + random.int(0, 999) / 1000) * random.pick([1, 0.1]);
      const shop = stockForShop(relbase);
      expect(Number.isSafeInteger(shop), String(relbase)).toBe(true);
      expect(shop, String(relbase)).toBeGreaterThanOrEqual(0);
      expect(shop, String(relbase)).toBe(relbase <= 0 ? 0 : Math.floor(Number(relbase.toPrecision(15))));
    }
  });
});
