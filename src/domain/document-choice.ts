import type { CheckoutFields } from './checkout-fields.js';
import { BOLETA, FACTURA, NOTA_DE_VENTA } from './document-types.js';
import type { DocumentType, TaxDocumentType } from './document-types.js';
import { parseRut } from './rut.js';
import { giroForSii, razonSocialForSii } from './sii-text.js';
import { cleanText, normalizeForMatching } from './text.js';

export { readCheckoutFields } from './checkout-fields.js';
export type { AdditionalField, CheckoutFields, CheckoutFieldIds } from './checkout-fields.js';
export { BOLETA, FACTURA, NOTA_DE_VENTA, DOCUMENT_TYPES, isDocumentType } from './document-types.js';
export type { DocumentType, TaxDocumentType } from './document-types.js';

export { GIRO_MAX_CHARS } from './sii-text.js';

/** The generic RUT for anonymous boletas (chile-dte.md B2); it can never receive a factura. */
export const GENERIC_RUT = '66666666-6';

/** The SII's generic RUT for foreign buyers without a Chilean RUT; a factura needs the buyer's own. */
export const FOREIGN_GENERIC_RUT = '55555555-5';

/** Who a factura is issued to, ready for relBase: canonical RUT, razón social and giro within the schema's limits, cut at word boundaries. */
export interface Receiver {
  readonly rut: string;
  readonly razonSocial: string;
  readonly giro: string;
}

/** The store's document settings. */
export interface StoreDocumentDefault {
  readonly type: DocumentType;
  /** The tax document a nota de venta becomes when the order carries no valid factura data. */
  readonly notaDeVentaBecomes: TaxDocumentType;
}

/** What to do when a factura is requested with invalid or missing fiscal data (a store setting). */
export type InvalidFiscalDataPolicy = 'hold' | 'boleta';

/** An operator's correction, sent with the order workflow's `resolve` signal. */
export interface DocumentOverride {
  readonly type?: DocumentType;
  readonly typeSii?: TaxDocumentType;
  /** Each given field replaces the checkout's. */
  readonly receiver?: Partial<Receiver>;
}

/** Everything the document choice depends on. */
export interface ChooseDocumentInput {
  readonly fields: CheckoutFields;
  readonly storeDefault: StoreDocumentDefault | null;
  readonly invalidFiscalDataPolicy: InvalidFiscalDataPolicy;
  readonly override?: DocumentOverride | null;
}

/** The document to issue for an order, or why an operator must look at it first. */
export type DocumentChoice =
  | {
      readonly ok: true;
      readonly type: DocumentType;
      /** Only for a nota de venta: the tax document it will become. */
      readonly typeSii?: TaxDocumentType;
      /** Present for a factura, and for a nota de venta that will become one. */
      readonly receiver?: Receiver;
      /**
       * A boleta's (or a nota de venta's that becomes one) buyer, when the checkout gave a valid RUT:
       * canonical form. Without it a boleta needs no customer (66666666-6 is the SII's stand-in).
       */
      readonly buyerRut?: string;
      /** Set when a factura was asked for but the policy fell back to a boleta. */
      readonly fellBackFrom?: { readonly type: typeof FACTURA; readonly reason: string };
      /** Something the operator may want to know that did not stop the document. */
      readonly note?: string;
    }
  | { readonly ok: false; readonly kind: 'needs_attention'; readonly reason: string };

// Words that name a document this service does not issue, though they contain "nota" or "factura"
// (nota de crédito, nota de débito): such a value is not recognised rather than misread.
const OTHER_DOCUMENTS = /\b(credito|debito)\b/;

const CODES: ReadonlyMap<string, DocumentType> = new Map<string, DocumentType>([
  ['39', BOLETA],
  ['33', FACTURA],
  ['1001', NOTA_DE_VENTA],
]);

/**
 * The document type a checkout value names, by meaning: any wording with "factura" is a factura
 * ("Factura afecta electrónica", "Factura electrónica (empresas)", "Factura Electrónica."), with
 * "boleta" a boleta, with the word "nota" a nota de venta; accents, case and punctuation are ignored,
 * and the SII codes 39, 33 and 1001 are read too. Null when the value names none of them, or more
 * than one ("Boleta o factura"), or another document (nota de crédito).
 */
export function parseDocumentTypeValue(value: string | null | undefined): DocumentType | null {
  if (value === null || value === undefined) return null;
  const words = normalizeForMatching(value)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const code = CODES.get(words);
  if (code !== undefined) return code;
  if (OTHER_DOCUMENTS.test(words)) return null;
  const named = new Set<DocumentType>();
  if (words.includes('factura')) named.add(FACTURA);
  if (words.includes('boleta')) named.add(BOLETA);
  if (/\bnota\b/.test(words)) named.add(NOTA_DE_VENTA);
  const [only] = named;
  return named.size === 1 && only !== undefined ? only : null;
}

/**
 * Decides the document for a paid order. Precedence: the operator's override, then the checkout's
 * document type field, then the store default, then a boleta. Never returns a factura whose
 * receiver is incomplete or has an invalid RUT.
 */
