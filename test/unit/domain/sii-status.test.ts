import { describe, expect, it } from 'vitest';
import { nextSiiCheckAt, SII_FOLLOW_FOR_MS, SII_MAX_INTERVAL_MS, siiReasonText, siiVerdictOf } from '../../../src/domain/sii-status.js';

describe('siiVerdictOf', () => {
  it('reads the values the reference has seen', () => {
    expect(siiVerdictOf('accepted')).toBe('accepted');
    expect(siiVerdictOf('accepted_objection')).toBe('accepted');
    expect(siiVerdictOf('sent_sii')).toBe('pending');
    expect(siiVerdictOf('cancel')).toBe('canceled');
  });
  it('takes the assumed rejection words in any case', () => {
    expect(siiVerdictOf('rejected')).toBe('rejected');
    expect(siiVerdictOf('Rechazado')).toBe('rejected');
    expect(siiVerdictOf(' REJECTED_SII ')).toBe('rejected');
  });
  it('keeps following an unknown or missing value', () => {
    expect(siiVerdictOf(null)).toBe('pending');
    expect(siiVerdictOf('')).toBe('pending');
    expect(siiVerdictOf('received')).toBe('pending');
  });
});

describe('siiReasonText', () => {
  it("gives relBase's words, masking a RUT in them", () => {
    expect(siiReasonText('Rechazado por el SII: RUT receptor 76.192.083-9 no existe', 'rejected')).toBe('Rechazado por el SII: RUT receptor 76.1xx.xxx-9 no existe');
    expect(siiReasonText('RUT 76192083-9', 'rejected')).toBe('RUT 76.1xx.xxx-9');
  });
  it('falls back to the status, then to saying none was given, and bounds the length', () => {
    expect(siiReasonText(null, 'rejected')).toBe('rejected');
    expect(siiReasonText('  ', null)).toBe('no reason given');
    const long = siiReasonText('x'.repeat(1000), 'rejected');
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('nextSiiCheckAt', () => {
  it('doubles the wait from the first one, up to the longest interval', () => {
    expect(nextSiiCheckAt(0, 0, 0, 60_000)).toBe(60_000);
    expect(nextSiiCheckAt(0, 60_000, 1, 60_000)).toBe(60_000 + 120_000);
    expect(nextSiiCheckAt(0, 180_000, 2, 60_000)).toBe(180_000 + 240_000);
    expect(nextSiiCheckAt(0, 1_000_000, 30, 60_000)).toBe(1_000_000 + SII_MAX_INTERVAL_MS);
  });
  it('puts the last look on the end of the follow-up and stops there', () => {
    const startedAt = 1_000;
    let at = startedAt;
    const looks: number[] = [];
    for (let i = 0; ; i++) {
      const next = nextSiiCheckAt(startedAt, at, i, 60_000);
      if (next === null) break;
      expect(next).toBeGreaterThan(at);
      looks.push(next);
      at = next;
    }
    expect(at).toBe(startedAt + SII_FOLLOW_FOR_MS);
    // Bounded: about twenty looks in three days, not thousands.
    expect(looks.length).toBeGreaterThan(10);
    expect(looks.length).toBeLessThan(30);
  });
  it('never waits zero, even when told to', () => {
    expect(nextSiiCheckAt(0, 0, 0, 0)).toBe(1);
  });
});
