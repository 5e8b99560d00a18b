/**
 * Liveness, readiness (database and Temporal answer) and Prometheus metrics. `/readyz` answers only
 * `ok` or `failing` per dependency: what failed and why (hostnames, driver messages) goes to the log,
 * never to whoever can reach the probe.
 */
import { Hono } from 'hono';
import type { AppDeps } from './app.js';
import { pingDatabase } from '../db/database.js';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** `/healthz` alone: says the process answers, nothing more. */
export function livenessRoutes(): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}

export function healthRoutes(deps: Pick<AppDeps, 'db' | 'temporal' | 'metrics' | 'logger'>): Hono {
  const app = new Hono();
  app.route('/', livenessRoutes());
  app.get('/readyz', async (c) => {
    const names = ['database', 'temporal'] as const;
    const results = await Promise.allSettled([withTimeout(pingDatabase(deps.db), 'database'), withTimeout(deps.temporal.workflowService.getSystemInfo({}), 'temporal')]);
    const checks: Record<string, 'ok' | 'failing'> = {};
    results.forEach((r, i) => {
      checks[names[i]!] = r.status === 'fulfilled' ? 'ok' : 'failing';
      if (r.status === 'rejected') {
        deps.logger.warn({ check: names[i], err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'readiness check failing');
      }
    });
    const ok = results.every((r) => r.status === 'fulfilled');
    return c.json({ status: ok ? 'ready' : 'not ready', checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
