/**
 * The SII's answer to an emitted boleta or factura, as relBase shows it in `sii_status`
 * (relbase-api.md A4): a document sits in `sent_sii` until the SII answers, then is `accepted`.
 * The answer is given lazily, when the document is read: `siiAnswerAfterMs` after it was made
 * (null, the default: never, it stays `sent_sii`).
 *
 * `siiReject` makes the SII reject the documents it answers while set (`remaining`, null: all) with
 * a reason. The reference has seen no rejection, so its shape is ASSUMED (docs/architecture.md):
 * `sii_status: 'rejected'` and the reason in `sii_status_name`, the status's human name.
 */
import type { SimDocument } from './state.js';

export interface SiiRejectRule {
  reason: string;
  remaining: number | null;
}

export interface SiiFaults {
  siiAnswerAfterMs: number | null;
  siiReject: SiiRejectRule | null;
}

export function noSiiFaults(): SiiFaults {
  return { siiAnswerAfterMs: null, siiReject: null };
}

/** relBase's human names of the statuses (`sii_status_name`); the rejected one carries the SII's reason. */
export const SII_STATUS_NAMES: Record<string, string> = {
  sent_sii: 'Enviado al SII',
  accepted: 'Aceptado',
};

/** Gives the SII's answer to `document` when it is due at `now` (ms); documents not in `sent_sii` are left as they are. */
export function answerFromSii(faults: SiiFaults, document: SimDocument, now: number): void {
  if (document.sii_status !== 'sent_sii' || faults.siiAnswerAfterMs === null) return;
  if (Date.parse(document.created_at) + faults.siiAnswerAfterMs > now) return;
  const reject = faults.siiReject;
  if (reject !== null && (reject.remaining === null || reject.remaining > 0)) {
    if (reject.remaining !== null) reject.remaining--;
    document.sii_status = 'rejected';
    document.sii_status_name = `Rechazado por el SII: ${reject.reason}`;
    return;
  }
  document.sii_status = 'accepted';
  document.sii_status_name = SII_STATUS_NAMES.accepted!;
}
