import type { CheckoutFields } from './checkout-fields.js';
import { BOLETA, FACTURA, NOTA_DE_VENTA } from './document-types.js';
import type { DocumentType, TaxDocumentType } from './document-types.js';
import { parseRut } from './rut.js';
import { cleanText, normalizeForMatching, truncateChars } from './text.js';

export { readCheckoutFields } from './checkout-fields.js';
export type { AdditionalField, CheckoutFields, CheckoutFieldIds } from './checkout-fields.js';
export { BOLETA, FACTURA, NOTA_DE_VENTA, DOCUMENT_TYPES, isDocumentType } from './document-types.js';
export type { DocumentType, TaxDocumentType } from './document-types.js';

/** GiroRecep is at most 40 characters in the SII schema (DTE_v10.xsd). */
export const GIRO_MAX_CHARS = 40;

/** The generic RUT for anonymous boletas; it can never receive a factura. */
export const GENERIC_RUT = '66666666-6';

/** Who a factura is issued to, ready for relBase: canonical RUT, giro within the XSD limit. */
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
      /** Set when a factura was asked for but the policy fell back to a boleta. */
      readonly fellBackFrom?: { readonly type: typeof FACTURA; readonly reason: string };
      /** Something the operator may want to know that did not stop the document. */
      readonly note?: string;
    }
  | { readonly ok: false; readonly kind: 'needs_attention'; readonly reason: string };

// Values the document type field has had, after normalizeForMatching; SII codes are accepted too.
const DOCUMENT_TYPE_VALUES: ReadonlyMap<string, DocumentType> = new Map<string, DocumentType>([
  ['boleta', BOLETA],
  ['boleta electronica', BOLETA],
  ['39', BOLETA],
  ['factura', FACTURA],
  ['factura electronica', FACTURA],
  ['factura afecta', FACTURA],
  ['factura electronica afecta', FACTURA],
  ['33', FACTURA],
  ['nota de venta', NOTA_DE_VENTA],
  ['nota venta', NOTA_DE_VENTA],
  ['1001', NOTA_DE_VENTA],
]);

/** The document type a checkout value names ("Boleta electrónica", "factura", "Nota de venta"), or null. */
export function parseDocumentTypeValue(value: string | null | undefined): DocumentType | null {
  if (value === null || value === undefined) return null;
  return DOCUMENT_TYPE_VALUES.get(normalizeForMatching(value)) ?? null;
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

  switch (requested.type) {
    case BOLETA:
      return withNote({ ok: true, type: BOLETA }, requested.note);
    case FACTURA: {
      if (receiver.ok) return withNote({ ok: true, type: FACTURA, receiver: receiver.receiver }, requested.note);
      const reason = `a factura needs a valid RUT, a razón social and a giro: ${receiver.problems.join('; ')}`;
      // An operator who forces a factura is never silently given a boleta.
      if (requested.byOperator || input.invalidFiscalDataPolicy === 'hold') {
        return { ok: false, kind: 'needs_attention', reason };
      }
      return withNote({ ok: true, type: BOLETA, fellBackFrom: { type: FACTURA, reason } }, requested.note);
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
      const ignored =
        !receiver.ok && receiver.anyGiven
          ? `fiscal data ignored (${receiver.problems.join('; ')})`
          : undefined;
      const note = [requested.note, ignored].filter((part) => part !== undefined).join('; ') || undefined;
      return withNote(
        receiver.ok && typeSii === FACTURA
          ? { ok: true, type: NOTA_DE_VENTA, typeSii, receiver: receiver.receiver }
          : { ok: true, type: NOTA_DE_VENTA, typeSii },
        note,
      );
    }
  }
}

interface RequestedType {
  readonly type: DocumentType;
  readonly byOperator: boolean;
  readonly note?: string;
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
  };
}

type ReceiverCheck =
  | { readonly ok: true; readonly receiver: Receiver }
  | { readonly ok: false; readonly problems: readonly string[]; readonly anyGiven: boolean };

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
  const razonSocial = cleanText(data.razonSocial);
  if (razonSocial === null) problems.push('the razón social is missing');
  const giro = cleanText(data.giro);
  if (giro === null) problems.push('the giro is missing');
  if (!rut.ok || problems.length > 0 || razonSocial === null || giro === null) {
    const anyGiven = [data.rut, data.razonSocial, data.giro].some((value) => cleanText(value) !== null);
    return { ok: false, problems, anyGiven };
  }
  return { ok: true, receiver: { rut: rut.rut, razonSocial, giro: truncateChars(giro, GIRO_MAX_CHARS) } };
}

function withNote<T extends DocumentChoice & { ok: true }>(choice: T, note: string | undefined): DocumentChoice {
  return note === undefined ? choice : { ...choice, note };
}
