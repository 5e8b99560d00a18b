/**
 * Zod schemas for the Jumpseller resources this service reads, following the fact sheet
 * (shared/reference/jumpseller-api.md). They are lenient where the real API is known to vary
 * (unknown keys pass through, fields that may be absent default to null or 0) and strict on what
 * the integration keys on (ids, quantities, prices, `status_enum`).
 *
 * Dates stay strings: the API sends `2023-02-10 13:56:35 UTC`, older payloads sent ISO 8601.
 * Money stays a float as sent (CLP amounts arrive as `11990.0`); rounding is domain code's job.
 */
import { z } from 'zod';

/** A field the API may omit or send as null; read as `T | null` either way. */
function nullish<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v): z.output<T> | null => v ?? null);
}

/** Ids that arrive as a string in webhooks and a number in the REST API (customer.id). */
const idAsString = z.union([z.string(), z.number()]).transform(String);
const money = z.number();
const moneyOrZero = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);
const text = nullish(z.string());
/** A product's or variant's stock: a whole number, absent as 0. */
const wholeStock = z
  .number()
  .int()
  .nullish()
  .transform((v) => v ?? 0);
const unlimitedStock = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

export const ORDER_STATUS_ENUMS = ['pending_payment', 'paid', 'canceled', 'abandoned'] as const;
/** The untranslated order status; `status` and `status_name` are display strings in the store's language. */
export type JsOrderStatusEnum = (typeof ORDER_STATUS_ENUMS)[number];

export const JsTaxSchema = z.looseObject({
  id: nullish(z.number()),
  name: z.string(),
  rate: z.number(),
  fixed: nullish(z.boolean()),
  /** True when the line price already includes this tax (Chilean stores: IVA included). */
  tax_on_product_price: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

/** A line item, `order.products[]`. `id` is the product id; there is no `product_id`. */
export const JsOrderLineSchema = z.looseObject({
  id: z.number().int(),
  variant_id: nullish(z.number().int()),
  sku: text,
  name: z.string(),
  qty: z.number().int(),
  /** Unit price, gross when `taxes[].tax_on_product_price` is true. */
  price: money,
  /** Promotion discount on this line, all units together. */
  discount: moneyOrZero,
  taxes: z
    .array(JsTaxSchema)
    .nullish()
    .transform((v) => v ?? []),
  image: text,
  /** `physical`, `digital` or `gift_card` (a gift card sold). */
  type: text,
});

export const JsCustomerSchema = z.looseObject({
  id: idAsString,
  email: text,
  fullname: text,
  phone: text,
  phone_prefix: text,
});

export const JsAddressSchema = z.looseObject({
  name: text,
  surname: text,
  /** The RUT on billing addresses of Chilean stores; absent on shipping addresses. */
  taxid: text,
  address: text,
  street_number: text,
  complement: text,
  city: text,
  municipality: text,
  region: text,
  region_code: text,
  country: text,
  country_code: text,
  postal: text,
});

export const JsBillingInformationSchema = z.looseObject({
  business_activity: text,
  company_name: text,
  taxpayer_type: text,
});

/** A checkout custom field value on an order. Its `area` does not match the create enum ('billing'). */
export const JsAdditionalFieldSchema = z.looseObject({
  id: nullish(z.number()),
  label: z.string(),
  value: text,
  area: text,
});

export const JsOrderSchema = z.looseObject({
  id: z.number().int(),
  created_at: z.string(),
  completed_at: text,
  /** Translated display string; key on `status_enum` instead. */
  status: z.string(),
  status_enum: z.enum(ORDER_STATUS_ENUMS),
  shipment_status_enum: text,
  currency: z.string(),
  subtotal: money,
  tax: moneyOrZero,
  shipping: moneyOrZero,
  shipping_tax: moneyOrZero,
  discount: moneyOrZero,
  shipping_discount: moneyOrZero,
  gift_cards_discount: moneyOrZero,
  total: money,
  /** The payment method as the store names it ("Webpay Plus", "Transferencia Bancaria"); one of `payment_method_*`. */
  payment_method_name: text,
  customer: nullish(JsCustomerSchema),
  billing_address: nullish(JsAddressSchema),
  shipping_address: nullish(JsAddressSchema),
  billing_information: nullish(JsBillingInformationSchema),
  additional_fields: z
    .array(JsAdditionalFieldSchema)
    .nullish()
    .transform((v) => v ?? []),
  products: z.array(JsOrderLineSchema),
});

/**
 * What a listing needs of an order: its id (a number, or digits as a string), when it was made and
 * its status. Every other key is dropped, so nothing personal travels further than the parse.
 */
export const JsOrderRefSchema = z.object({
  id: z.union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(/^\d{1,18}$/)
      .transform(Number),
  ]),
  created_at: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  status_enum: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

export const JsImageSchema = z.looseObject({
  id: z.number().int(),
  position: nullish(z.number()),
  url: z.string(),
});

export const JsVariantOptionSchema = z.looseObject({
  name: z.string(),
  option_type: text,
  value: z.string(),
});

export const JsVariantSchema = z.looseObject({
  id: z.number().int(),
  sku: text,
  barcode: text,
  price: money,
  stock: wholeStock,
  stock_unlimited: unlimitedStock,
  options: z
    .array(JsVariantOptionSchema)
    .nullish()
    .transform((v) => v ?? []),
  image: nullish(JsImageSchema),
  /** As on order lines; on products UNCONFIRMED (see JsProductSchema.taxes). */
  taxes: nullish(z.array(JsTaxSchema)),
});

export const JsProductSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  description: text,
  sku: text,
  barcode: text,
  price: money,
  stock: wholeStock,
  stock_unlimited: unlimitedStock,
  /** `available`, `not-available` or `disabled` (older docs: `unavailable`). */
  status: text,
  permalink: text,
  created_at: text,
  updated_at: text,
  variants: z
    .array(JsVariantSchema)
    .nullish()
    .transform((v) => v ?? []),
  images: z
    .array(JsImageSchema)
    .nullish()
    .transform((v) => v ?? []),
  /**
   * The product's taxes, in the shape of an order line's `taxes[]` (jumpseller-api.md §2). The fact
   * sheet lists them on order lines only: on products they are UNCONFIRMED, read when present (an
   * empty list: no IVA, exento) and absent means not known (relBase's product is then created taxed).
   */
  taxes: nullish(z.array(JsTaxSchema)),
});

