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

export function productJson(state: SimState, product: SimProduct) {
  return {
    ...product,
    type: 'physical',
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
