/**
 * Catalogue changes, from the control API or from the REST API, with the webhooks they fire:
 * product_created, product_updated (after any change), product_stock_updated (when a stock moved)
 * and product_deleted (whose body carries only the id: the real payload is undocumented, and the
 * thinnest one is what a consumer must cope with).
 */
import { z } from 'zod';
import { notFound, SimRequestError } from './sim-errors.js';
import { jumpsellerDate, simNow } from './state.js';
import type { SimProduct, SimState, SimVariant } from './state.js';
import type { WebhookDispatcher } from './webhook-delivery.js';
import { productJson } from './wire.js';

const stock = z.number().int().nonnegative();

export const NewVariantInput = z.object({
  sku: z.string().nullable().optional(),
  price: z.number().nonnegative().optional(),
  stock: stock.default(0),
  stockUnlimited: z.boolean().default(false),
  options: z.array(z.object({ name: z.string(), value: z.string(), optionType: z.enum(['option', 'color']).default('option') })).default([]),
});

export const NewProductInput = z.object({
  name: z.string().min(1),
  price: z.number().nonnegative(),
  sku: z.string().nullable().optional(),
  barcode: z.string().nullable().optional(),
  description: z.string().default(''),
  stock: stock.default(0),
  stockUnlimited: z.boolean().default(false),
  status: z.enum(['available', 'not-available', 'disabled']).default('available'),
  images: z.number().int().nonnegative().default(1),
  variants: z.array(NewVariantInput).default([]),
  /** No IVA on it (an exempt product): its `taxes` and its order lines' are empty. */
  exempt: z.boolean().default(false),
  type: z.enum(['physical', 'digital', 'gift_card']).default('physical'),
});
export type NewProduct = z.input<typeof NewProductInput>;

export const ProductChangeInput = z.object({
  name: z.string().min(1).optional(),
  price: z.number().nonnegative().optional(),
  sku: z.string().nullable().optional(),
  stock: stock.optional(),
  stock_unlimited: z.boolean().optional(),
  status: z.enum(['available', 'not-available', 'disabled']).optional(),
});
export type ProductChange = z.input<typeof ProductChangeInput>;

export const VariantChangeInput = z.object({
  price: z.number().nonnegative().optional(),
  sku: z.string().nullable().optional(),
  stock: stock.optional(),
  stock_unlimited: z.boolean().optional(),
});
export type VariantChange = z.input<typeof VariantChangeInput>;

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (errors[issue.path.join('.') || 'base'] ??= []).push(issue.message);
  throw new SimRequestError(422, 'invalid input', errors);
}

export function findProduct(state: SimState, id: number): SimProduct {
  const product = state.products.get(id);
  if (!product) throw notFound(`product ${id}`);
  return product;
}

export function findVariant(product: SimProduct, variantId: number): SimVariant {
  const variant = product.variants.find((v) => v.id === variantId);
  if (!variant) throw notFound(`variant ${variantId} of product ${product.id}`);
  return variant;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function createCatalogOperations(state: SimState, webhooks: WebhookDispatcher) {
  function announce(product: SimProduct, events: string[]): void {
    const body = { product: productJson(state, product) };
    webhooks.emit(events.map((event) => ({ event, body })));
  }

  function touch(product: SimProduct): void {
    product.updated_at = jumpsellerDate(simNow(state));
  }

  return {
    createProduct(input: NewProduct): SimProduct {
      const p = parseInput(NewProductInput, input);
      const now = jumpsellerDate(simNow(state));
      const id = ++state.ids.product;
      const images = Array.from({ length: p.images }, (_, i) => ({ id: ++state.ids.image, position: i + 1 }));
      const product: SimProduct = {
        id,
        name: p.name,
        description: p.description,
        sku: p.sku ?? null,
        barcode: p.barcode ?? null,
        price: p.price,
        stock: p.variants.length > 0 ? p.variants.reduce((sum, v) => sum + v.stock, 0) : p.stock,
        stock_unlimited: p.stockUnlimited,
        status: p.status,
        permalink: `${slug(p.name)}-${id}`,
        created_at: now,
        updated_at: now,
        ...(p.exempt ? { exempt: true } : {}),
        ...(p.type === 'physical' ? {} : { type: p.type }),
        images,
        variants: p.variants.map((v) => ({
          id: ++state.ids.variant,
          sku: v.sku ?? null,
          barcode: null,
          price: v.price ?? p.price,
          stock: v.stock,
          stock_unlimited: v.stockUnlimited,
          options: v.options.map((o) => ({ name: o.name, value: o.value, option_type: o.optionType })),
          image: images[0] ?? null,
        })),
      };
      state.products.set(id, product);
      announce(product, ['product_created']);
      return product;
    },

    /** A PUT on the product; stock of a product with variants lives on its variants. */
    updateProduct(id: number, change: ProductChange): SimProduct {
      const product = findProduct(state, id);
      const c = parseInput(ProductChangeInput, change);
      if (c.stock !== undefined && product.variants.length > 0) {
        throw new SimRequestError(422, 'this product has variants: update the stock of each variant', {
          stock: ['is managed per variant'],
        });
      }
      const stockBefore = product.stock;
      const unlimitedBefore = product.stock_unlimited;
      if (c.name !== undefined) product.name = c.name;
      if (c.price !== undefined) product.price = c.price;
      if (c.sku !== undefined) product.sku = c.sku;
      if (c.status !== undefined) product.status = c.status;
      if (c.stock !== undefined) product.stock = c.stock;
      if (c.stock_unlimited !== undefined) product.stock_unlimited = c.stock_unlimited;
      touch(product);
      const stockMoved = product.stock !== stockBefore || product.stock_unlimited !== unlimitedBefore;
      announce(product, stockMoved ? ['product_stock_updated', 'product_updated'] : ['product_updated']);
      return product;
    },

    updateVariant(productId: number, variantId: number, change: VariantChange): SimVariant {
      const product = findProduct(state, productId);
      const variant = findVariant(product, variantId);
      const c = parseInput(VariantChangeInput, change);
      const stockBefore = variant.stock;
      const unlimitedBefore = variant.stock_unlimited;
      if (c.price !== undefined) variant.price = c.price;
      if (c.sku !== undefined) variant.sku = c.sku;
      if (c.stock !== undefined) variant.stock = c.stock;
      if (c.stock_unlimited !== undefined) variant.stock_unlimited = c.stock_unlimited;
      product.stock = product.variants.reduce((sum, v) => sum + v.stock, 0);
      touch(product);
      const stockMoved = variant.stock !== stockBefore || variant.stock_unlimited !== unlimitedBefore;
      announce(product, stockMoved ? ['product_stock_updated', 'product_updated'] : ['product_updated']);
      return variant;
    },

    deleteProduct(id: number): void {
      findProduct(state, id);
      state.products.delete(id);
      webhooks.emit([{ event: 'product_deleted', body: { product: { id } } }]);
    },

    /** Orders move stock without product webhooks (whether Jumpseller fires them then is undocumented). */
    adjustStock(productId: number, variantId: number | null, delta: number): void {
      const product = findProduct(state, productId);
      const holder = variantId === null ? product : findVariant(product, variantId);
      if (holder.stock_unlimited) return;
      holder.stock += delta;
      if (variantId !== null) product.stock = product.variants.reduce((sum, v) => sum + v.stock, 0);
      touch(product);
    },
  };
}

export type CatalogOperations = ReturnType<typeof createCatalogOperations>;
