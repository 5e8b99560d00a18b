import { describe, expect, it } from 'vitest';
import { staleReceiverFields } from '../../../src/domain/receiver-on-record.js';

const receiver = { razonSocial: 'Comercial Ejemplo SpA', giro: 'Venta al por menor de artículos' };

describe('staleReceiverFields', () => {
  it('a record that says what the checkout says is current, whatever the spelling', () => {
    expect(staleReceiverFields({ name: 'COMERCIAL  EJEMPLO S.p.A.', giro: 'venta al por menor de articulos' }, receiver)).toEqual([]);
  });

  it('names each field relBase holds otherwise', () => {
    expect(staleReceiverFields({ name: 'Comercial Antiguo Ltda', giro: receiver.giro }, receiver)).toEqual(['razón social']);
    expect(staleReceiverFields({ name: receiver.razonSocial, giro: 'Comercio' }, receiver)).toEqual(['giro']);
    expect(staleReceiverFields({ name: 'Otra SpA', giro: null }, receiver)).toEqual(['razón social', 'giro']);
  });

  it('compares giros as the SII holds them: cut at a word within 40 characters', () => {
    const long = 'Venta al por menor de artículos de ferretería y materiales de construcción';
    expect(staleReceiverFields({ name: receiver.razonSocial, giro: 'Venta al por menor de artículos de' }, { ...receiver, giro: long })).toEqual([]);
  });
});
