import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { mergeSettings, readSettings } from '../../../src/stores/settings.js';

describe('changing store settings through the admin API (mergeSettings)', () => {
  it('changes only the settings given and keeps every other one', () => {
    const current = readSettings({ warehouseId: 2943, shippingProductCode: 'DESPACHO', invalidFiscalDataPolicy: 'boleta', checkoutFieldIds: { rut: '7' } });
    const next = mergeSettings(current, { stockSyncEnabled: false });
    expect(next).toEqual({ ...current, stockSyncEnabled: false });
  });

  it('refuses unknown keys and bad values with their paths', () => {
    const current = readSettings({});
    try {
      mergeSettings(current, { defaultDocument: 40, colour: 'red' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ZodError);
      const paths = (err as ZodError).issues.map((i) => (i.path.length ? i.path.join('.') : (i as { keys?: string[] }).keys?.join(',')));
      expect(paths).toEqual(expect.arrayContaining(['defaultDocument', 'colour']));
    }
  });
});
