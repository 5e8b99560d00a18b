/**
 * Whether relBase's customer record still says what the checkout says about the factura's receiver.
 *
 * A factura carries the receiver's RznSocRecep and GiroRecep (chile-dte.md B2), and relBase takes
 * them from the customer the document names (`customer_id`, relbase-api.md A4 and the contract's
 * `POST /dtes`): the document request has no field of its own for them, and the reference documents
 * no customer update (only `GET /clientes` and the ASSUMED `POST /clientes`). So a customer found by
 * RUT whose razón social or giro differ from the order's would put stale data on a tax document; the
 * caller holds such an order for a person instead.
 *
 * Spelling is not a difference: case, accents, punctuation and spacing are ignored ("S.p.A." and
 * "SpA" are the same), and both sides are first cut as the SII schema holds them (giro 40 characters).
 */
import { giroForSii, razonSocialForSii } from './sii-text.js';

export type ReceiverField = 'razón social' | 'giro';

/** What relBase's customer record holds (`name`, `business_activity`). */
export interface CustomerOnRecord {
  readonly name: string | null;
  readonly giro: string | null;
}

/** The fields of relBase's record that differ from the order's receiver; empty when it is current. */
export function staleReceiverFields(onRecord: CustomerOnRecord, receiver: { readonly razonSocial: string; readonly giro: string }): ReceiverField[] {
  const stale: ReceiverField[] = [];
  if (comparable(razonSocialForSii(onRecord.name)) !== comparable(razonSocialForSii(receiver.razonSocial))) stale.push('razón social');
  if (comparable(giroForSii(onRecord.giro)) !== comparable(giroForSii(receiver.giro))) stale.push('giro');
  return stale;
}

function comparable(text: string | null): string {
  return (text ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
