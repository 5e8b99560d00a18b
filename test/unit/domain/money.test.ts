import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { isWholePesos, roundHalfUp, toClp } from '../../../src/domain/money.js';
import { seededRandom } from './seeded-random.js';

describe('roundHalfUp', () => {
  it.each([
    [0.5, 1],
    [1.5, 2],
    [2.5, 3], // banker's rounding would give 2
    [-0.5, -1],
    [-2.5, -3], // Math.round gives -2
    [2.4999, 2],
    [-2.4999, -2],
    [1190 / 1.19, 1000],
    [11990.0, 11990],
    [0.1 + 0.2, 0],
  ])('%d → %d', (x, rounded) => {
    expect(roundHalfUp(x)).toBe(rounded);
  });

  it.each([
    [2.675, 2, 2.68], // the double is 2.67499999999999982236431605997495353221893310546875
    [1.005, 2, 1.01], // 1.00499999999999989341858963598497211933135986328125
    [1.255, 2, 1.26],
    [-1.005, 2, -1.01],
    [8.345, 2, 8.35],
    [0.125, 2, 0.13],
    [1.2345, 3, 1.235],
    [1.23e-7, 8, 1.2e-7],
    [12.5, 6, 12.5],
  ])('%d at %d places → %d', (x, decimals, rounded) => {
    expect(roundHalfUp(x, decimals)).toBe(rounded);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundHalfUp(-0.4), 0)).toBe(true);
    expect(Object.is(roundHalfUp(-0), 0)).toBe(true);
    expect(Object.is(roundHalfUp(-0.004, 2), 0)).toBe(true);
  });

  it('leaves large whole numbers alone', () => {
    expect(roundHalfUp(1e21)).toBe(1e21);
    expect(roundHalfUp(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rounds any k + 0.5 away from zero and anything else to the nearest integer', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 5000; i++) {
      const whole = random.int(-1_000_000, 1_000_000);
      const cents = random.int(0, 99);
      const x = Number(`${whole}.${String(cents).padStart(2, '0')}`);
      const magnitude = Math.abs(whole) + (cents >= 50 ? 1 : 0);
      const expected = whole < 0 || (whole === 0 && x < 0) ? -magnitude : magnitude;
      expect(roundHalfUp(x), String(x)).toBe(expected === 0 ? 0 : expected);
    }
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('throws a DomainError for %d', (x) => {
    expect(() => roundHalfUp(x)).toThrow(DomainError);
  });

  it.each([-1, 1.5, 16])('refuses %d decimal places', (decimals) => {
    expect(() => roundHalfUp(1, decimals)).toThrow(DomainError);
  });
});

describe('toClp', () => {
  it.each([
    [11990.0, 11990],
    [11990.000000000002, 11990],
    [0, 0],
    [369.2, 369],
    [369.5, 370],
    [-79.5, -80],
  ])('%d → %d pesos', (amount, pesos) => {
    expect(toClp(amount)).toBe(pesos);
  });

  it('refuses amounts that cannot be counted exactly', () => {
    expect(() => toClp(1e20)).toThrow(DomainError);
    expect(() => toClp(Number.NaN)).toThrow(DomainError);
  });
});

describe('isWholePesos', () => {
  it.each([
    [11990.0, true],
    [0, true],
    [-500, true],
    [11990.000000000002, true], // float noise from arithmetic
    [0.1 + 0.2 + 0.7, true],
    [11990.5, false],
    [399.8, false],
    [0.01, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    [1e20, false],
  ])('%d → %s', (amount, whole) => {
    expect(isWholePesos(amount)).toBe(whole);
  });
});
