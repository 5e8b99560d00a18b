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
  paymentTypeId: z.number().int().positive().nullable().default(null),
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
});

export type StoreSettings = z.infer<typeof storeSettingsSchema>;

/** Settings from a stored row, with defaults for anything missing. */
export function readSettings(raw: unknown): StoreSettings {
  return storeSettingsSchema.parse(raw ?? {});
}

/** Validates a partial change against the current settings; throws ZodError with field paths. */
export function mergeSettings(current: StoreSettings, change: unknown): StoreSettings {
  const partial = storeSettingsSchema.partial().strict().parse(change);
  // zod 4 still fills defaults in for keys a partial schema did not get: keep only the keys given,
  // or a change of one setting would reset every other to its default.
  const given = Object.fromEntries(Object.entries(partial).filter(([k]) => Object.hasOwn(change as object, k)));
  return storeSettingsSchema.parse({ ...current, ...given });
}
