import { describe, expect, it } from 'vitest';
import { SKU_MAX_CHARS, checkSkus, isSkuAcceptable } from '../../../src/domain/sku.js';

describe('isSkuAcceptable', () => {
  it.each([
    ['ABC-123', true],
    ['  ABC-123  ', true],
    ['camisa-azul/talla M', true],
    ['ñandú-é', true],
    ['x'.repeat(SKU_MAX_CHARS), true],
    ['x'.repeat(SKU_MAX_CHARS + 1), false],
    ['', false],
    ['   ', false],
    [null, false],
    [undefined, false],
    ['AB\tC', false],
    ['AB\nC', false],
    ['AB\u0000C', false],
    ['AB\u007fC', false],
  ])('%j → %s', (sku, acceptable) => {
    expect(isSkuAcceptable(sku)).toBe(acceptable);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(isSkuAcceptable('🎒'.repeat(SKU_MAX_CHARS))).toBe(true);
  });
});

describe('checkSkus', () => {
  it('sorts items into valid, missing, invalid and duplicated', () => {
    const result = checkSkus([
      { key: 'p1', sku: ' A ', label: 'Mochila' },
      { key: 'p2', sku: null, label: 'Gorro' },
      { key: 'v3', sku: 'B', label: 'Polera S' },
      { key: 'v4', sku: 'B', label: 'Polera M' },
      { key: 'p5', sku: '', label: 'Bastón' },
      { key: 'p6', sku: 'C', label: 'Carpa' },
      { key: 'p7', sku: 'B ', label: 'Polera L' },
      { key: 'p8', sku: 'D\u0007', label: 'Linterna' },
      { key: 'p9', sku: undefined, label: 'Saco' },
    ]);
    expect(result.valid).toEqual([
      { key: 'p1', sku: 'A', label: 'Mochila' },
      { key: 'p6', sku: 'C', label: 'Carpa' },
    ]);
    expect(result.missing).toEqual([
      { key: 'p2', label: 'Gorro' },
      { key: 'p5', label: 'Bastón' },
      { key: 'p9', label: 'Saco' },
    ]);
    expect(result.duplicated).toEqual([
      {
        sku: 'B',
        items: [
          { key: 'v3', label: 'Polera S' },
          { key: 'v4', label: 'Polera M' },
          { key: 'p7', label: 'Polera L' },
        ],
      },
    ]);
    expect(result.invalid).toEqual([{ key: 'p8', label: 'Linterna', sku: 'D\u0007', reason: 'the SKU contains control characters' }]);
  });

  it('keeps valid items in input order and keeps their other properties', () => {
    const result = checkSkus([
      { key: '1', sku: 'Z', label: 'z', productId: 1 },
      { key: '2', sku: 'Y', label: 'y', productId: 2 },
      { key: '3', sku: 'Z', label: 'z2', productId: 3 },
      { key: '4', sku: 'X', label: 'x', productId: 4 },
    ]);
    expect(result.valid.map((item) => [item.key, item.productId])).toEqual([
      ['2', 2],
      ['4', 4],
    ]);
  });

  it('treats SKUs differing in case as different', () => {
    expect(
      checkSkus([
        { key: '1', sku: 'abc', label: 'a' },
        { key: '2', sku: 'ABC', label: 'b' },
      ]).valid,
    ).toHaveLength(2);
  });

  it('returns empty lists for no items', () => {
    expect(checkSkus([])).toEqual({ valid: [], missing: [], invalid: [], duplicated: [] });
  });
});
