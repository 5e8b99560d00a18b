import { describe, expect, it } from 'vitest';
import { resolvePaymentTypeId } from '../../../src/domain/payment-types.js';

const MAP = { 'Webpay Plus': 19_833, 'Transferencia bancaria': 19_834, 'Mercado Pago': 19_835 };

describe('resolvePaymentTypeId', () => {
  it('maps a Jumpseller payment method to its relBase payment type, ignoring accents, case and spacing', () => {
    expect(resolvePaymentTypeId('Webpay Plus', MAP, null)).toBe(19_833);
    expect(resolvePaymentTypeId('  TRANSFERENCIA  Bancária ', MAP, 7)).toBe(19_834);
  });

  it("falls back to the store's payment type, then to none", () => {
    expect(resolvePaymentTypeId('Efectivo', MAP, 7)).toBe(7);
    expect(resolvePaymentTypeId(null, MAP, 7)).toBe(7);
    expect(resolvePaymentTypeId('Webpay Plus', undefined, null)).toBeNull();
    expect(resolvePaymentTypeId('Efectivo', MAP, null)).toBeNull();
  });
});
