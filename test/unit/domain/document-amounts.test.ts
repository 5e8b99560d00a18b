import { describe, expect, it } from 'vitest';
import { grossDocumentAmounts, ivaOnNet, netDocumentAmounts, netForGross } from '../../../src/domain/document-amounts.js';
import { checkIssuedAmounts } from '../../../src/domain/issued-check.js';
import { reachableByNet } from './fiscal-oracle.js';

describe('document header amounts (chile-dte.md B4)', () => {
  it('splits a boleta total: neto = round(total / 1.19), IVA = total − neto', () => {
    expect(grossDocumentAmounts(1190, 0)).toEqual({ neto: 1000, iva: 190, exempt: 0, total: 1190 });
    expect(grossDocumentAmounts(1071, 500)).toEqual({ neto: 900, iva: 171, exempt: 500, total: 1571 });
  });

  it('adds IVA to a factura net: round(neto × 0.19), halves up', () => {
    expect(netDocumentAmounts(9000, 0)).toEqual({ neto: 9000, iva: 1710, exempt: 0, total: 10_710 }); // LibreDTE 061_003
    expect(ivaOnNet(50)).toBe(10); // 9.5 → 10
    expect(ivaOnNet(150)).toBe(29); // 28.5 → 29
  });
});

describe('netForGross', () => {
  it('finds the neto whose neto + IVA is the gross paid', () => {
    expect(netForGross(59_970)).toEqual({ ok: true, neto: 50_395 });
    expect(netForGross(0)).toEqual({ ok: true, neto: 0 });
  });

  it('names the two nearest when none exists', () => {
    expect(netForGross(1193)).toEqual({ ok: false, below: { neto: 1002, gross: 1192 }, above: { neto: 1003, gross: 1194 } });
  });

  it('agrees with brute force, and about one gross total in six has no neto', () => {
    let unreachable = 0;
    for (let gross = 0; gross <= 50_000; gross++) {
      const found = netForGross(gross);
      expect(found.ok, String(gross)).toBe(reachableByNet(gross));
      if (found.ok) expect(found.neto + ivaOnNet(found.neto)).toBe(gross);
      else {
        unreachable++;
        expect([found.below.gross, found.above.gross]).toEqual([gross - 1, gross + 1]);
      }
    }
    expect(unreachable / 50_001).toBeCloseTo(19 / 119, 2);
  });
});

describe('checkIssuedAmounts', () => {
  const expected = { neto: 10_000, iva: 1900, exempt: 5000, total: 16_900 };

  it('matches a document that says what the plan expected', () => {
    expect(checkIssuedAmounts({ amount_total: 16_900, amount_neto: 10_000, amount_iva: 1900, amount_exempt: 5000 }, expected)).toEqual({ matches: true });
    expect(checkIssuedAmounts({ amount_total: 16_900 }, expected)).toEqual({ matches: true });
  });

  it('finds a total one peso off', () => {
    const check = checkIssuedAmounts({ amount_total: 16_899, amount_neto: 9999, amount_iva: 1900 }, expected);
    expect(check.matches).toBe(false);
    if (!check.matches) {
      expect(check.differences.map((d) => d.field)).toEqual(['total', 'neto']);
      expect(check.reason).toContain('total $16.899 where $16.900 was expected');
    }
  });

  it('finds an exempt line that relBase taxed: the total is right, the IVA is not', () => {
    const check = checkIssuedAmounts({ amount_total: 16_900, amount_neto: 14_202, amount_iva: 2698, amount_exempt: 0 }, expected);
    expect(check.matches).toBe(false);
    if (!check.matches) expect(check.differences.map((d) => d.field)).toEqual(['neto', 'iva', 'exempt']);
  });

  it('treats a missing total as a mismatch', () => {
    expect(checkIssuedAmounts({ amount_total: null }, expected).matches).toBe(false);
  });
});
