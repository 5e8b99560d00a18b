import { describe, expect, it } from 'vitest';
import { giroForSii, itemNameForSii, razonSocialForSii } from '../../../src/domain/sii-text.js';
import { truncateAtWord } from '../../../src/domain/text.js';

describe('truncateAtWord', () => {
  it('keeps text that fits', () => {
    expect(truncateAtWord('Venta de ropa', 40)).toBe('Venta de ropa');
  });

  it('cuts at the last word that fits, dropping a dangling comma or hyphen', () => {
    expect(truncateAtWord('Venta al por menor de artículos deportivos', 40)).toBe('Venta al por menor de artículos');
    expect(truncateAtWord('Venta de ropa, calzado y accesorios', 15)).toBe('Venta de ropa');
    expect(truncateAtWord('Asesorías - consultoría informática', 12)).toBe('Asesorías');
  });

  it('keeps a word that ends exactly at the limit', () => {
    expect(truncateAtWord('Venta de ropa usada', 13)).toBe('Venta de ropa');
  });

  it('cuts one very long word at the limit rather than keeping almost nothing', () => {
    expect(truncateAtWord('SpA Comercializadoradeartículosdeportivos', 20)).toBe('SpA Comercializadora');
    expect(truncateAtWord('Supercalifragilístico', 10)).toBe('Supercalif');
  });

  it('counts characters, not UTF-16 units, and never splits an emoji', () => {
    expect(truncateAtWord('Ñandú 🦤 y más cosas', 8)).toBe('Ñandú 🦤');
  });
});

describe('SII text limits (chile-dte.md B2)', () => {
  it('giro: 40, razón social: 100, item name: 80; blank is null', () => {
    const long = 'palabra '.repeat(30).trim();
    expect(Array.from(giroForSii(long) ?? '').length).toBeLessThanOrEqual(40);
    expect(Array.from(razonSocialForSii(long) ?? '').length).toBeLessThanOrEqual(100);
    expect(Array.from(itemNameForSii(long) ?? '').length).toBeLessThanOrEqual(80);
    expect(giroForSii(long)?.endsWith('palabra')).toBe(true);
    expect(giroForSii('   ')).toBeNull();
    expect(itemNameForSii('  Polera   azul  ')).toBe('Polera azul');
  });
});
