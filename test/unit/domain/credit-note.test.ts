/** The annulling credit note of an issued document: reference, lines and total as the document's. */
import { describe, expect, it } from 'vitest';
import { annulmentOf, creditNoteLabel, facturaTotalOf, type CreditableDocument } from '../../../src/domain/credit-note.js';

const line = { product_id: 5, quantity: 3, price: 9990, discount: 12.5 };
const boleta: CreditableDocument<typeof line> = {
  typeDocument: 39,
  folio: 41,
  date: '2026-12-07',
  customerId: null,
  warehouseId: 2943,
  mntBruto: true,
  total: 26224,
  lines: [line],
  children: [],
};

describe('annulmentOf', () => {
  it('references the boleta (type, folio, date) with CodRef 1 and carries its lines and total', () => {
    const a = annulmentOf(boleta, '1234');
    expect(a).toEqual({
      kind: 'annul',
      annulment: {
        reference: { tpo_doc_ref_id: 39, code_ref: 1, folio_ref: 41, date_ref: '2026-12-07', razon_ref: 'Anula documento: pedido Jumpseller 1234 cancelado' },
        customerId: null,
        warehouseId: 2943,
        mntBruto: true,
        lines: [line],
        total: 26224,
      },
    });
  });

  it('keeps the factura customer and its net lines', () => {
    const a = annulmentOf({ ...boleta, typeDocument: 33, customerId: 9, mntBruto: false }, '1');
    expect(a).toMatchObject({ kind: 'annul', annulment: { customerId: 9, mntBruto: false, reference: { tpo_doc_ref_id: 33 } } });
  });

  it('keeps RazonRef within the SII 90 characters', () => {
    const a = annulmentOf(boleta, '9'.repeat(200));
    expect(a.kind === 'annul' && a.annulment.reference.razon_ref.length).toBe(90);
  });

  it.each([
    ['a nota de venta never made a tax document', { typeDocument: 1001 }, /nota de venta \(1001\).*no boleta or factura from it.*void it in relBase/],
    ['a nota de venta whose only child is another nota', { typeDocument: 1001, children: [{ relbaseId: '8', typeDocument: 1001 }] }, /void it in relBase/],
    ['another type', { typeDocument: 56 }, /type 56 is not one this service annuls/],
    ['no folio yet', { folio: null }, /folio yet; retry later/],
    ['no date', { date: null }, /date yet; retry later/],
    ['no lines', { lines: [] }, /without lines/],
    ['a factura without customer', { typeDocument: 33, customerId: null }, /without its customer/],
  ])('refuses %s with a reason an operator can act on', (_name, change, reason) => {
    const a = annulmentOf({ ...boleta, ...change }, '1');
    expect(a.kind).toBe('cannot');
    expect(a.kind === 'cannot' && a.reason).toMatch(reason);
  });

  it('sends a nota de venta made into a boleta or factura to that document', () => {
    expect(annulmentOf({ ...boleta, typeDocument: 1001, children: [{ relbaseId: '77', typeDocument: 39 }] }, '1')).toEqual({ kind: 'annul_child', relbaseId: '77' });
  });

  it('labels the n-th credit note beside the document', () => {
    expect(creditNoteLabel('JS-1234', 1)).toBe('JS-1234-NC1');
  });
});

describe('facturaTotalOf', () => {
  it("a boleta's gross lines on a factura: each taxed line's net part rounded, IVA rounded on their sum, exempt lines as they are", () => {
    // 11 900 gross → 10 000 net → 1 900 IVA; 5 000 gross → 4 201.68 → 4 202 net; 14 202 × 0.19 = 2 698.38 → 2 698.
    const lines = [
      { quantity: 1, price: 11_900, tax_affected: true },
      { quantity: 2, price: 2500 },
      { quantity: 1, price: 700, tax_affected: false },
    ];
    expect(facturaTotalOf(lines, true)).toBe(10_000 + 4202 + 2698 + 700);
    // Not always the boleta's total: two lines of 1 000 gross are 840 + 840 net and 319 IVA, 1 999.
    expect(
      facturaTotalOf(
        [
          { quantity: 1, price: 1000 },
          { quantity: 1, price: 1000 },
        ],
        true,
      ),
    ).toBe(1999);
    expect(facturaTotalOf([{ quantity: 3, price: 1000, discount: 10 }], false)).toBe(2700 + 513);
  });
});
