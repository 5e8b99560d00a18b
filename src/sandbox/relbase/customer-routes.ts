/**
 * `/clientes`: search by RUT or name, detail and create (create is an ASSUMED endpoint). relBase
 * stores the RUT as typed; its search also finds it when the query is written without dots.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { isValidRut } from './rut.js';
import type { SimContext } from './sim-context.js';
import { addCustomer } from './state.js';
import { customerWire, fail, idParam, ok, page } from './wire.js';

const createCustomerSchema = z.looseObject({
  rut: z.string().refine(isValidRut, 'rut is not a valid RUT (digits-DV with a correct check digit)'),
  name: z.string().trim().min(1, 'name is required'),
  business_activity: z.string().trim().min(1, 'business_activity (giro) is required'),
  address: z.string().trim().min(1, 'address is required'),
  commune_id: z.number().int().nullish(),
  city_id: z.number().int().nullish(),
  email: z.union([z.string(), z.array(z.string())]).nullish(),
});

const withoutDots = (s: string) => s.replace(/[.\s]/g, '').toLowerCase();

export function customerRoutes(ctx: SimContext): Hono {
  const app = new Hono();

  app.get('/clientes', (c) => {
    const needle = (c.req.query('query') ?? '').trim().toLowerCase();
    const found = [...ctx.state.customers.values()]
      .filter((cu) => needle === '' || cu.rut.toLowerCase().includes(needle) || withoutDots(cu.rut).includes(withoutDots(needle)) || cu.name.toLowerCase().includes(needle))
      .sort((a, b) => a.id - b.id)
      .map(customerWire);
    return page(c, 'customers', found, ctx.pageSizes.customers);
  });

  app.get('/clientes/:id', (c) => {
    const customer = ctx.state.customers.get(idParam(c));
    return customer ? ok(c, customerWire(customer)) : fail(c, 404, 'customer not found');
  });

  app.post('/clientes', async (c) => {
    const parsed = createCustomerSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return fail(c, 422, `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const { email, ...rest } = parsed.data;
    const customer = addCustomer(ctx.state, {
      ...rest,
      email: email === null || email === undefined ? [] : typeof email === 'string' ? [email] : email,
    });
    ctx.state.traffic.writes++;
    return ok(c, customerWire(customer), 201);
  });

  return app;
}
