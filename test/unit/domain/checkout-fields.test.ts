import { describe, expect, it } from 'vitest';
import { readCheckoutFields } from '../../../src/domain/document-choice.js';

describe('readCheckoutFields', () => {
  it('reads the installed fields by label, whatever the accents, case and spacing', () => {
    const fields = readCheckoutFields([
      { id: 1, label: 'Tipo de documento', value: 'Factura electrónica' },
      { id: 2, label: 'RUT', value: '76.192.083-9' },
      { id: 3, label: '  RAZÓN   social: ', value: '  Comercial  Andes SpA ' },
      { id: 4, label: 'Giro*', value: 'Venta al por menor' },
      { id: 5, label: 'Comentario', value: 'Dejar en conserjería' },
    ]);
    expect(fields).toEqual({
      documentType: 'Factura electrónica',
      rut: '76.192.083-9',
      razonSocial: 'Comercial Andes SpA',
      giro: 'Venta al por menor',
    });
  });

  it.each(['Tipo de documento', 'Tipo documento', 'Documento', 'TIPO DE DOCUMENTO', 'tipo  de  documento'])('recognises %j as the document type', (label) => {
    expect(readCheckoutFields([{ id: 9, label, value: 'boleta' }]).documentType).toBe('boleta');
  });

  it.each(['Razón social', 'Razon social', 'razón Social'])('recognises %j as the razón social', (label) => {
    expect(readCheckoutFields([{ id: 9, label, value: 'Andes SpA' }]).razonSocial).toBe('Andes SpA');
  });

  it('prefers the configured field id over the label', () => {
    const fields = readCheckoutFields(
      [
        { id: 10, label: 'RUT', value: '11.111.111-1' },
        { id: '77', label: 'RUT empresa', value: '76.192.083-9' },
      ],
      { rut: 77 },
    );
    expect(fields.rut).toBe('76.192.083-9');
  });

  it('falls back to the label when the configured id is not on the order', () => {
    expect(readCheckoutFields([{ id: 10, label: 'Giro', value: 'Comercio' }], { giro: 99 }).giro).toBe('Comercio');
  });

  it('treats blank, null and missing values as absent', () => {
    expect(
      readCheckoutFields([
        { id: 1, label: 'RUT', value: '   ' },
        { id: 2, label: 'Giro', value: null },
        { id: 3, label: 'Razón social' },
        { label: null, value: 'x' },
      ]),
    ).toEqual({ documentType: null, rut: null, razonSocial: null, giro: null });
    expect(readCheckoutFields(null)).toEqual({ documentType: null, rut: null, razonSocial: null, giro: null });
  });

  it('takes the first filled-in field when two share a label', () => {
    expect(
      readCheckoutFields([
        { id: 1, label: 'RUT', value: '' },
        { id: 2, label: 'Rut', value: '76192083-9' },
      ]).rut,
    ).toBe('76192083-9');
  });

  it('does not read unrelated labels that merely contain a keyword', () => {
    expect(readCheckoutFields([{ id: 1, label: 'Documento de identidad del receptor', value: 'x' }]).documentType).toBeNull();
  });
});
