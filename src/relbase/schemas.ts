/**
 * The relBase v1 wire format, as zod schemas (see /work/shared/reference/relbase-api.md, "The relBase
 * contract this project assumes"). Resource objects are loose (unknown fields pass through) because
 * relBase answers carry many more fields than we read. Fields the public material does not confirm
 * are lenient: absent becomes null, and money or stock may arrive as numeric strings (Rails
 * serialises decimals as strings) and is normalised to numbers.
 */
import { z } from 'zod';

/** A JSON number, or a numeric string as Rails sends decimals; always a number after parsing. */
export const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);

/** Absent or null both become null: the project's convention is `T | null`, never optional. */
function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? null);
}

export const metaSchema = z.looseObject({
  code: orNull(z.number()),
  message: orNull(z.string()),
});

/** Pagination fields of a list answer's `meta`. */
export const pageMetaSchema = z.looseObject({
  current_page: z.number().int(),
  next_page: orNull(z.number().int()),
  total_pages: z.number().int().min(0),
  total_count: z.number().int().min(0),
});
export type PageMeta = z.infer<typeof pageMetaSchema>;

/** `{ data: <resource>, meta }`: a single resource is `data` itself. */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({ data, meta: metaSchema.optional() });
}

/** `{ data: { <key>: [...] }, meta: { current_page, next_page, ... } }`. */
export function listEnvelopeSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({
    data: z.object({ [key]: z.array(item) } as { [P in K]: z.ZodArray<T> }),
    meta: pageMetaSchema,
  });
}

/** A list answer that is not paginated (warehouses, stock per warehouse). */
export function unpagedListEnvelopeSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({
    data: z.object({ [key]: z.array(item) } as { [P in K]: z.ZodArray<T> }),
    meta: metaSchema.optional(),
  });
}

export const inventorySchema = z.looseObject({
  ware_house_id: z.number().int(),
  stock: numeric,
});

/** A relBase product; `code` is the SKU. */
export const productSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  code: orNull(z.string()),
  price: numeric,
  barcode: orNull(z.string()),
  is_inventory: orNull(z.boolean()),
  tax_affected: orNull(z.boolean()),
  url_image: orNull(z.string()),
  /** Present on `GET /productos/{id}`; list items may omit it. */
  inventories: z.array(inventorySchema).optional(),
});
export type Product = z.infer<typeof productSchema>;

/** One row of `GET /productos/{id}/stock_por_bodegas`; stock may be fractional or negative. */
export const stockEntrySchema = z.looseObject({
  ware_house_id: z.number().int(),
  current_stock: numeric,
});
export type StockEntry = z.infer<typeof stockEntrySchema>;

export const warehouseSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
});
export type Warehouse = z.infer<typeof warehouseSchema>;

/**
 * A city (`GET /ciudades`) or comuna (`GET /comunas?city_id=`), whose ids a customer's address
 * carries. The endpoints are known [S]; the answer's shape (`data.cities[]` / `data.communes[]` of
 * `{id, name}`, paged like the other lists) is ASSUMED, like the customer create that uses the ids.
 */
export const placeSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
});
export type Place = z.infer<typeof placeSchema>;

export const customerSchema = z.looseObject({
  id: z.number().int(),
  rut: z.string(),
  name: z.string(),
  business_activity: orNull(z.string()),
  address: orNull(z.string()),
  commune_id: orNull(z.number().int()),
  city_id: orNull(z.number().int()),
  /** relBase keeps a list of addresses; older records may hold a single string. */
  email: orNull(z.union([z.array(z.string()), z.string()])),
});
export type Customer = z.infer<typeof customerSchema>;

/** A line of an issued document as relBase returns it (the POST answer is UNCONFIRMED: lenient). */
export const documentLineSchema = z.looseObject({
  product_id: orNull(z.number().int()),
  quantity: orNull(numeric),
  price: orNull(numeric),
  discount: orNull(numeric),
  /** false for an exento line; null when relBase does not say (the product's own flag applies). */
  tax_affected: orNull(z.boolean()),
});
export type DocumentLine = z.infer<typeof documentLineSchema>;

export const documentSchema = z.looseObject({
  id: z.number().int(),
  /** Null while relBase has not assigned a folio (never seen, but the POST answer is UNCONFIRMED). */
  folio: orNull(z.number().int()),
  type_document: z.number().int(),
  label_value: orNull(z.string()),
  comment: orNull(z.string()),
  customer_id: orNull(z.number().int()),
  /** The document's date, yyyy-mm-dd: a credit note's reference repeats it (`date_ref`). */
  start_date: orNull(z.string()),
  /** The warehouse its stock moved in; null when relBase does not say. */
  ware_house_id: orNull(z.number().int()),
  /** Whether its line prices include IVA; null when relBase does not say. */
  mnt_bruto: orNull(z.boolean()),
  amount_neto: numeric,
  amount_iva: numeric,
  /** The exempt lines' total; not in every answer seen (then not compared). */
  amount_exempt: orNull(numeric),
  amount_total: numeric,
  /** e.g. 'sent_sii' (emitted, SII answer pending), 'accepted', 'cancel'; null for notas de venta. */
  sii_status: orNull(z.string()),
  /** The status's human name; for a rejection ASSUMED to carry the SII's reason (domain/sii-status.ts). */
  sii_status_name: orNull(z.string()),
  pdf_file: orNull(z.looseObject({ url: orNull(z.string()) })),
  products: z
    .array(documentLineSchema)
    .nullish()
    .transform((v) => v ?? []),
  /** The boleta or factura made from a nota de venta (relbase-api.md A4); empty when none or not said. */
  dte_children: z
    .array(z.looseObject({ id: z.number().int(), folio: orNull(z.number().int()), type_document: z.number().int() }))
    .nullish()
    .transform((v) => v ?? []),
});
export type Document = z.infer<typeof documentSchema>;

/** The error body relBase is assumed to send (v1 error shape is UNCONFIRMED: read leniently). */
export const errorBodySchema = z.object({ meta: z.looseObject({ message: z.unknown().optional() }) });
