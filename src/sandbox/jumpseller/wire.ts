/** The JSON Jumpseller sends for each resource, built from the simulator's state. */
import type { SimImage, SimOrder, SimProduct, SimState, SimVariant } from './state.js';

export function imageUrl(state: SimState, imageId: number): string {
  return `${state.publicUrl}/_sim/images/${imageId}.png`;
}

export function imageJson(state: SimState, image: SimImage) {
  return { id: image.id, position: image.position, url: imageUrl(state, image.id) };
}

export function variantJson(state: SimState, variant: SimVariant) {
  return {
    ...variant,
    options: variant.options.map((o, i) => ({ ...o, custom: null, product_option_position: i, product_value_position: 0 })),
    image: variant.image ? imageJson(state, variant.image) : null,
  };
}

/** The IVA entry of a Chilean store's `taxes[]`: 19 %, included in the price (jumpseller-api.md §2). */
export const IVA_TAX = { id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true };

/**
 * A product as the API shows it. `taxes` is the shape of an order line's `taxes[]`; the fact sheet
 * lists it on order lines only, so on products it is ASSUMED (empty for an exempt product).
 */
export function productJson(state: SimState, product: SimProduct) {
  const { exempt, ...fields } = product;
  return {
    ...fields,
    type: product.type ?? 'physical',
    taxes: exempt ? [] : [IVA_TAX],
    categories: [],
    variants: product.variants.map((v) => variantJson(state, v)),
    images: product.images.map((i) => imageJson(state, i)),
  };
}

/**
 * The REST API types `customer.id` as an integer; webhook bodies have been seen with a string.
 * The simulator reproduces both so consumers cope with either.
 */
export function orderJson(order: SimOrder, via: 'api' | 'webhook') {
  return {
    ...order,
    customer: { ...order.customer, id: via === 'webhook' ? String(order.customer.id) : order.customer.id },
  };
}