export const JsHookSchema = z.looseObject({
  id: z.number().int(),
  event: z.string(),
  url: z.string(),
  name: text,
  created_at: text,
});

export const JsCheckoutCustomFieldSchema = z.looseObject({
  id: z.number().int(),
  label: z.string(),
  type: z.string(),
  area: z.string(),
  required: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  position: nullish(z.number()),
  deletable: nullish(z.boolean()),
  custom_field_select_options: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

export const JsStoreInfoSchema = z.looseObject({
  code: z.string(),
  name: z.string(),
  currency: z.string(),
  country: text,
  timezone: text,
  email: text,
  url: text,
  /** Signs webhooks; only present with the `read_store` scope. A secret: never log it. */
  hooks_token: text,
});

export const JsCountSchema = z.looseObject({ count: z.number().int() });

export type JsTax = z.output<typeof JsTaxSchema>;
export type JsOrderLine = z.output<typeof JsOrderLineSchema>;
export type JsCustomer = z.output<typeof JsCustomerSchema>;
export type JsAddress = z.output<typeof JsAddressSchema>;
export type JsBillingInformation = z.output<typeof JsBillingInformationSchema>;
export type JsAdditionalField = z.output<typeof JsAdditionalFieldSchema>;
export type JsOrder = z.output<typeof JsOrderSchema>;
export type JsOrderRef = z.output<typeof JsOrderRefSchema>;
export type JsImage = z.output<typeof JsImageSchema>;
export type JsVariantOption = z.output<typeof JsVariantOptionSchema>;
export type JsVariant = z.output<typeof JsVariantSchema>;
export type JsProduct = z.output<typeof JsProductSchema>;
export type JsHook = z.output<typeof JsHookSchema>;
export type JsCheckoutCustomField = z.output<typeof JsCheckoutCustomFieldSchema>;
export type JsStoreInfo = z.output<typeof JsStoreInfoSchema>;
