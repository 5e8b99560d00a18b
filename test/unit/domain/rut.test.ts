import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { cleanRut, computeRutDv, formatRutWithDots, maskRut, parseRut } from '../../../src/domain/rut.js';
import { seededRandom } from './seeded-random.js';

describe('computeRutDv', () => {
  it.each([
    ['76192083', '9'], // the worked example in chile-dte.md B3
    ['66666666', '6'], // generic boleta RUT
    ['60803000', 'K'], // the SII
    ['11111111', '1'],
    ['5126663', '3'],
    ['1', '9'],
    ['0', '0'], // r = 11 → '0'
  ])('%s → %s', (digits, dv) => {
    expect(computeRutDv(digits)).toBe(dv);
  });

  it('matches a straightforward módulo 11 over many bodies', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const body = String(random.int(1, 99_999_999));
      const reversed = [...body].reverse().map(Number);
      const weights = [2, 3, 4, 5, 6, 7];
      const total = reversed.reduce((sum, digit, index) => sum + digit * (weights[index % 6] ?? 0), 0);
      const r = 11 - (total % 11);
      const expected = r === 11 ? '0' : r === 10 ? 'K' : String(r);
      expect(computeRutDv(body), body).toBe(expected);
    }
  });

  it.each(['', '12a', '12.345', '-1', ' 1'])('throws a DomainError for %j', (digits) => {
    expect(() => computeRutDv(digits)).toThrow(DomainError);
  });
});

describe('cleanRut', () => {
  it.each([
    ['76.192.083-9', '76192083-9'],
    [' 60.803.000-k ', '60803000-K'],
    ['60803000k', '60803000-K'],
    ['7619-2083-9', '76192083-9'],
    ['76 192 083 9', '76192083-9'],
    ['76.192.083–9', '76192083-9'], // en dash
    ['9', '9'],
    ['', ''],
  ])('%j → %j', (input, cleaned) => {
    expect(cleanRut(input)).toBe(cleaned);
  });
});

describe('parseRut', () => {
  it.each([
    ['76.192.083-9', '76192083-9', '76192083', '9'],
    ['76192083-9', '76192083-9', '76192083', '9'],
    ['66666666-6', '66666666-6', '66666666', '6'],
    ['60803000-K', '60803000-K', '60803000', 'K'],
    ['60.803.000-k', '60803000-K', '60803000', 'K'],
    ['1-9', '1-9', '1', '9'],
    ['0076192083-9', '76192083-9', '76192083', '9'],
  ])('accepts %j as %s', (input, rut, body, dv) => {
    expect(parseRut(input)).toEqual({ ok: true, rut, body, dv });
  });

  it('rejects a wrong check digit and says which one was expected', () => {
    const result = parseRut('76.192.083-8');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('needs 9');
  });

  it.each([
    [null, 'empty'],
    [undefined, 'empty'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['hola', 'not a RUT'],
    ['76192083-X', 'not a RUT'],
    ['7619208a-9', 'not a RUT'],
    ['K', 'not a RUT'],
    ['0-0', 'zero'],
    ['123456789-2', 'at most 8'],
  ])('rejects %j with a reason mentioning %j', (input, words) => {
    const result = parseRut(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(words);
  });

  it('accepts every body with its computed DV and rejects every other DV', () => {
    const random = seededRandom(76);
    const dvs = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'K'];
    for (let i = 0; i < 500; i++) {
      const body = String(random.int(1, 99_999_999));
      const dv = computeRutDv(body);
      expect(parseRut(formatRutWithDots(`${body}-${dv}`))).toMatchObject({ ok: true, rut: `${body}-${dv}` });
      const wrong = random.pick(dvs.filter((candidate) => candidate !== dv));
      expect(parseRut(`${body}-${wrong}`).ok, `${body}-${wrong}`).toBe(false);
    }
  });
});

describe('formatRutWithDots', () => {
  it.each([
    ['76192083-9', '76.192.083-9'],
    ['60803000k', '60.803.000-K'],
    ['5126663-3', '5.126.663-3'],
    ['1-9', '1-9'],
    ['123456-0', '123.456-0'],
  ])('%s → %s', (input, formatted) => {
    expect(formatRutWithDots(input)).toBe(formatted);
  });

  it('refuses an invalid RUT', () => {
    expect(() => formatRutWithDots('76192083-8')).toThrow(DomainError);
  });
});

describe('maskRut', () => {
  it.each([
    ['76192083-9', '76.1xx.xxx-9'],
    ['76.192.083-9', '76.1xx.xxx-9'],
    ['7.654.321-k', '7.65x.xxx-K'],
    ['12345-6', '1x.xxx-6'],
    ['1-9', '1-9'],
  ])('%j → %j', (input, masked) => {
    expect(maskRut(input)).toBe(masked);
  });

  it('tells text that is not shaped like a RUT only by its length', () => {
    expect(maskRut('no tengo')).toBe('8 characters');
  });
});

describe('reasons never carry the RUT in clear (they reach Temporal memos and the orders table)', () => {
  it.each(['12.345.678-4', '123456784', '912.345.678-2', '1234567a-5'])('%j', (input) => {
    const result = parseRut(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toMatch(/345\.?67/);
  });
});
