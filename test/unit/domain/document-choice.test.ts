import { describe, expect, it } from 'vitest';
import type { CheckoutFields, ChooseDocumentInput, DocumentChoice } from '../../../src/domain/document-choice.js';
import { BOLETA, FACTURA, GIRO_MAX_CHARS, NOTA_DE_VENTA, chooseDocument, parseDocumentTypeValue } from '../../../src/domain/document-choice.js';

const NO_FIELDS: CheckoutFields = { documentType: null, rut: null, razonSocial: null, giro: null };
const FACTURA_DATA = { rut: '76.192.083-9', razonSocial: 'Comercial Andes SpA', giro: 'Venta de artículos de montaña' };
const RECEIVER = { rut: '76192083-9', razonSocial: 'Comercial Andes SpA', giro: 'Venta de artículos de montaña' };

function choose(fields: Partial<CheckoutFields>, rest: Partial<ChooseDocumentInput> = {}): DocumentChoice {
  return chooseDocument({
    fields: { ...NO_FIELDS, ...fields },
    storeDefault: null,
    invalidFiscalDataPolicy: 'hold',
    ...rest,
  });
}

describe('parseDocumentTypeValue', () => {
  it.each([
    ['Boleta electrónica', BOLETA],
    ['boleta', BOLETA],
    ['BOLETA ELECTRONICA', BOLETA],
    ['Factura electrónica', FACTURA],
    ['factura', FACTURA],
    ['Factura electrónica afecta', FACTURA],
    ['Nota de venta', NOTA_DE_VENTA],
    ['  nota   de venta ', NOTA_DE_VENTA],
    ['39', BOLETA],
    ['33', FACTURA],
    ['1001', NOTA_DE_VENTA],
    // By meaning (issue 15): the seed's own words and the ways stores write them.
    ['Factura afecta electrónica', FACTURA],
    ['Factura electrónica (empresas)', FACTURA],
    ['Factura Electrónica.', FACTURA],
    ['FACTURA-ELECTRONICA', FACTURA],
    ['Factura exenta', FACTURA],
    ['Quiero factura', FACTURA],
    ['boletas', BOLETA],
    ['Boleta (personas)', BOLETA],
    ['Nota de Venta.', NOTA_DE_VENTA],
    ['nota venta', NOTA_DE_VENTA],
  ])('%j → %d', (value, type) => {
    expect(parseDocumentTypeValue(value)).toBe(type);
  });

  it.each(['', 'guía de despacho', 'Boleta o factura', 'Nota de crédito', 'notable', null, undefined])('%j → null', (value) => {
    expect(parseDocumentTypeValue(value)).toBeNull();
  });
});

