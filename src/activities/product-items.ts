/**
 * From a Jumpseller product to the relBase products it stands for: one per SKU (the product
 * itself when it has no variants, else each variant, named after the product and its option
 * values). Prices are gross, as Jumpseller shows them and as relBase documents are issued (mnt_bruto).
 */
import { createHash } from 'node:crypto';
import type { JsProduct, JsVariant } from '../jumpseller/schemas.js';
import type { RelbaseEntry, SyncItem } from '../workflows/product/contracts.js';
import type { Product as RelbaseProduct } from '../relbase/schemas.js';

/** Whole pesos and cents compare equal however each API spells them (11990, 11990.0, "11990.00"). */
function priceKey(price: number): string {
  return (Math.round(price * 100) / 100).toFixed(2);
}

/**
 * A short digest of the name and price relBase should show. Workflows carry it instead of both
 * (catalog sync keeps one per SKU across continue-as-new); 64 bits make a missed change negligible.
 */
export function productFingerprint(name: string, price: number): string {
  return createHash('sha256').update(`${name.trim()}\n${priceKey(price)}`).digest('hex').slice(0, 16);
}

export function variantName(product: JsProduct, variant: JsVariant): string {
  const values = variant.options.map((o) => o.value.trim()).filter((v) => v !== '');
  return values.length > 0 ? `${product.name.trim()} (${values.join(' / ')})` : `${product.name.trim()} (variant ${variant.id})`;
}

function firstImageUrl(product: JsProduct): string | null {
  const sorted = [...product.images].sort((a, b) => (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER));
  return sorted[0]?.url ?? null;
}

export function syncItemsOf(product: JsProduct): SyncItem[] {
  const productImage = firstImageUrl(product);
  if (product.variants.length === 0) {
    const name = product.name.trim();
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
    };
  });
}

export function relbaseEntryOf(p: RelbaseProduct): RelbaseEntry {
  return { id: p.id, fingerprint: productFingerprint(p.name, p.price), hasImage: p.url_image !== null && p.url_image.trim() !== '' };
}
