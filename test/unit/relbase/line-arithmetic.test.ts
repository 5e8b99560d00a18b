import { describe, expect, it } from 'vitest';
import { documentAmounts, exactDecimal, lineAmount, roundHalfUp } from '../../../src/sandbox/relbase/line-arithmetic.js';

describe('exact line arithmetic of the relBase simulator', () => {
  it('reads a JSON number as the decimal it was written as', () => {
    expect(exactDecimal(12.5)).toEqual({ num: 125n, den: 10n });
    expect(exactDecimal(0.1)).toEqual({ num: 1n, den: 10n });
    expect(exactDecimal(1e21)).toEqual({ num: 10n ** 21n, den: 1n });
    expect(exactDecimal(1e-7)).toEqual({ num: 1n, den: 10n ** 7n });
    expect(exactDecimal(-2.25)).toEqual({ num: -225n, den: 100n });
  });

  it('rounds halves away from zero', () => {
    expect(roundHalfUp({ num: 5n, den: 2n })).toBe(3);
    expect(roundHalfUp({ num: 7n, den: 2n })).toBe(4);
    expect(roundHalfUp({ num: -5n, den: 2n })).toBe(-3);
    expect(roundHalfUp({ num: 49n, den: 100n })).toBe(0);
  });

  it('3 × 9990 with 12.5 % off is 26223.75, rounded to 26224', () => {
    expect(lineAmount(3, 9990, 12.5)).toBe(26224);
  });

  it('gets the half-way case right where floats do not (35 with 90 % off = 3.5 → 4)', () => {
    expect(Math.round(35 * (1 - 90 / 100))).toBe(3); // the float trap this module exists for
    expect(lineAmount(1, 35, 90)).toBe(4);
  });

  it('handles fractional quantities and no discount', () => {
    expect(lineAmount(2.5, 1990)).toBe(4975);
    expect(lineAmount(0.333, 1000, 0)).toBe(333);
    expect(lineAmount(1, 11900, 100)).toBe(0);
  });

  it('splits a gross total into neto = round(total / 1.19) and IVA = total − neto', () => {
    expect(documentAmounts([{ amount: 1190, taxAffected: true }], true)).toEqual({
      amount_neto: 1000,
      amount_iva: 190,
      amount_exempt: 0,
      amount_total: 1190,
    });
    // 1071 / 1.19 = 900 exactly (LibreDTE fixture 039_002)
    expect(documentAmounts([{ amount: 1071, taxAffected: true }], true).amount_neto).toBe(900);
    // 26224 / 1.19 = 22036.97 → 22037, IVA 4187
    expect(documentAmounts([{ amount: 26224, taxAffected: true }], true)).toMatchObject({ amount_neto: 22037, amount_iva: 4187 });
  });

  it('adds IVA on top of net lines and keeps exempt lines out of IVA', () => {
    expect(
      documentAmounts(
        [
          { amount: 9000, taxAffected: true },
          { amount: 500, taxAffected: false },
        ],
        false,
      ),
    ).toEqual({ amount_neto: 9000, amount_iva: 1710, amount_exempt: 500, amount_total: 11210 });
  });
});