export function chooseDocument(input: ChooseDocumentInput): DocumentChoice {
  const override = input.override ?? null;
  const requested = requestedType(input);
  const receiver = checkReceiver(mergeReceiver(input.fields, override?.receiver));

  if (requested.unrecognised !== undefined && receiver.ok) {
    // Valid factura data says the customer may well have asked for a factura: a boleta would need a
    // credit note and a new factura, so a person decides.
    return {
      ok: false,
      kind: 'needs_attention',
      reason: `the checkout asked for "${requested.unrecognised}", which is not a document type this service knows, and the order carries valid factura data: choose boleta, factura or nota de venta (resolve)`,
    };
  }
  const buyer = buyerRutOf(input.fields, override?.receiver);

  switch (requested.type) {
    case BOLETA:
      return withNote(withBuyer({ ok: true, type: BOLETA }, buyer.rut), joinNotes(requested.note, buyer.note));
    case FACTURA: {
      if (receiver.ok) return withNote({ ok: true, type: FACTURA, receiver: receiver.receiver }, requested.note);
      const reason = `a factura needs a valid RUT, a razón social and a giro: ${receiver.problems.join('; ')}`;
      // An operator who forces a factura is never silently given a boleta.
      if (requested.byOperator || input.invalidFiscalDataPolicy === 'hold') {
        return { ok: false, kind: 'needs_attention', reason };
      }
      return withNote(withBuyer({ ok: true, type: BOLETA, fellBackFrom: { type: FACTURA, reason } }, buyer.rut), requested.note);
    }
    case NOTA_DE_VENTA: {
      if (override?.typeSii === FACTURA && !receiver.ok) {
        return {
          ok: false,
          kind: 'needs_attention',
          reason: `a nota de venta that becomes a factura needs a valid RUT, a razón social and a giro: ${receiver.problems.join('; ')}`,
        };
      }
      // Valid factura data on a nota de venta is the customer asking for a factura later.
      const typeSii = override?.typeSii ?? (receiver.ok ? FACTURA : (input.storeDefault?.notaDeVentaBecomes ?? BOLETA));
      const ignored = !receiver.ok && receiver.anyGiven ? `fiscal data ignored (${receiver.problems.join('; ')})` : undefined;
      const note = joinNotes(requested.note, ignored);
      if (receiver.ok && typeSii === FACTURA) return withNote({ ok: true, type: NOTA_DE_VENTA, typeSii, receiver: receiver.receiver }, note);
      return withNote(withBuyer({ ok: true, type: NOTA_DE_VENTA, typeSii }, typeSii === BOLETA ? buyer.rut : undefined), note);
    }
  }
}

interface RequestedType {
  readonly type: DocumentType;
  readonly byOperator: boolean;
  readonly note?: string;
  /** The checkout's value when it named no document type this service knows. */
  readonly unrecognised?: string;
}

function requestedType({ fields, storeDefault, override }: ChooseDocumentInput): RequestedType {
  if (override?.type !== undefined) return { type: override.type, byOperator: true };
  const fallback = storeDefault?.type ?? BOLETA;
  if (fields.documentType === null) return { type: fallback, byOperator: false };
  const fromCheckout = parseDocumentTypeValue(fields.documentType);
  if (fromCheckout !== null) return { type: fromCheckout, byOperator: false };
  return {
    type: fallback,
    byOperator: false,
    note: `the checkout asked for "${fields.documentType}", which is not a known document type; used the store default`,
    unrecognised: fields.documentType,
  };
}

type ReceiverCheck = { readonly ok: true; readonly receiver: Receiver } | { readonly ok: false; readonly problems: readonly string[]; readonly anyGiven: boolean };

function mergeReceiver(fields: CheckoutFields, corrected: Partial<Receiver> | undefined): Partial<Receiver> {
  return {
    rut: corrected?.rut ?? fields.rut ?? undefined,
    razonSocial: corrected?.razonSocial ?? fields.razonSocial ?? undefined,
    giro: corrected?.giro ?? fields.giro ?? undefined,
  };
}

function checkReceiver(data: Partial<Receiver>): ReceiverCheck {
  const problems: string[] = [];
  const rut = parseRut(data.rut);
  if (!rut.ok) problems.push(rut.reason);
  else if (rut.rut === GENERIC_RUT) problems.push(`the RUT ${GENERIC_RUT} is the generic one for anonymous boletas`);
  else if (rut.rut === FOREIGN_GENERIC_RUT) problems.push(`the RUT 55.555.555-5 is the SII's generic one for foreign buyers; a factura needs the buyer's own RUT`);
  const razonSocial = razonSocialForSii(data.razonSocial);
  if (razonSocial === null) problems.push('the razón social is missing');
  const giro = giroForSii(data.giro);
  if (giro === null) problems.push('the giro is missing');
  if (!rut.ok || problems.length > 0 || razonSocial === null || giro === null) {
    const anyGiven = [data.rut, data.razonSocial, data.giro].some((value) => cleanText(value) !== null);
    return { ok: false, problems, anyGiven };
  }
  return { ok: true, receiver: { rut: rut.rut, razonSocial, giro } };
}

/**
 * The buyer's RUT for a boleta: the checkout's (or the operator's) when it is a valid RUT other than
 * the anonymous stand-in; a RUT that is given but invalid is left off with a note (masked).
 */
function buyerRutOf(fields: CheckoutFields, corrected: Partial<Receiver> | undefined): { rut?: string; note?: string } {
  const given = corrected?.rut ?? fields.rut;
  if (cleanText(given) === null || given === null) return {};
  const rut = parseRut(given);
  if (!rut.ok) return { note: `the buyer's RUT was left off the boleta: ${rut.reason}` };
  if (rut.rut === GENERIC_RUT) return {};
  return { rut: rut.rut };
}

function withBuyer<T extends DocumentChoice & { ok: true }>(choice: T, buyerRut: string | undefined): T {
  return buyerRut === undefined ? choice : { ...choice, buyerRut };
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  return notes.filter((note) => note !== undefined).join('; ') || undefined;
}

function withNote<T extends DocumentChoice & { ok: true }>(choice: T, note: string | undefined): DocumentChoice {
  return note === undefined ? choice : { ...choice, note };
}
