/**
 * The per-SKU decision shared by product sync and catalog sync, pure so it is unit-tested and
 * replay-safe: given what Jumpseller shows, what relBase holds under that code and our link, which
 * writes (if any) bring relBase in line. Never a delete, never a second product for one code.
 */
import { checkSkus } from '../../domain/sku.js';
import type { LinkState, RelbaseEntry, SkuProblem, SyncItem } from './contracts.js';

export interface SkuPlan {
  /** No relBase product has this code: create it. */
  create: boolean;
  /**
   * Before creating, look the code up exactly in relBase: our link says the SKU was linked before,
   * yet the index does not show it (relBase lists only active products), or the index is not
   * known to cover this SKU.
   */
  lookFirst: boolean;
  /** The relBase product exists and its name, price or (when both sides say) tax status differ. */
  update: boolean;
  /** relBase has no image and Jumpseller has one (after a create: whenever Jumpseller has one). */
  uploadImage: boolean;
  /** Our link is missing or points elsewhere (product, variant, relBase id) or is inactive. */
  recordLink: boolean;
}

export function planSku(item: SyncItem, entry: RelbaseEntry | null, link: LinkState | undefined, indexCoversSku = true): SkuPlan {
  if (entry === null) {
    return { create: true, lookFirst: link !== undefined || !indexCoversSku, update: false, uploadImage: item.imageUrl !== null, recordLink: true };
  }
  const linkedHere = link !== undefined && link.active && link.relbaseProductId === entry.id && link.jsProductId === item.jsProductId && link.jsVariantId === item.jsVariantId;
  return {
    create: false,
    lookFirst: false,
    update: entry.fingerprint !== item.fingerprint || taxStatusDiffers(item, entry),
    uploadImage: !entry.hasImage && item.imageUrl !== null,
    recordLink: !linkedHere,
  };
}

/** Only when Jumpseller and relBase both say: a product whose tax status is unknown on one side is left as it is. */
export function taxStatusDiffers(item: SyncItem, entry: RelbaseEntry): boolean {
  return item.taxAffected !== undefined && entry.taxAffected !== undefined && item.taxAffected !== entry.taxAffected;
}

/**
 * Sorts items into those that may sync and the problems that keep the rest out: missing, invalid,
 * or shared SKUs, within these items (checkSkus) or with the store's other products (`sharedElsewhere`:
 * SKU → the other products' labels).
 */
export function screenSkus(
  items: readonly SyncItem[],
  sharedElsewhere: Readonly<Record<string, readonly string[]>> = {},
): { valid: (SyncItem & { sku: string })[]; problems: SkuProblem[] } {
  const check = checkSkus(items);
  const problems: SkuProblem[] = [
    ...check.missing.map((m): SkuProblem => ({ kind: 'missing', sku: null, items: [m.label], reason: 'no SKU: relBase needs one code per product' })),
    ...check.invalid.map((i): SkuProblem => ({ kind: 'invalid', sku: i.sku, items: [i.label], reason: i.reason })),
    ...check.duplicated.map(
      (d): SkuProblem => ({
        kind: 'duplicated',
        sku: d.sku,
        items: d.items.map((x) => x.label),
        reason: `SKU ${d.sku} is shared by ${d.items.length} products or variants; each needs its own`,
      }),
    ),
  ];
  const valid: (SyncItem & { sku: string })[] = [];
  for (const item of check.valid) {
    const others = sharedElsewhere[item.sku];
    if (others && others.length > 0) {
      problems.push({
        kind: 'duplicated',
        sku: item.sku,
        items: [item.label, ...others],
        reason: `SKU ${item.sku} is also used by ${others.join(', ')}; each needs its own`,
      });
    } else {
      valid.push(item);
    }
  }
  return { valid, problems };
}

/** One line per problem, for logs, reasons and reports. */
export function describeProblem(p: SkuProblem): string {
  return `${p.kind}${p.sku !== null ? ` ${p.sku}` : ''} (${p.items.join('; ')}): ${p.reason}`;
}
