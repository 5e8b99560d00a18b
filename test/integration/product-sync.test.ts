/**
 * Product webhooks through the whole service: Jumpseller simulator → signed webhook → API →
 * product sync workflow on the real Temporal server → relBase simulator, links in PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLinks } from '../../src/db/product-links-repository.js';
import { productSyncStatusQuery, productWorkflowId, type ProductSyncStatus } from '../../src/workflows/product/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function productStatus(productId: number): Promise<ProductSyncStatus> {
  return stack.temporal.workflow.getHandle(productWorkflowId(stack.storeCode, productId)).query(productSyncStatusQuery);
}

async function currentRunId(productId: number): Promise<string> {
  return (await stack.temporal.workflow.getHandle(productWorkflowId(stack.storeCode, productId)).describe()).runId;
}

/**
 * Waits for the product's workflow to report `state` after at least `passes` passes; with
 * `notRunId`, in a later run than that one (a webhook after a run ended starts a new one).
 */
async function waitForProduct(productId: number, state: ProductSyncStatus['state'], passes = 1, timeoutMs = 60_000, notRunId?: string): Promise<ProductSyncStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ProductSyncStatus | undefined;
  for (;;) {
    try {
      const fresh = notRunId === undefined || (await currentRunId(productId)) !== notRunId;
      last = await productStatus(productId);
      if (fresh && last.state === state && last.passes >= passes) return last;
    } catch {
      // not started yet
    }
    if (Date.now() > deadline) throw new Error(`product ${productId} did not reach ${state} (pass ${passes}); last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const rbProducts = (code: string) => stack.rb.simulator.products().filter((p) => p.code === code);

describe('product webhooks', () => {
  it('product_created makes one relBase product per variant SKU, named after the options, with its image, and links them', async () => {
    const p = stack.js.sim.createProduct({
      name: 'Polera Andes',
      price: 12990,
      images: 1,
      variants: [
        { sku: 'PA-S', options: [{ name: 'Talla', value: 'S' }] },
        { sku: 'PA-M', price: 13990, options: [{ name: 'Talla', value: 'M' }] },
      ],
    });
    const status = await waitForProduct(p.id, 'synced');
    expect(status.problems).toEqual([]);
    expect(status.skus.map((s) => [s.sku, s.outcome, s.image])).toEqual([
      ['PA-M', 'created', 'uploaded'],
      ['PA-S', 'created', 'uploaded'],
    ]);
    expect(rbProducts('PA-S')).toHaveLength(1);
    expect(rbProducts('PA-S')[0]).toMatchObject({ name: 'Polera Andes (S)', price: 12990 });
    expect(rbProducts('PA-M')[0]).toMatchObject({ name: 'Polera Andes (M)', price: 13990 });
    expect(rbProducts('PA-M')[0]!.url_image).not.toBeNull();
    const links = (await listLinks(stack.db, stack.storeCode)).filter((l) => l.js_product_id === String(p.id));
    expect(links.map((l) => [l.sku, l.js_variant_id, l.relbase_product_id, l.active, l.image_synced])).toEqual([
      ['PA-M', String(p.variants[1]!.id), String(rbProducts('PA-M')[0]!.id), true, true],
      ['PA-S', String(p.variants[0]!.id), String(rbProducts('PA-S')[0]!.id), true, true],
    ]);
  });

  it('a product Jumpseller charges no IVA on is created exempt in relBase (tax_affected false); a taxed one taxed; one relBase holds taxed is made exempt', async () => {
    const exempt = stack.js.sim.createProduct({ name: 'Libro de texto', price: 15000, sku: 'EXENTO-1', images: 0, exempt: true });
    const taxed = stack.js.sim.createProduct({ name: 'Cuaderno', price: 2500, sku: 'AFECTO-1', images: 0 });
    const [heldTaxed] = stack.rb.simulator.seedProducts([{ name: 'Mapa', code: 'EXENTO-2', price: 4000 }]);
    const relinked = stack.js.sim.createProduct({ name: 'Mapa', price: 4000, sku: 'EXENTO-2', images: 0, exempt: true });
    await waitForProduct(exempt.id, 'synced');
    await waitForProduct(taxed.id, 'synced');
    const status = await waitForProduct(relinked.id, 'synced');
    expect(rbProducts('EXENTO-1')).toHaveLength(1);
    expect(rbProducts('EXENTO-1')[0]).toMatchObject({ tax_affected: false, price: 15000 });
    expect(rbProducts('AFECTO-1')[0]).toMatchObject({ tax_affected: true });
    expect(status.skus).toEqual([{ sku: 'EXENTO-2', relbaseProductId: heldTaxed!.id, outcome: 'updated', image: 'none' }]);
    expect(stack.rb.simulator.state.products.get(heldTaxed!.id)!.tax_affected).toBe(false);
  });

  it("a name over the 80 characters of a document line's NmbItem reaches relBase cut at a word boundary", async () => {
    const long = 'Polera técnica de algodón orgánico con protección solar UPF 50 y costuras planas para trekking de alta montaña';
    const p = stack.js.sim.createProduct({ name: long, price: 29990, sku: 'LARGO-1', images: 0 });
    await waitForProduct(p.id, 'synced');
    expect(rbProducts('LARGO-1')[0]!.name).toBe('Polera técnica de algodón orgánico con protección solar UPF 50 y costuras planas');
  });

  it('links a relBase product with the same code instead of duplicating it, updates its name and price, keeps its image', async () => {
    const [existing] = stack.rb.simulator.seedProducts([{ name: 'Taza vieja', code: 'TAZA-1', price: 3000 }]);
    stack.rb.simulator.state.products.get(existing!.id)!.url_image = 'https://relbase.example/taza.png';
    const writesBefore = stack.rb.simulator.requests().writes;
    const p = stack.js.sim.createProduct({ name: 'Taza Cerámica', price: 4990, sku: 'TAZA-1', images: 2 });
    const status = await waitForProduct(p.id, 'synced');
    expect(status.skus).toEqual([{ sku: 'TAZA-1', relbaseProductId: existing!.id, outcome: 'updated', image: 'present' }]);
    expect(rbProducts('TAZA-1')).toHaveLength(1);
    expect(rbProducts('TAZA-1')[0]).toMatchObject({ id: existing!.id, name: 'Taza Cerámica', price: 4990, url_image: 'https://relbase.example/taza.png' });
    expect(stack.rb.simulator.requests().writes - writesBefore).toBe(1); // the update, nothing else

    // An edit that changes nothing relBase shows makes no write.
    const writesAfter = stack.rb.simulator.requests().writes;
    const firstRun = await currentRunId(p.id);
    stack.js.sim.updateProduct(p.id, { stock: 7 });
    const again = await waitForProduct(p.id, 'synced', 1, 60_000, firstRun);
    expect(again.skus[0]!.outcome).toBe('unchanged');
    expect(stack.rb.simulator.requests().writes).toBe(writesAfter);
  });

  it('reports missing and shared SKUs by name and syncs the rest', async () => {
    const first = stack.js.sim.createProduct({ name: 'Gorro', price: 5000, sku: 'GORRO-1' });
    await waitForProduct(first.id, 'synced');
    const p = stack.js.sim.createProduct({
      name: 'Bufanda',
      price: 8000,
      variants: [
        { sku: 'BUF-ROJO', options: [{ name: 'Color', value: 'Rojo' }] },
        { sku: null, options: [{ name: 'Color', value: 'Azul' }] },
        { sku: 'BUF-X', options: [{ name: 'Color', value: 'Verde' }] },
        { sku: 'BUF-X', options: [{ name: 'Color', value: 'Negro' }] },
        { sku: 'GORRO-1', options: [{ name: 'Color', value: 'Gris' }] },
      ],
    });
    const status = await waitForProduct(p.id, 'synced');
    expect(status.skus.map((s) => s.sku)).toEqual(['BUF-ROJO']);
    const byKind = Object.fromEntries(status.problems.map((pr) => [`${pr.kind}:${pr.sku ?? ''}`, pr.items]));
    expect(byKind['missing:']).toEqual([`"Bufanda (Azul)" (variant ${p.variants[1]!.id} of product ${p.id})`]);
    expect(byKind['duplicated:BUF-X']).toEqual([
      `"Bufanda (Verde)" (variant ${p.variants[2]!.id} of product ${p.id})`,
      `"Bufanda (Negro)" (variant ${p.variants[3]!.id} of product ${p.id})`,
    ]);
    expect(byKind['duplicated:GORRO-1']).toEqual([`"Bufanda (Gris)" (variant ${p.variants[4]!.id} of product ${p.id})`, `"Gorro" (product ${first.id})`]);
    // A SKU two products hold links neither (as in a catalog sync): Gorro's link stops counting too.
    expect(status.deactivated).toContain('GORRO-1');
    expect((await listLinks(stack.db, stack.storeCode)).find((l) => l.sku === 'GORRO-1')).toMatchObject({ active: false });
    expect(status.reason).toContain('BUF-X');
    expect(rbProducts('BUF-X')).toHaveLength(0);
    expect(rbProducts('GORRO-1')).toHaveLength(1);
  });

  it('two products created at once with one SKU: neither is linked, each sync names the other, and an order with it waits', async () => {
    const a = stack.js.sim.createProduct({ name: 'Mate', price: 3000, sku: 'TWIN-1', stock: 5 });
    const b = stack.js.sim.createProduct({ name: 'Mate gemelo', price: 3000, sku: 'TWIN-1', stock: 5 });
    const [sa, sb] = await Promise.all([waitForProduct(a.id, 'synced'), waitForProduct(b.id, 'synced')]);
    expect(sa.skus).toEqual([]);
    expect(sb.skus).toEqual([]);
    expect(sa.problems).toEqual([expect.objectContaining({ kind: 'duplicated', sku: 'TWIN-1', items: [`"Mate" (product ${a.id})`, `"Mate gemelo" (product ${b.id})`] })]);
    expect(sb.problems).toEqual([expect.objectContaining({ kind: 'duplicated', sku: 'TWIN-1', items: [`"Mate gemelo" (product ${b.id})`, `"Mate" (product ${a.id})`] })]);
    expect((await listLinks(stack.db, stack.storeCode)).filter((l) => l.sku === 'TWIN-1' && l.active)).toEqual([]);

    const order = stack.js.sim.placeOrder({ lines: [{ productId: a.id, qty: 1 }] });
    stack.js.sim.payOrder(order.id);
    await stack.waitForOrderState(order.id, 'pending_products');
    await new Promise((r) => setTimeout(r, 3000)); // the product sync it asks for runs, and refuses again
    expect((await stack.orderStatus(order.id)).state).toBe('pending_products');
  });

  it('product_deleted deletes nothing in relBase: it marks the links inactive and says so', async () => {
    const p = stack.js.sim.createProduct({ name: 'Llavero', price: 1500, sku: 'LLAV-1' });
    await waitForProduct(p.id, 'synced');
    const relbaseBefore = stack.rb.simulator.products().length;
    const firstRun = await currentRunId(p.id);
    stack.js.sim.deleteProduct(p.id);
    const status = await waitForProduct(p.id, 'deleted', 1, 60_000, firstRun);
    expect(status.deactivated).toEqual(['LLAV-1']);
    expect(status.reason).toContain('marked inactive');
    expect(status.reason).toContain('Nothing was deleted in relBase');
    expect(stack.rb.simulator.products()).toHaveLength(relbaseBefore);
    const link = (await listLinks(stack.db, stack.storeCode)).find((l) => l.sku === 'LLAV-1');
    expect(link?.active).toBe(false);
  });

  it('a SKU relBase refuses to create ends reported as failed, by name and reason, in the product state', async () => {
    const p = stack.js.sim.createProduct({ name: ' ', price: 2000, sku: 'BLANK-1', images: 0 });
    const status = await waitForProduct(p.id, 'failed');
    expect(status.skus).toEqual([]);
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toMatchObject({ kind: 'failed', sku: 'BLANK-1', items: [`"" (product ${p.id})`] });
    expect(status.problems[0]!.reason).toContain('name is required');
    expect(status.reason).toContain('BLANK-1');
    expect(rbProducts('BLANK-1')).toHaveLength(0);
    expect((await listLinks(stack.db, stack.storeCode)).find((l) => l.sku === 'BLANK-1')).toBeUndefined();
  });

  it('a create whose answer is lost still makes one relBase product: the code is looked up before any second create', async () => {
    const posts = () => stack.rb.simulator.requests().byRoute['POST /api/v1/productos'] ?? 0;
    const postsBefore = posts();
    stack.rb.simulator.setFaults({ commitThenFail: [{ method: 'POST', pathPrefix: '/api/v1/productos', remaining: 1 }] });
    try {
      const p = stack.js.sim.createProduct({ name: 'Cuaderno', price: 3500, sku: 'CUAD-1', images: 0 });
      const status = await waitForProduct(p.id, 'synced');
      expect(stack.rb.simulator.requests().committedThenFailed).toBeGreaterThanOrEqual(1);
      expect(rbProducts('CUAD-1')).toHaveLength(1);
      expect(posts() - postsBefore).toBe(1);
      expect(status.skus).toEqual([{ sku: 'CUAD-1', relbaseProductId: rbProducts('CUAD-1')[0]!.id, outcome: 'linked', image: 'none' }]);
      const link = (await listLinks(stack.db, stack.storeCode)).find((l) => l.sku === 'CUAD-1');
      expect(link).toMatchObject({ active: true, relbase_product_id: String(rbProducts('CUAD-1')[0]!.id) });
    } finally {
      stack.rb.simulator.setFaults({ commitThenFail: [] });
    }
  });

  it('a burst of webhooks for one product coalesces into one pass', async () => {
    const p = stack.js.sim.createProduct({ name: 'Mate', price: 9000, sku: 'MATE-1' });
    stack.js.sim.updateProduct(p.id, { price: 9100 });
    stack.js.sim.updateProduct(p.id, { price: 9200 });
    await stack.js.sim.flushDeliveries();
    const status = await waitForProduct(p.id, 'synced');
    expect(status.signals).toBe(3);
    expect(status.passes).toBe(1);
    expect(rbProducts('MATE-1')).toHaveLength(1);
    expect(rbProducts('MATE-1')[0]!.price).toBe(9200);
  });
});

describe('a pending order', () => {
  it('issues on its own after the product_created webhook supplies its missing SKU', async () => {
    const p = stack.js.sim.createProduct({ name: 'Poncho', price: 25990, sku: 'PONCHO-1', stock: 5 });
    const order = stack.js.sim.placeOrder({ lines: [{ productId: p.id, qty: 1 }] });
    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();

    const issued = await stack.waitForOrderState(order.id, 'issued');
    // It waited for the SKU (product sync debounces for 2 s) and nobody signalled it by hand.
    const pending = issued.history.find((h) => h.state === 'pending_products');
    expect(pending?.reason).toContain('PONCHO-1');
    const docs = stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.amount_total).toBe(25990);
    expect(rbProducts('PONCHO-1')).toHaveLength(1);
    const delivery = await stack.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('store_code', '=', stack.storeCode)
      .where('event', '=', 'product_created')
      .where('resource_id', '=', String(p.id))
      .executeTakeFirstOrThrow();
    expect(delivery.status).toBe('dispatched');
    const product = await productStatus(p.id);
    expect(product.skus).toEqual([expect.objectContaining({ sku: 'PONCHO-1', outcome: 'created' })]);
  });
});
