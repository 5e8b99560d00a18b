/**
 * From a Jumpseller product to the relBase products it stands for: one per SKU (the product
 * itself when it has no variants, else each variant, named after the product and its option
 * values). Prices are gross, as Jumpseller shows them and as relBase documents are issued (mnt_bruto).
 */
import { createHash } from 'node:crypto';
import type { JsProduct, JsVariant } from '../jumpseller/schemas.js';
import type { RelbaseEntry, SyncItem } from '../workflows/product/contracts.js';
import type { Product as RelbaseProduct } from '../relbase/schemas.js';
import { lineTaxStatus, type LineTax } from '../domain/tax-status.js';
import { ITEM_NAME_MAX_CHARS, itemNameForSii } from '../domain/sii-text.js';
import { truncateAtWord } from '../domain/text.js';

/**
 * relBase's product name is the document line's NmbItem, which holds 80 characters (chile-dte.md
 * B2): longer names are cut at a word boundary.
 */
function relbaseName(name: string): string {
  return itemNameForSii(name) ?? name.trim();
}

/**
 * Whether relBase's product for it carries IVA, read as an order line's taxes are (lineTaxStatus):
 * no IVA is exento. undefined when Jumpseller does not say, or names a tax these documents do not
 * carry (the order with it is held anyway).
 */
export function taxAffectedOf(taxes: readonly LineTax[] | null | undefined): boolean | undefined {
  if (taxes === null || taxes === undefined) return undefined;
  const status = lineTaxStatus(taxes);
  return status.ok ? status.taxAffected : undefined;
}

function withTax(taxAffected: boolean | undefined): { taxAffected?: boolean } {
  return taxAffected === undefined ? {} : { taxAffected };
}

/** Whole pesos and cents compare equal however each API spells them (11990, 11990.0, "11990.00"). */
function priceKey(price: number): string {
  return (Math.round(price * 100) / 100).toFixed(2);
}

/**
 * A short digest of the name and price relBase should show. Workflows carry it instead of both
 * (catalog sync keeps one per SKU across continue-as-new); 64 bits make a missed change negligible.
 */
export function productFingerprint(name: string, price: number): string {
  return createHash('sha256')
    .update(`${name.trim()}\n${priceKey(price)}`)
    .digest('hex')
    .slice(0, 16);
}

export function variantName(product: JsProduct, variant: JsVariant): string {
  const values = variant.options.map((o) => o.value.trim()).filter((v) => v !== '');
  const suffix = values.length > 0 ? `(${values.join(' / ')})` : `(variant ${variant.id})`;
  const base = relbaseName(product.name);
  const full = `${base} ${suffix}`;
  // Over 80 characters, the product's part is cut so the variant's own values stay readable.
  const room = ITEM_NAME_MAX_CHARS - Array.from(suffix).length - 1;
  if (Array.from(full).length <= ITEM_NAME_MAX_CHARS || room < ITEM_NAME_MAX_CHARS / 2) return relbaseName(full);
  return `${truncateAtWord(base, room)} ${suffix}`;
}

function firstImageUrl(product: JsProduct): string | null {
  const sorted = [...product.images].sort((a, b) => (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER));
  return sorted[0]?.url ?? null;
}

export function syncItemsOf(product: JsProduct): SyncItem[] {
  const productImage = firstImageUrl(product);
  if (product.variants.length === 0) {
    const name = relbaseName(product.name);
    return [
      {
        key: `product:${product.id}`,
        sku: product.sku,
        label: `"${name}" (product ${product.id})`,
        name,
        price: product.price,
        jsProductId: String(product.id),
        jsVariantId: null,
        imageUrl: productImage,
        fingerprint: productFingerprint(name, product.price),
        ...withTax(taxAffectedOf(product.taxes)),
      },
    ];
  }
  return product.variants.map((v) => {
    const name = variantName(product, v);
    return {
      key: `variant:${v.id}`,
      sku: v.sku,
      label: `"${name}" (variant ${v.id} of product ${product.id})`,
      name,
      price: v.price,
      jsProductId: String(product.id),
      jsVariantId: String(v.id),
      imageUrl: v.image?.url ?? productImage,
      fingerprint: productFingerprint(name, v.price),
      ...withTax(taxAffectedOf(v.taxes ?? product.taxes)),
    };
  });
}

export function relbaseEntryOf(p: RelbaseProduct): RelbaseEntry {
  return {
    id: p.id,
    fingerprint: productFingerprint(p.name, p.price),
    hasImage: p.url_image !== null && p.url_image.trim() !== '',
    ...(p.tax_affected === null ? {} : { taxAffected: p.tax_affected }),
  };
}
