/** SKUs longer than this are refused (assumed relBase `code` limit; see isSkuAcceptable). */
export const SKU_MAX_CHARS = 50;

/** An item to check, keyed by the caller (e.g. `product:12` or `variant:34`) and labelled for people. */
export interface SkuItem {
  readonly key: string;
  readonly sku: string | null | undefined;
  readonly label: string;
}

/** The outcome of checking a batch of SKUs; every input item lands in exactly one list. */
export interface SkuCheck<T extends SkuItem> {
  /** Items whose trimmed SKU is acceptable and used by no other item; `sku` is the trimmed value. */
  readonly valid: (T & { readonly sku: string })[];
  /** Items with no SKU, or only whitespace. */
  readonly missing: { readonly key: string; readonly label: string }[];
  /** Items whose SKU is present but unacceptable (too long, control characters), with why. */
  readonly invalid: { readonly key: string; readonly label: string; readonly sku: string; readonly reason: string }[];
  /** SKUs shared by two or more items: all of them are refused, since a relBase product is one SKU. */
  readonly duplicated: { readonly sku: string; readonly items: { readonly key: string; readonly label: string }[] }[];
}

// C0 and C1 control characters, DEL included.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * True for a SKU relBase can use as a product `code`: non-empty after trimming, at most 50
 * characters, no control characters. ASSUMPTION: relBase's real limit is unpublished; 50 matches
 * common ERP code columns and every Jumpseller SKU seen so far.
 */
export function isSkuAcceptable(sku: string | null | undefined): boolean {
  return skuProblem(sku) === null;
}

/**
 * Sorts items into valid, missing, invalid and duplicated SKUs. SKUs compare exactly after trimming
 * (relBase codes are matched exactly), and lists keep the input order.
 */
export function checkSkus<T extends SkuItem>(items: readonly T[]): SkuCheck<T> {
  const missing: SkuCheck<T>['missing'] = [];
  const invalid: SkuCheck<T>['invalid'] = [];
  const bySku = new Map<string, { item: T; index: number }[]>();
  for (const [index, item] of items.entries()) {
    const sku = item.sku?.trim() ?? '';
    if (sku === '') {
      missing.push({ key: item.key, label: item.label });
      continue;
    }
    const problem = skuProblem(sku);
    if (problem !== null) {
      invalid.push({ key: item.key, label: item.label, sku, reason: problem });
      continue;
    }
    bySku.set(sku, [...(bySku.get(sku) ?? []), { item, index }]);
  }
  const unique: { item: T & { readonly sku: string }; index: number }[] = [];
  const duplicated: SkuCheck<T>['duplicated'] = [];
  for (const [sku, sharing] of bySku) {
    const [only] = sharing;
    if (sharing.length === 1 && only !== undefined) unique.push({ item: { ...only.item, sku }, index: only.index });
    else duplicated.push({ sku, items: sharing.map(({ item }) => ({ key: item.key, label: item.label })) });
  }
  // Map iteration follows each SKU's first sighting; valid items go back into input order.
  const valid = unique.sort((a, b) => a.index - b.index).map(({ item }) => item);
  return { valid, missing, invalid, duplicated };
}

function skuProblem(sku: string | null | undefined): string | null {
  const trimmed = sku?.trim() ?? '';
  if (trimmed === '') return 'the SKU is empty';
  if (Array.from(trimmed).length > SKU_MAX_CHARS) return `the SKU is longer than ${SKU_MAX_CHARS} characters`;
  if (CONTROL_CHARACTERS.test(trimmed)) return 'the SKU contains control characters';
  return null;
}
