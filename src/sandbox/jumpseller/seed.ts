/** A demo catalogue: simple products and products with size variants, with stock and images. */
import type { JumpsellerSimulator } from './simulator.js';
import type { SimProduct } from './state.js';

export interface SeedOptions {
  products: number;
  /** 0 makes simple products; N gives every product N size variants. */
  variantsPerProduct?: number;
  stock?: number;
}

const SIZES = ['S', 'M', 'L', 'XL', 'XXL', '3XL'];

export function seedDemoCatalog(sim: JumpsellerSimulator, opts: SeedOptions): SimProduct[] {
  const variants = opts.variantsPerProduct ?? 0;
  const stock = opts.stock ?? 10;
  return Array.from({ length: opts.products }, (_, i) => {
    const n = i + 1;
    const price = 990 + n * 1000; // whole pesos, gross
    return sim.createProduct({
      name: `Producto ${n}`,
      price,
      sku: `SKU-${n}`,
      stock,
      variants: Array.from({ length: variants }, (_, v) => ({
        sku: `SKU-${n}-${SIZES[v % SIZES.length]}${v >= SIZES.length ? v : ''}`,
        price,
        stock,
        options: [{ name: 'Talla', value: `${SIZES[v % SIZES.length]}${v >= SIZES.length ? v : ''}` }],
      })),
    });
  });
}