describe('chooseDocument', () => {
  it('issues a boleta when nothing is filled in and the store has no default', () => {
    expect(choose({})).toEqual({ ok: true, type: BOLETA });
  });

  it('uses the store default when nothing is filled in', () => {
    expect(choose({}, { storeDefault: { type: NOTA_DE_VENTA, notaDeVentaBecomes: BOLETA } })).toEqual({
      ok: true,
      type: NOTA_DE_VENTA,
      typeSii: BOLETA,
    });
    expect(choose({}, { storeDefault: { type: BOLETA, notaDeVentaBecomes: FACTURA } })).toEqual({ ok: true, type: BOLETA });
  });

  it('follows the checkout over the store default', () => {
    expect(choose({ documentType: 'Boleta electrónica' }, { storeDefault: { type: NOTA_DE_VENTA, notaDeVentaBecomes: BOLETA } })).toEqual({ ok: true, type: BOLETA });
  });

  it('issues a factura with a canonical RUT when the data is valid', () => {
    expect(choose({ documentType: 'Factura electrónica', ...FACTURA_DATA })).toEqual({ ok: true, type: FACTURA, receiver: RECEIVER });
  });

  it('cuts the giro to the 40 characters of the SII schema at a word boundary, never mid-word', () => {
    const giro = 'Venta al por menor de artículos deportivos, de camping y de montaña';
    const choice = choose({ documentType: 'factura', ...FACTURA_DATA, giro });
    expect(choice.ok && choice.receiver?.giro).toBe('Venta al por menor de artículos');
    expect(choice.ok && Array.from(choice.receiver?.giro ?? '').length).toBeLessThanOrEqual(GIRO_MAX_CHARS);
  });

  it('cuts the razón social to 100 characters at a word boundary', () => {
    const razonSocial = `Sociedad Comercializadora de Artículos Deportivos y de Montaña del Sur de Chile Limitada ${'y Compañía '.repeat(3)}`;
    const choice = choose({ documentType: 'factura', ...FACTURA_DATA, razonSocial });
    const kept = choice.ok ? (choice.receiver?.razonSocial ?? '') : '';
    expect(Array.from(kept).length).toBeLessThanOrEqual(100);
    expect(razonSocial.startsWith(kept)).toBe(true);
    expect(razonSocial[kept.length]).toBe(' ');
  });

  it('refuses the generic foreign RUT 55.555.555-5 on a factura', () => {
    const choice = choose({ documentType: 'factura', ...FACTURA_DATA, rut: '55.555.555-5' });
    expect(choice).toMatchObject({ ok: false, kind: 'needs_attention' });
    expect(!choice.ok && choice.reason).toContain('foreign buyers');
  });

  it('never puts a RUT in clear in a reason', () => {
    const choice = choose({ documentType: 'factura', ...FACTURA_DATA, rut: '76.192.083-8' });
    expect(!choice.ok && choice.reason).toContain('76.1xx.xxx-8');
    expect(JSON.stringify(choice)).not.toMatch(/192\.?083/);
  });

  describe('a boleta', () => {
    it("carries the buyer's RUT when the checkout gave a valid one", () => {
      expect(choose({ documentType: 'Boleta electrónica', rut: '76.192.083-9' })).toEqual({ ok: true, type: BOLETA, buyerRut: '76192083-9' });
    });

    it('is anonymous without a RUT, or with the generic 66.666.666-6', () => {
      expect(choose({ documentType: 'boleta' })).toEqual({ ok: true, type: BOLETA });
      expect(choose({ documentType: 'boleta', rut: '66.666.666-6' })).toEqual({ ok: true, type: BOLETA });
    });

    it('leaves an invalid RUT off with a masked note', () => {
      const choice = choose({ documentType: 'boleta', rut: '76.192.083-8' });
      expect(choice).toMatchObject({ ok: true, type: BOLETA });
      expect(choice.ok && choice.buyerRut).toBeUndefined();
      expect(choice.ok && choice.note).toContain('76.1xx.xxx-8');
    });

    it("that a factura fell back to keeps the buyer's valid RUT", () => {
      const choice = choose({ documentType: 'factura', rut: '76.192.083-9' }, { invalidFiscalDataPolicy: 'boleta' });
      expect(choice).toMatchObject({ ok: true, type: BOLETA, buyerRut: '76192083-9', fellBackFrom: { type: FACTURA } });
    });
  });

  describe('with a factura and bad fiscal data', () => {
    it.each([
      [{ rut: '76.192.083-8' }, 'needs 9'],
      [{ rut: null }, 'RUT is empty'],
      [{ rut: 'no tengo' }, 'not a RUT'],
      [{ rut: '66.666.666-6' }, 'generic'],
      [{ razonSocial: '  ' }, 'razón social is missing'],
      [{ giro: null }, 'giro is missing'],
    ])('holds for an operator under the hold policy (%j)', (bad, words) => {
      const choice = choose({ documentType: 'factura', ...FACTURA_DATA, ...bad });
      expect(choice).toMatchObject({ ok: false, kind: 'needs_attention' });
      if (!choice.ok) expect(choice.reason).toContain(words);
    });

    it('names every problem at once', () => {
      const choice = choose({ documentType: 'factura', rut: '1-1' });
      expect(choice.ok).toBe(false);
      if (!choice.ok) {
        expect(choice.reason).toContain('needs 9');
        expect(choice.reason).toContain('razón social is missing');
        expect(choice.reason).toContain('giro is missing');
      }
    });

    it('falls back to a boleta under the boleta policy, saying why', () => {
      const choice = choose({ documentType: 'factura', ...FACTURA_DATA, rut: '76192083-8' }, { invalidFiscalDataPolicy: 'boleta' });
      expect(choice).toMatchObject({ ok: true, type: BOLETA, fellBackFrom: { type: FACTURA } });
      expect(choice.ok && choice.fellBackFrom?.reason).toContain('needs 9');
      expect(choice.ok && choice.receiver).toBeUndefined();
    });

    it('applies the policy to a factura that is the store default too', () => {
      const storeDefault = { type: FACTURA, notaDeVentaBecomes: BOLETA } as const;
      expect(choose({}, { storeDefault })).toMatchObject({ ok: false, kind: 'needs_attention' });
      expect(choose({}, { storeDefault, invalidFiscalDataPolicy: 'boleta' })).toMatchObject({ ok: true, type: BOLETA });
    });
  });

  describe('a nota de venta', () => {
    it('becomes a factura when valid factura data comes with it', () => {
      expect(choose({ documentType: 'Nota de venta', ...FACTURA_DATA }, { storeDefault: { type: BOLETA, notaDeVentaBecomes: BOLETA } })).toEqual({
        ok: true,
        type: NOTA_DE_VENTA,
        typeSii: FACTURA,
        receiver: RECEIVER,
      });
    });

    it('becomes what the store says without factura data', () => {
      expect(choose({ documentType: 'Nota de venta' }, { storeDefault: { type: BOLETA, notaDeVentaBecomes: FACTURA } })).toEqual({
        ok: true,
        type: NOTA_DE_VENTA,
        typeSii: FACTURA,
      });
      expect(choose({ documentType: 'Nota de venta' })).toEqual({ ok: true, type: NOTA_DE_VENTA, typeSii: BOLETA });
    });

    it('is still issued when its factura data is invalid, with a note', () => {
      const choice = choose({ documentType: 'Nota de venta', ...FACTURA_DATA, rut: '76192083-8' });
      expect(choice).toMatchObject({ ok: true, type: NOTA_DE_VENTA, typeSii: BOLETA });
      expect(choice.ok && choice.receiver).toBeUndefined();
      expect(choice.ok && choice.note).toContain('needs 9');
    });
  });

  it('uses the store default for an unknown document type, with a note', () => {
    const choice = choose({ documentType: 'Guía de despacho' }, { storeDefault: { type: NOTA_DE_VENTA, notaDeVentaBecomes: BOLETA } });
    expect(choice).toMatchObject({ ok: true, type: NOTA_DE_VENTA, typeSii: BOLETA });
    expect(choice.ok && choice.note).toContain('Guía de despacho');
  });

  it('holds an unknown document type that comes with valid factura data, never making it a boleta', () => {
    const choice = choose({ documentType: 'Documento tributario', ...FACTURA_DATA });
    expect(choice).toMatchObject({ ok: false, kind: 'needs_attention' });
    expect(!choice.ok && choice.reason).toContain('"Documento tributario"');
    // The operator's choice settles it.
    expect(choose({ documentType: 'Documento tributario', ...FACTURA_DATA }, { override: { type: FACTURA } })).toEqual({
      ok: true,
      type: FACTURA,
      receiver: RECEIVER,
    });
  });

  it('issues a factura for the seed’s own wording, "Factura afecta electrónica"', () => {
    expect(choose({ documentType: 'Factura afecta electrónica', ...FACTURA_DATA })).toEqual({ ok: true, type: FACTURA, receiver: RECEIVER });
  });

  describe("an operator's override", () => {
    it('supplies corrected receiver data', () => {
      const choice = choose({ documentType: 'factura', ...FACTURA_DATA, rut: '76192083-8' }, { override: { receiver: { rut: '76.192.083-9' } } });
      expect(choice).toEqual({ ok: true, type: FACTURA, receiver: RECEIVER });
    });

    it('forces a type over the checkout', () => {
      expect(choose({ documentType: 'factura', rut: 'bad' }, { override: { type: BOLETA } })).toMatchObject({ ok: true, type: BOLETA });
      expect(choose({}, { override: { type: FACTURA, receiver: FACTURA_DATA } })).toEqual({ ok: true, type: FACTURA, receiver: RECEIVER });
    });

    it('is never turned into a boleta: a forced factura with bad data needs attention', () => {
      expect(choose({}, { override: { type: FACTURA }, invalidFiscalDataPolicy: 'boleta' })).toMatchObject({
        ok: false,
        kind: 'needs_attention',
      });
    });

    it('chooses what a nota de venta becomes', () => {
      expect(choose({ documentType: 'nota de venta', ...FACTURA_DATA }, { override: { typeSii: BOLETA } })).toEqual({
        ok: true,
        type: NOTA_DE_VENTA,
        typeSii: BOLETA,
        buyerRut: '76192083-9',
      });
      expect(choose({ documentType: 'nota de venta' }, { override: { typeSii: FACTURA } })).toMatchObject({
        ok: false,
        kind: 'needs_attention',
      });
    });
  });
});
