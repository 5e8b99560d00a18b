/**
 * The admin API's OpenAPI document: served behind the admin token, declaring every route the app
 * answers (a route added without a declaration fails here), the bearer scheme, and error answers
 * that match what the app sends.
 */
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ADMIN_OPENAPI_PATH, adminRoutes } from '../../../src/api/admin/routes.js';
import { createApp } from '../../../src/api/app.js';
import type { Db } from '../../../src/db/database.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { StoreRegistry } from '../../../src/stores/registry.js';
import { sha256 } from '../../../src/security/token-strength.js';
import { answerChecker, documentedOperations, type OpenApiDoc } from '../../support/admin-openapi.js';

const TOKEN = 'openapi-test-token-0123456789';
const logger = createLogger('silent');
// Nothing here reaches the database, Temporal or a store: the document and validation failures come first.
const unused = <T>(what: string) =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error(`the test reached ${what}`);
      },
    },
  ) as T;
const routes = adminRoutes({
  db: unused<Db>('the database'),
  temporal: unused<Client>('Temporal'),
  stores: unused<StoreRegistry>('the store registry'),
  logger,
  adminTokens: [{ name: 'admin', scope: 'admin', sha256: sha256(TOKEN) }],
  secretsKeyring: undefined,
  publicUrl: 'http://service.test',
  mainTaskQueue: 'unused',
});
const app = createApp({ db: unused<Db>('the database'), temporal: unused<Client>('Temporal'), logger, metrics: createMetrics(), routes: [routes] });
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

async function fetchDocument(): Promise<OpenApiDoc> {
  const res = await app.request(ADMIN_OPENAPI_PATH, auth);
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDoc;
}

/** Every method and path the admin app routes to a handler (middleware mounted with `use` left out). */
function registeredOperations(): string[] {
  const keys = routes.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, '{$1}')}`);
  return [...new Set(keys)];
}

describe('GET /admin/openapi.json', () => {
  it('answers 401 without the admin token', async () => {
    const res = await app.request(ADMIN_OPENAPI_PATH);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('is an OpenAPI 3.1 document that requires the bearer scheme', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown });
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('declares every route the admin app answers, and nothing else', async () => {
    const registered = registeredOperations();
    expect(registered.length).toBeGreaterThan(20);
    expect(registered).toContain('POST /admin/stores/{code}/orders/{id}/resolve');
    expect(documentedOperations(await fetchDocument()).sort()).toEqual(registered.sort());
  });

  it('gives every operation a summary, a JSON success answer and the error envelope for 401', async () => {
    const doc = await fetchDocument();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toBeTruthy();
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2') && op.responses[s]!.content?.['application/json']),
          where,
        ).toBe(true);
        expect(op.responses['401']?.content?.['application/json']?.schema, where).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('describes the answers the app gives to a refused token and to invalid input', async () => {
    const check = answerChecker(await fetchDocument());
    const refused = await app.request('/admin/audit', { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(refused.status).toBe(401);
    expect(check('GET', '/admin/audit', 401, await refused.json())).toEqual([]);

    const invalid = await app.request('/admin/audit?limit=0', auth);
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^invalid query: limit: /);
    expect(check('GET', '/admin/audit', 400, body)).toEqual([]);
    // The checker does refuse an answer of another shape.
    expect(check('GET', '/admin/audit', 400, { error: { code: 'teapot', message: 1 } })).not.toEqual([]);
  });
});
