/**
 * `/_sim/*`: what tests and demos use to play the merchant and the shopper, and to inspect what the
 * service did. No authentication. Inputs are camelCase (they are ours, not Jumpseller's); the
 * helpers validate them with zod and answer 422 `{message, errors}` when they are wrong.
 *
 *   GET    /_sim/images/:id.png              the product image bytes (image/png)
 *   GET    /_sim/store                       store info, Basic credentials, OAuth client
 *   POST   /_sim/hooks-token/reset           a new hooks token (as a merchant resetting it)
 *   POST   /_sim/orders                      place an order (PlaceOrderInput)
 *   POST   /_sim/orders/:id/pay|cancel|abandon
 *   POST   /_sim/products                    create (NewProductInput, variants included)
 *   PUT    /_sim/products/:id                change name/price/sku/stock/status
 *   PUT    /_sim/products/:id/variants/:vid  change a variant's price/sku/stock
 *   DELETE /_sim/products/:id
 *   GET    /_sim/requests                    API traffic; DELETE zeroes it
 *   PUT    /_sim/faults                      latencyMs, errorRate, throttle, hangMs, commitThenFail
 *   PUT    /_sim/rate-limit                  perSecond, perMinute, legacy403Next, banForMs
 *   PUT    /_sim/webhooks                    duplicates, reorder, deliveryDelayMs, retryUnitMs, timeoutMs,
 *                                            deleteHookAfterFailures, bodyShapes
 *   GET    /_sim/deliveries                  every webhook attempt; POST /_sim/deliveries/flush awaits them
 *   POST   /_sim/clock                       {advanceMs}: token expiry without waiting
 *   POST   /_sim/oauth/revoke                every token stops working (uninstall)
 *   POST   /_sim/reset
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { parseInput } from './catalog-operations.js';
import { solidPng } from './png.js';
import { SimRequestError } from './sim-errors.js';
import type { NewProduct, ProductChange, VariantChange } from './catalog-operations.js';
import type { PlaceOrder } from './order-operations.js';
import type { JumpsellerSimulator } from './simulator.js';
import { BODY_SHAPES } from './webhook-shapes.js';

const FaultsInput = z
  .object({
    latencyMs: z.number().nonnegative(),
    errorRate: z.number().min(0).max(1),
    throttle: z.number().min(0).max(1),
    hangMs: z.number().nonnegative(),
    commitThenFail: z.array(z.object({ method: z.string(), pathPrefix: z.string(), remaining: z.number().int() })),
  })
  .partial();

const WebhookOptionsInput = z
  .object({
    duplicates: z.number().int().min(1),
    reorder: z.enum(['none', 'reverse', 'random']),
    deliveryDelayMs: z.number().nonnegative(),
    retryUnitMs: z.number().nonnegative(),
    timeoutMs: z.number().positive(),
    deleteHookAfterFailures: z.number().int().nonnegative(),
    bodyShapes: z.array(z.enum(BODY_SHAPES)),
  })
  .partial();

const RateLimitInput = z
  .object({
    perSecond: z.number().int().positive(),
    perMinute: z.number().int().positive(),
    legacy403Next: z.number().int().nonnegative(),
    banForMs: z.number().nonnegative(),
  })
  .partial();

const ClockInput = z.object({ advanceMs: z.number() });

async function body(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SimRequestError(422, 'the body must be JSON');
  }
}

function idParam(c: Context, name: string): number {
  return Number.parseInt(c.req.param(name) ?? '', 10);
}

export function createControlRoutes(sim: JumpsellerSimulator): Hono {
  const ctl = new Hono();

  ctl.get('/images/:file{[0-9]+\\.png}', (c) => {
    const id = idParam(c, 'file');
    return c.body(solidPng(id), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=3600' });
  });

  ctl.get('/store', (c) => c.json({ store: sim.state.store, credentials: sim.state.credentials, oauth: sim.oauthClient }));

  ctl.post('/hooks-token/reset', (c) => c.json({ hooks_token: sim.resetHooksToken() }));

  // The casts hand untrusted JSON to helpers that parse it with zod before use.
  ctl.post('/orders', async (c) => c.json({ order: sim.placeOrder((await body(c)) as PlaceOrder) }, 201));
  ctl.post('/orders/:id{[0-9]+}/pay', (c) => c.json({ order: sim.payOrder(idParam(c, 'id')) }));
  ctl.post('/orders/:id{[0-9]+}/cancel', (c) => c.json({ order: sim.cancelOrder(idParam(c, 'id')) }));
  ctl.post('/orders/:id{[0-9]+}/abandon', (c) => c.json({ order: sim.abandonOrder(idParam(c, 'id')) }));

  ctl.post('/products', async (c) => c.json({ product: sim.createProduct((await body(c)) as NewProduct) }, 201));
  ctl.put('/products/:id{[0-9]+}', async (c) => c.json({ product: sim.updateProduct(idParam(c, 'id'), (await body(c)) as ProductChange) }));
  ctl.put('/products/:id{[0-9]+}/variants/:variantId{[0-9]+}', async (c) =>
    c.json({ variant: sim.updateVariant(idParam(c, 'id'), idParam(c, 'variantId'), (await body(c)) as VariantChange) }),
  );
  ctl.delete('/products/:id{[0-9]+}', (c) => {
    sim.deleteProduct(idParam(c, 'id'));
    return c.body(null, 204);
  });

  ctl.get('/requests', (c) => c.json(sim.requestStats()));
  ctl.delete('/requests', (c) => {
    sim.resetRequestStats();
    return c.json(sim.requestStats());
  });
  ctl.put('/faults', async (c) => c.json(sim.setFaults(parseInput(FaultsInput, await body(c)))));
  ctl.put('/rate-limit', async (c) => c.json(sim.setRateLimit(parseInput(RateLimitInput, await body(c)))));
  ctl.put('/webhooks', async (c) => c.json(sim.setWebhookOptions(parseInput(WebhookOptionsInput, await body(c)))));
  ctl.get('/deliveries', (c) => c.json({ deliveries: sim.deliveries() }));
  ctl.post('/deliveries/flush', async (c) => {
    await sim.flushDeliveries();
    return c.json({ deliveries: sim.deliveries().length });
  });
  ctl.post('/clock', async (c) => c.json({ now: sim.advanceClock(parseInput(ClockInput, await body(c)).advanceMs) }));
  ctl.post('/oauth/revoke', (c) => {
    sim.revokeAllTokens();
    return c.json({ revoked: true });
  });
  ctl.post('/reset', (c) => {
    sim.reset();
    return c.json({ reset: true });
  });

  return ctl;
}
