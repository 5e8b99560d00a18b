import { cleanText, normalizeForMatching } from './text.js';

/** One `additional_fields[]` entry of a Jumpseller order; any part may be missing. */
export interface AdditionalField {
  readonly id?: number | string | null;
  readonly label?: string | null;
  readonly value?: string | null;
}

/** The checkout fields this service installs, by what they mean; null when absent or blank. */
export interface CheckoutFields {
  readonly documentType: string | null;
  readonly rut: string | null;
  readonly razonSocial: string | null;
  readonly giro: string | null;
}

/** The ids of the checkout fields created at install time, when known. */
export type CheckoutFieldIds = Partial<Record<keyof CheckoutFields, number | string | null>>;

// Labels the fields have had in relBase's and our installs, after normalizeForMatching. Matching by
// label is the fallback: stores rename fields, and whether the order-side id equals the checkout
// field id is unconfirmed (jumpseller-api.md §4).
const LABELS: Record<keyof CheckoutFields, readonly string[]> = {
  documentType: ['tipo de documento', 'tipo documento', 'documento'],
  rut: ['rut'],
  razonSocial: ['razon social'],
  giro: ['giro'],
};

/** Reads the document type, RUT, razón social and giro from an order's additional fields: by configured id first, then by label. */
export function readCheckoutFields(additionalFields: readonly AdditionalField[] | null | undefined, fieldIds: CheckoutFieldIds = {}): CheckoutFields {
  const fields = additionalFields ?? [];
  const read = (key: keyof CheckoutFields): string | null => {
    const id = fieldIds[key];
    if (id !== undefined && id !== null) {
      const byId = fields.find((field) => field.id !== undefined && field.id !== null && String(field.id) === String(id));
      if (byId !== undefined) return cleanText(byId.value);
    }
    const labels = LABELS[key];
    const byLabel = fields.filter((field) => labels.includes(normalizeForMatching(field.label ?? '')));
    // A store may carry an old and a new field with the same label: the first one filled in wins.
    for (const field of byLabel) {
      const value = cleanText(field.value);
      if (value !== null) return value;
    }
    return null;
  };
  return { documentType: read('documentType'), rut: read('rut'), razonSocial: read('razonSocial'), giro: read('giro') };
}
