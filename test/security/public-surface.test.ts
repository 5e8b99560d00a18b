/**
 * What the public port gives away and how much of it one client can take: `/readyz` says ok or
 * failing and nothing about why; with INTERNAL_PORT, readiness and metrics leave the public port; the
 * install endpoints allow each client address a small budget.
 */
import type { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, createInternalApp } from '../../src/api/app.js';
import { installRoutes } from '../../src/api/install/routes.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { StoreRegistry } from '../../src/stores/registry.js';

// Nothing listens on port 1 of 127.0.0.1; the password and host must not reach an answer.
const db = createDatabase('postgres://app:db-password-1@127.0.0.1:1/app', { maxConnections: 1 });
const temporal = {
  workflowService: { getSystemInfo: () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED temporal.internal.example:7233')) },
} as unknown as Client;
const logger = createLogger('silent');

afterAll(() => db.destroy());

describe('readiness', () => {
  it('says which dependency is failing and nothing about why', async () => {
    const app = createApp({ db, temporal, logger, metrics: createMetrics() });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'not ready', checks: { database: 'failing', temporal: 'failing' } });
    for (const internal of ['127.0.0.1', 'ECONNREFUSED', 'temporal.internal.example', '7233', 'db-password-1', 'UNAVAILABLE']) expect(text).not.toContain(internal);
  });
});

describe('INTERNAL_PORT', () => {
  it('moves readiness and metrics off the public app; liveness stays on both', async () => {
    const metrics = createMetrics();
    const publicApp = createApp({ db, temporal, logger, metrics, health: 'liveness' });
    expect((await publicApp.request('/healthz')).status).toBe(200);
    expect((await publicApp.request('/readyz')).status).toBe(404);
    expect((await publicApp.request('/metrics')).status).toBe(404);
    const internalApp = createInternalApp({ db, temporal, logger, metrics });
    expect((await internalApp.request('/healthz')).status).toBe(200);
    expect((await internalApp.request('/readyz')).status).toBe(503);
    expect(await (await internalApp.request('/metrics')).text()).toContain('http_requests_total');
    expect((await internalApp.request('/admin/stores')).status).toBe(404);
  });

  it('is off unless set, and takes a port and an interface', () => {
    expect(loadConfig({}).internal).toEqual({ port: undefined, host: '0.0.0.0' });
    expect(loadConfig({ INTERNAL_PORT: '9090', INTERNAL_HOST: '10.0.0.2' }).internal).toEqual({ port: 9090, host: '10.0.0.2' });
    expect(() => loadConfig({ INTERNAL_PORT: 'metrics' })).toThrow(/INTERNAL_PORT/);
  });
});

describe('install endpoints per client address', () => {
  function app(trustProxy: boolean) {
    const metrics = createMetrics();
    const a = createApp({
      db,
      temporal,
      logger,
      metrics,
      routes: [
        installRoutes({
          db,
          stores: {} as StoreRegistry,
          temporal,
          mainTaskQueue: 'unused',
          logger,
          oauth: undefined, // the install answers 503 at once: what is counted is the limiter
          secretsKeyring: undefined,
          jumpsellerApiUrl: 'http://unused',
          publicUrl: 'http://service.test',
          rateLimit: { perMinute: 5, trustProxy, onLimited: () => metrics.rateLimited.inc({ route: 'install' }) },
        }),
      ],
    });
    return { a, metrics };
  }
  const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

  it('answers 429 with Retry-After past the budget, to that address only, and counts it', async () => {
    const { a, metrics } = app(false);
    for (let i = 0; i < 5; i++) expect((await a.request('/install?store=x', {}, from('203.0.113.9'))).status).toBe(503);
    const limited = await a.request('/oauth/callback?code=c&state=s', {}, from('203.0.113.9'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
    expect((await a.request('/install?store=x', {}, from('198.51.100.4'))).status).toBe(503);
    expect(await metrics.registry.getSingleMetricAsString('http_rate_limited_total')).toMatch(/route="install"} 1/);
  });

  it('behind a trusted proxy, counts the address the proxy saw, not what the client claims', async () => {
    const { a } = app(true);
    const via = (claimed: string) => ({ headers: { 'x-forwarded-for': `${claimed}, 203.0.113.77` } });
    for (let i = 0; i < 5; i++) expect((await a.request('/install', via(`10.0.0.${i}`), from('127.0.0.1'))).status).toBe(503);
    expect((await a.request('/install', via('10.9.9.9'), from('127.0.0.1'))).status).toBe(429);
  });
});
