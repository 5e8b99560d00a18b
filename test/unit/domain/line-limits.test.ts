import { describe, expect, it } from 'vitest';
import { BOLETA, FACTURA, NOTA_DE_VENTA } from '../../../src/domain/document-types.js';
import { MAX_BOLETA_LINES, MAX_FACTURA_LINES, allowsLineCount, maxLinesFor } from '../../../src/domain/order-lines.js';

describe('document line limits', () => {
  it('follows the SII schemas', () => {
    expect(MAX_FACTURA_LINES).toBe(60);
    expect(MAX_BOLETA_LINES).toBe(1000);
  });

  it.each([
    [FACTURA, undefined, 60],
    [BOLETA, undefined, 1000],
    [NOTA_DE_VENTA, undefined, 1000],
    [NOTA_DE_VENTA, null, 1000],
    [NOTA_DE_VENTA, BOLETA, 1000],
    [NOTA_DE_VENTA, FACTURA, 60],
  ] as const)('type %d becoming %s allows %d lines', (type, typeSii, max) => {
    expect(maxLinesFor(type, typeSii)).toBe(max);
    expect(allowsLineCount(type, max, typeSii)).toBe(true);
    expect(allowsLineCount(type, max + 1, typeSii)).toBe(false);
  });
});
