import { describe, expect, it } from 'vitest';
import { documentAmounts, exactDecimal, lineAmount, roundHalfUp, roundPercent } from '../../../src/sandbox/relbase/line-arithmetic.js';

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

  it('keeps a discount percentage to the 2 decimals the SII holds, rounding half up', () => {
    expect(roundPercent(6.173)).toBe(6.17);
    expect(roundPercent(12.345)).toBe(12.35);
    expect(roundPercent(2.675)).toBe(2.68); // the double is 2.67499…; the decimal sent is 2.675
    expect(roundPercent(12.5)).toBe(12.5);
    expect(roundPercent(0.004)).toBe(0);
  });

  it('3 × 9990 with 12.5 % off: 29 970 − round(3 746.25) = 26 224', () => {
    expect(lineAmount(3, 9990, 12.5)).toBe(26224);
  });

  it('takes the amount first and the discount on it, as the SII does (35 with 90 % off is 35 − round(31.5) = 3)', () => {
    // The contract's rule, round_half_up(35 × 0.1) = round(3.5), says 4: the two differ on half pesos.
    expect(lineAmount(1, 35, 90)).toBe(3);
    // The float trap exact arithmetic avoids: 500 × 0.7 % is 3.4999999999999996 in floats, 3.5 exactly.
    expect(Math.round(500 * (0.7 / 100))).toBe(3);
    expect(lineAmount(1, 500, 0.7)).toBe(496);
    expect(lineAmount(1, 5, 10)).toBe(4); // 5 − round(0.5)
  });

  it('applies the rounded percentage, not the one sent (19 990 with 6.173 % off is charged as 6.17 %)', () => {
    expect(lineAmount(1, 19990, 6.173)).toBe(19990 - 1233); // 19 990 × 6.17 % = 1 233.38
    expect(lineAmount(1, 19990, 6.173)).not.toBe(19990 - 1234);
  });

  it('handles fractional quantities and no discount', () => {
    expect(lineAmount(2.5, 1990)).toBe(4975);
    expect(lineAmount(0.333, 1000, 0)).toBe(333);
    expect(lineAmount(1, 11900, 100)).toBe(0);
  });

  it('splits a boleta gross total into neto = round(total / 1.19) and IVA = total − neto', () => {
    expect(documentAmounts([{ amount: 1190, taxAffected: true }], true, 39)).toEqual({
      amount_neto: 1000,
      amount_iva: 190,
      amount_exempt: 0,
      amount_total: 1190,
    });
    // 1071 / 1.19 = 900 exactly (LibreDTE fixture 039_002)
    expect(documentAmounts([{ amount: 1071, taxAffected: true }], true, 39).amount_neto).toBe(900);
    // 26224 / 1.19 = 22036.97 → 22037, IVA 4187
    expect(documentAmounts([{ amount: 26224, taxAffected: true }], true, 39)).toMatchObject({ amount_neto: 22037, amount_iva: 4187 });
  });

  it('adds IVA on top of net factura lines and keeps exempt lines out of IVA', () => {
    expect(
      documentAmounts(
        [
          { amount: 9000, taxAffected: true },
          { amount: 500, taxAffected: false },
        ],
        false,
        33,
      ),
    ).toEqual({ amount_neto: 9000, amount_iva: 1710, amount_exempt: 500, amount_total: 11210 });
  });

  it('computes a factura sent with gross lines from their nets, so its total can miss the gross sum', () => {
    // 3 × 19 990 gross = 59 970: net round(59 970 / 1.19) = 50 395, IVA round(9 575.05) = 9 575 → 59 970.
    expect(documentAmounts([{ amount: 59970, taxAffected: true }], true, 33).amount_total).toBe(59970);
    // Two lines of 1 000 gross: nets 840 + 840 = 1 680, IVA 319 → 1 999, not the 2 000 paid.
    expect(
      documentAmounts(
        [
          { amount: 1000, taxAffected: true },
          { amount: 1000, taxAffected: true },
        ],
        true,
        33,
      ),
    ).toEqual({
      amount_neto: 1680,
      amount_iva: 319,
      amount_exempt: 0,
      amount_total: 1999,
    });
  });
});
