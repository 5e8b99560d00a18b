/**
 * `/ciudades` and `/comunas?city_id=`: the ids a customer's address carries (relbase-api.md lists the
 * endpoints; their answer shape is the project's ASSUMED one: `data.cities[]` / `data.communes[]` of
 * `{id, name}`, paged). A few real cities and comunas with made-up ids, pages of 3 so that clients
 * must walk them.
 */
import { Hono } from 'hono';
import { page } from './wire.js';

const PAGE_SIZE = 3;

export const SIM_CITIES: readonly { id: number; name: string }[] = [
  { id: 501, name: 'Arica' },
  { id: 502, name: 'Antofagasta' },
  { id: 503, name: 'Valparaíso' },
  { id: 504, name: 'Santiago' },
  { id: 505, name: 'Concepción' },
];

export const SIM_COMMUNES: readonly { id: number; name: string; city_id: number }[] = [
  { id: 9101, name: 'Valparaíso', city_id: 503 },
  { id: 9102, name: 'Viña del Mar', city_id: 503 },
  { id: 9201, name: 'Santiago', city_id: 504 },
  { id: 9202, name: 'Providencia', city_id: 504 },
  { id: 9203, name: 'Las Condes', city_id: 504 },
  { id: 9204, name: 'Ñuñoa', city_id: 504 },
  { id: 9205, name: 'Maipú', city_id: 504 },
  { id: 9301, name: 'Concepción', city_id: 505 },
];

export function placeRoutes(): Hono {
  const app = new Hono();
  app.get('/ciudades', (c) => page(c, 'cities', SIM_CITIES, PAGE_SIZE));
  app.get('/comunas', (c) => {
    const cityId = Number(c.req.query('city_id'));
    return page(
      c,
      'communes',
      SIM_COMMUNES.filter((m) => !Number.isInteger(cityId) || cityId <= 0 || m.city_id === cityId),
      PAGE_SIZE,
    );
  });
  return app;
}
