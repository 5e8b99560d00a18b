/** The `POST /dtes` body a planned document becomes, and the metric a relBase amount mismatch counts. */
import type { MetricMeter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { documentRequest } from '../../../src/activities/issuing-activities.js';
import { AMOUNT_MISMATCH_METRIC, countAmountMismatch } from '../../../src/workflows/order/amount-mismatch-metric.js';
import { readSettings } from '../../../src/stores/settings.js';

const settings = readSettings({ warehouseId: 7, paymentTypeId: 5 });
const base = {
  orderId: '1001',
  label: 'JS-1001',
  typeDocument: 33 as const,
  typeDocumentSii: null,
  customerId: 42,
  lines: [{ product_id: 1, quantity: 2, price: 10_000, discount: 0, tax_affected: true }],
};

describe('documentRequest', () => {
  it("sends what the plan decided: net prices, the payment's day, the mapped payment type", () => {
    const body = documentRequest({ ...base, mntBruto: false, date: '2026-03-31', paymentTypeId: 77 }, settings, '2026-04-01');
    expect(body).toMatchObject({ type_document: 33, customer_id: 42, mnt_bruto: false, start_date: '2026-03-31', end_date: '2026-03-31', type_payment_id: 77 });
  });

  it('leaves the payment type out when the plan resolved none', () => {
    const body = documentRequest({ ...base, mntBruto: false, date: '2026-03-31', paymentTypeId: null }, settings, '2026-04-01');
    expect(body).not.toHaveProperty('type_payment_id');
  });

  it('keeps the old request for a plan recorded before issue 15: gross prices, today, the store default', () => {
    const body = documentRequest(base, settings, '2026-04-01');
    expect(body).toMatchObject({ mnt_bruto: true, start_date: '2026-04-01', end_date: '2026-04-01', type_payment_id: 5 });
  });
});

describe('countAmountMismatch', () => {
  it('adds one to the mismatch counter, by store and the first amount that differs', () => {
    const added: { name: string; value: number; tags: unknown }[] = [];
    const meter = {
      createCounter: (name: string) => ({ add: (value: number, tags?: unknown) => added.push({ name, value, tags }) }),
    } as unknown as MetricMeter;
    countAmountMismatch(meter, 'shop', ['total', 'iva']);
    expect(added).toEqual([{ name: AMOUNT_MISMATCH_METRIC, value: 1, tags: { store: 'shop', field: 'total' } }]);
  });
});
