import { describe, expect, it } from 'vitest';
import type { LinkState, RelbaseEntry, SyncItem } from '../../../src/workflows/product/contracts.js';
import { describeProblem, planSku, screenSkus } from '../../../src/workflows/product/plan.js';

function item(over: Partial<SyncItem> = {}): SyncItem {
  return {
    key: 'product:1',
    sku: 'A-1',
    label: '"Taza" (product 1)',
    name: 'Taza',
    price: 1000,
    jsProductId: '1',
    jsVariantId: null,
    imageUrl: 'https://cdn.example/1.png',
    fingerprint: 'fp-taza-1000',
    ...over,
  };
}
const entry = (over: Partial<RelbaseEntry> = {}): RelbaseEntry => ({ id: 50, fingerprint: 'fp-taza-1000', hasImage: true, ...over });
const link = (over: Partial<LinkState> = {}): LinkState => ({ relbaseProductId: 50, jsProductId: '1', jsVariantId: null, active: true, imageSynced: true, ...over });

describe('planSku', () => {
  it('creates what relBase lacks, with its image, looking first only when a link or a gap in the index says it may exist', () => {
    expect(planSku(item(), null, undefined)).toEqual({ create: true, lookFirst: false, update: false, uploadImage: true, recordLink: true });
    expect(planSku(item(), null, link()).lookFirst).toBe(true);
    expect(planSku(item(), null, undefined, false).lookFirst).toBe(true);
    expect(planSku(item({ imageUrl: null }), null, undefined).uploadImage).toBe(false);
  });

  it('does nothing when relBase already matches and the link is ours', () => {
    expect(planSku(item(), entry(), link())).toEqual({ create: false, lookFirst: false, update: false, uploadImage: false, recordLink: false });
  });

  it('links an existing product, updates it when name or price differ, and adds an image only when it has none', () => {
    expect(planSku(item(), entry({ fingerprint: 'other', hasImage: false }), undefined)).toEqual({
      create: false,
      lookFirst: false,
      update: true,
      uploadImage: true,
      recordLink: true,
    });
  });

  it('updates a product whose tax status differs, only when Jumpseller and relBase both say it', () => {
    expect(planSku(item({ taxAffected: false }), entry({ taxAffected: true }), link()).update).toBe(true);
    expect(planSku(item({ taxAffected: false }), entry({ taxAffected: false }), link()).update).toBe(false);
    expect(planSku(item(), entry({ taxAffected: false }), link()).update).toBe(false);
    expect(planSku(item({ taxAffected: false }), entry(), link()).update).toBe(false);
  });

  it('records the link again when it is inactive or points at another product or variant', () => {
    expect(planSku(item(), entry(), link({ active: false })).recordLink).toBe(true);
    expect(planSku(item(), entry(), link({ relbaseProductId: 51 })).recordLink).toBe(true);
    expect(planSku(item({ jsVariantId: '9' }), entry(), link()).recordLink).toBe(true);
  });
});

describe('screenSkus', () => {
  it('keeps missing, invalid and shared SKUs out, naming every holder', () => {
    const items = [
      item({ key: 'v:1', sku: ' OK-1 ', label: 'uno' }),
      item({ key: 'v:2', sku: null, label: 'dos' }),
      item({ key: 'v:3', sku: 'X', label: 'tres' }),
      item({ key: 'v:4', sku: 'X', label: 'cuatro' }),
      item({ key: 'v:5', sku: 'A'.repeat(51), label: 'cinco' }),
      item({ key: 'v:6', sku: 'TAKEN', label: 'seis' }),
    ];
    const { valid, problems } = screenSkus(items, { TAKEN: ['product 99'] });
    expect(valid.map((v) => v.sku)).toEqual(['OK-1']);
    expect(problems.map((p) => [p.kind, p.sku, p.items])).toEqual([
      ['missing', null, ['dos']],
      ['invalid', 'A'.repeat(51), ['cinco']],
      ['duplicated', 'X', ['tres', 'cuatro']],
      ['duplicated', 'TAKEN', ['seis', 'product 99']],
    ]);
    expect(describeProblem(problems[2]!)).toContain('duplicated X (tres; cuatro)');
  });
});
