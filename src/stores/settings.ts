/**
 * A store's settings, kept as JSON in `stores.settings` and validated here on every read and write,
 * so an old row missing a newer setting gets its default and a bad write is refused with a message.
 */
import { z } from 'zod';

export const storeSettingsSchema = z.object({
  /** Document issued when the checkout fields say nothing: 39 boleta, 33 factura, 1001 nota de venta. */
  defaultDocument: z.union([z.literal(39), z.literal(33), z.literal(1001)]).default(39),
  /** The tax document a nota de venta (1001) will become when the checkout does not ask for a factura. */
  notaDeVentaBecomes: z.union([z.literal(39), z.literal(33)]).default(39),
  /** What to do when a factura is requested with missing or invalid RUT, razón social or giro. */
  invalidFiscalDataPolicy: z.enum(['hold', 'boleta']).default('hold'),
  /** relBase warehouse whose stock is pushed to the shop and that documents take stock from. */
  warehouseId: z.number().int().positive().nullable().default(null),
  channelId: z.number().int().positive().nullable().default(null),
  /** relBase payment type (`type_payment_id`) for payment methods not in paymentTypeIdsByMethod. */
  paymentTypeId: z.number().int().positive().nullable().default(null),
  /**
   * Jumpseller payment method name ("Webpay Plus", "Transferencia bancaria") → relBase payment type
   * id; names match regardless of accents, case and spacing (domain resolvePaymentTypeId).
   */
  paymentTypeIdsByMethod: z.record(z.string().trim().min(1).max(100), z.number().int().positive()).default({}),
  /**
   * A factura is issued in net prices and the SII adds IVA = round(neto × 0.19), so about one gross
   * total in six cannot be reached to the peso: `hold` such an order for an operator, or issue the
   * factura `one_peso_below` the payment.
   */
  unreachableFacturaTotal: z.enum(['hold', 'one_peso_below']).default('hold'),
  /** relBase product code used for the shipping line. */
  shippingProductCode: z.string().min(1).max(50).default('ENVIO'),
  /** Checkout custom field ids, matched before labels (set by install). */
  checkoutFieldIds: z
    .object({
      documentType: z.string().optional(),
      rut: z.string().optional(),
      razonSocial: z.string().optional(),
      giro: z.string().optional(),
    })
    .default({}),
  stockSyncEnabled: z.boolean().default(true),
  stockDebounceMs: z.number().int().min(0).max(600_000).default(2000),
  reconcileIntervalMinutes: z.number().int().min(1).max(10_080).default(60),
  /** Minutes between paid-order reconciles: how long a paid order whose webhooks were lost may wait. */
  orderReconcileIntervalMinutes: z.number().int().min(1).max(1440).default(15),
  /** Days of orders (by creation) each paid-order reconcile looks at, so late payments are caught too. */
  orderReconcileLookbackDays: z.number().int().min(1).max(31).default(3),
  /**
   * Days of orders (by creation) in which each paid-order reconcile also looks for cancellations whose
   * webhook never arrived: an issued order Jumpseller lists as canceled gets its credit note. 0: off.
   * Orders carry no update time, so the listing reaches back by creation: cancellations come later.
   */
  orderReconcileCancellationDays: z.number().int().min(0).max(31).default(31),
  /**
   * How long after a create with an unknown outcome (timeout, lost answer) could last have been in
   * flight the order keeps looking for its document before it may create it again: the longest a
   * late commit in relBase may take without making a second document.
   */
  documentSettleSeconds: z.number().int().min(10).max(86_400).default(300),
  /**
   * Look for the document in relBase before the first create even when the database says no create
   * was ever sent. That proof fails when the database was restored from a backup older than the
   * order's first create: turn this on after such a restore (it costs one relBase call per document).
   */
  alwaysLookFirst: z.boolean().default(false),
  /**
   * When Jumpseller cancels an order whose boleta or factura is issued, issue a nota de crédito (61)
   * annulling it. Off: the order shows the cancellation and an operator credits it by hand.
   */
  creditNoteOnCancel: z.boolean().default(true),
  /**
   * Seconds after issuing of the first look at the document's SII status in relBase; the waits then
   * double (up to 6 h) for 3 days (domain/sii-status.ts). The SII usually answers within minutes.
   */
  siiStatusFirstCheckSeconds: z.number().int().min(1).max(86_400).default(300),
});

export type StoreSettings = z.infer<typeof storeSettingsSchema>;

/** Settings from a stored row, with defaults for anything missing. */
export function readSettings(raw: unknown): StoreSettings {
  return storeSettingsSchema.parse(raw ?? {});
}

/** A change of settings: any of them, nothing else. */
export const storeSettingsChangeSchema = storeSettingsSchema.partial().strict();

/** Validates a partial change against the current settings; throws ZodError with field paths. */
export function mergeSettings(current: StoreSettings, change: unknown): StoreSettings {
  const partial = storeSettingsChangeSchema.parse(change);
  // zod 4 still fills defaults in for keys a partial schema did not get: keep only the keys given,
  // or a change of one setting would reset every other to its default.
  const given = Object.fromEntries(Object.entries(partial).filter(([k]) => Object.hasOwn(change as object, k)));
  return storeSettingsSchema.parse({ ...current, ...given });
}
