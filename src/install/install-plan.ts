/** What installing on a store puts there: the webhooks this service listens to and the checkout fields it reads. */
import { ORDER_EVENTS } from '../jumpseller/webhook-payloads.js';
import type { CreateCheckoutCustomFieldInput } from '../jumpseller/client-types.js';

export const HOOK_EVENTS = [...ORDER_EVENTS, 'product_created', 'product_updated', 'product_deleted'] as const;

/** Where Jumpseller delivers the store's webhooks. */
export function webhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/jumpseller`;
}

/** The events of HOOK_EVENTS without a hook pointing at `hookUrl` (Jumpseller deletes hooks that keep failing). */
export function missingHookEvents(hooks: readonly { event: string; url: string }[], hookUrl: string): string[] {
  return HOOK_EVENTS.filter((event) => !hooks.some((h) => h.event === event && h.url === hookUrl));
}

export const DOCUMENT_TYPE_OPTIONS = ['Boleta electrónica', 'Factura electrónica', 'Nota de venta'];

export const CHECKOUT_FIELDS: { key: 'documentType' | 'rut' | 'razonSocial' | 'giro'; matchLabels: string[]; create: CreateCheckoutCustomFieldInput }[] = [
  {
    key: 'documentType',
    matchLabels: ['Tipo de documento', 'Tipo documento', 'Documento'],
    create: { label: 'Tipo de documento', type: 'selection', area: 'billing_shipping', required: false, position: 1, custom_field_select_options: DOCUMENT_TYPE_OPTIONS },
  },
  { key: 'rut', matchLabels: ['RUT'], create: { label: 'RUT', type: 'input', area: 'billing_shipping', required: false, position: 2 } },
  {
    key: 'razonSocial',
    matchLabels: ['Razón social'],
    create: { label: 'Razón social', type: 'input', area: 'billing_shipping', required: false, position: 3 },
  },
  { key: 'giro', matchLabels: ['Giro'], create: { label: 'Giro', type: 'input', area: 'billing_shipping', required: false, position: 4 } },
];

export const SHIPPING_PRODUCT_NAME = 'Despacho';
