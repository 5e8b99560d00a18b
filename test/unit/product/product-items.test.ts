import { describe, expect, it } from 'vitest';
import { productFingerprint, relbaseEntryOf, syncItemsOf } from '../../../src/activities/product-items.js';
import { JsProductSchema } from '../../../src/jumpseller/schemas.js';

const product = (over: Record<string, unknown> = {}) =>
  JsProductSchema.parse({
    id: 7,
    name: ' Polera ',
    sku: 'POL',
    price: 12990.0,
    images: [
      { id: 2, position: 2, url: 'https://cdn.example/second.png' },
      { id: 1, position: 1, url: 'https://cdn.example/first.png' },
    ],
    variants: [],
    ...over,
  });

describe('syncItemsOf', () => {
  it('a product without variants is its own SKU, with its first image', () => {
    expect(syncItemsOf(product())).toEqual([
      expect.objectContaining({
        key: 'product:7',
        sku: 'POL',
        name: 'Polera',
        price: 12990,
        jsVariantId: null,
        imageUrl: 'https://cdn.example/first.png',
        label: '"Polera" (product 7)',
      }),
    ]);
  });

  it('each variant is a product named after the options, with its own image or else the product one', () => {
    const items = syncItemsOf(
      product({
        variants: [
          {
            id: 70,
            sku: 'POL-M-R',
            price: 13990,
            options: [
              { name: 'Talla', value: 'M' },
              { name: 'Color', value: 'Rojo' },
            ],
            image: { id: 9, position: 1, url: 'https://cdn.example/red.png' },
          },
          { id: 71, sku: 'POL-L', price: 12990, options: [{ name: 'Talla', value: 'L' }] },
        ],
      }),
    );
    expect(items.map((i) => [i.sku, i.name, i.price, i.jsVariantId, i.imageUrl])).toEqual([
      ['POL-M-R', 'Polera (M / Rojo)', 13990, '70', 'https://cdn.example/red.png'],
      ['POL-L', 'Polera (L)', 12990, '71', 'https://cdn.example/first.png'],
    ]);
  });
});

describe('productFingerprint', () => {
  it('equal for the same name and price however they are spelled, different when either changes', () => {
    expect(productFingerprint('Taza ', 1000)).toBe(productFingerprint('Taza', 1000.0));
    expect(productFingerprint('Taza', 1000)).not.toBe(productFingerprint('Taza', 1001));
    expect(productFingerprint('Taza', 1000)).not.toBe(productFingerprint('Tazón', 1000));
  });

  it('a relBase product compares with the Jumpseller item it mirrors', () => {
    const [i] = syncItemsOf(product());
    const e = relbaseEntryOf({ id: 5, name: 'Polera', code: 'POL', price: 12990, barcode: null, is_inventory: true, tax_affected: true, url_image: null });
    expect(e).toEqual({ id: 5, fingerprint: i!.fingerprint, hasImage: false, taxAffected: true });
  });
});

describe('tax status of a product (issue 15)', () => {
  const IVA = { id: 1, name: 'IVA', rate: 19, fixed: false, tax_on_product_price: true };

  it('no IVA in its taxes is exento; IVA included is taxed; no taxes field says nothing', () => {
    expect(syncItemsOf(product({ taxes: [] }))[0]!.taxAffected).toBe(false);
    expect(syncItemsOf(product({ taxes: [IVA] }))[0]!.taxAffected).toBe(true);
    expect(syncItemsOf(product())[0]).not.toHaveProperty('taxAffected');
    // A tax these documents do not carry (ILA) decides nothing here: the order with it is held.
    expect(syncItemsOf(product({ taxes: [{ name: 'ILA', rate: 31.5, fixed: false, tax_on_product_price: true }] }))[0]).not.toHaveProperty('taxAffected');
  });

  it("a variant takes its own taxes, else its product's", () => {
    const items = syncItemsOf(
      product({
        taxes: [],
        variants: [
          { id: 70, sku: 'A', price: 1 },
          { id: 71, sku: 'B', price: 1, taxes: [IVA] },
        ],
      }),
    );
    expect(items.map((i) => i.taxAffected)).toEqual([false, true]);
  });

  it("relBase's entry carries its tax_affected when relBase says it", () => {
    const base = { id: 5, name: 'Libro', code: 'LIB', price: 1000, barcode: null, is_inventory: true, url_image: null };
    expect(relbaseEntryOf({ ...base, tax_affected: false }).taxAffected).toBe(false);
    expect(relbaseEntryOf({ ...base, tax_affected: null })).not.toHaveProperty('taxAffected');
  });
});

describe('names within the 80 characters of NmbItem (chile-dte.md B2)', () => {
  const long = 'Polera técnica de algodón orgánico con protección solar UPF 50 y costuras planas para trekking de alta montaña';

  it('a longer product name is cut at a word boundary', () => {
    expect(syncItemsOf(product({ name: long }))[0]!.name).toBe('Polera técnica de algodón orgánico con protección solar UPF 50 y costuras planas');
  });

  it("a variant keeps its option values: the product's part is cut", () => {
    const [item] = syncItemsOf(
      product({
        name: long,
        variants: [
          {
            id: 70,
            sku: 'A',
            price: 1,
            options: [
              { name: 'Talla', value: 'XL' },
              { name: 'Color', value: 'Azul' },
            ],
          },
        ],
      }),
    );
    expect(item!.name).toBe('Polera técnica de algodón orgánico con protección solar UPF 50 y (XL / Azul)');
    expect(Array.from(item!.name).length).toBeLessThanOrEqual(80);
  });
});
