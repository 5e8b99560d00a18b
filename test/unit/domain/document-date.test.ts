import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { chileDayOf, documentDateFor, parseInstant } from '../../../src/domain/document-date.js';

describe('documentDateFor: the day of payment in Chile', () => {
  it.each([
    // Summer time (UTC−3): 31 March 23:40 in Santiago is 02:40 UTC on 1 April.
    ['2026-04-01 02:40:00 UTC', '2026-03-31'],
    ['2026-04-01 03:00:00 UTC', '2026-04-01'],
    // Winter time (UTC−4, from the first Sunday of April 2026): 31 July 23:30 is 03:30 UTC on 1 August.
    ['2026-08-01 03:30:00 UTC', '2026-07-31'],
    ['2026-08-01 04:00:00 UTC', '2026-08-01'],
    // Month and year ends: the IVA period is the day's in Chile, not in UTC.
    ['2026-01-01T02:59:59Z', '2025-12-31'],
    ['2025-12-31T23:59:59-03:00', '2025-12-31'],
    ['2026-03-01T00:30:00.123+00:00', '2026-02-28'],
  ])('%s → %s', (paidAt, day) => {
    expect(documentDateFor(paidAt)).toBe(day);
  });

  it('reads Jumpseller text and ISO 8601 alike', () => {
    expect(parseInstant('2023-02-10 13:56:35 UTC')).toBe(parseInstant('2023-02-10T13:56:35Z'));
    expect(parseInstant('2023-02-10T10:56:35-03:00')).toBe(parseInstant('2023-02-10T13:56:35Z'));
    expect(parseInstant('2024-02-29T12:00:00Z')).toBe(1_709_208_000_000);
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
  });

  it('refuses times without a zone and impossible dates', () => {
    for (const text of ['2026-03-31 23:40:00', '2026-02-30T10:00:00Z', '2026-13-01T00:00:00Z', '31/03/2026', '']) {
      expect(parseInstant(text), text).toBeNull();
    }
    expect(() => documentDateFor('2026-03-31 23:40:00')).toThrow(DomainError);
  });

  it('formats any instant as yyyy-mm-dd', () => {
    expect(chileDayOf(0)).toBe('1969-12-31');
  });
});
