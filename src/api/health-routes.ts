/** Liveness, readiness (database and Temporal answer) and Prometheus metrics. */
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

export function healthRoutes(deps: Pick<AppDeps, 'db' | 'temporal' | 'metrics'>) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    const results = await Promise.allSettled([
      withTimeout(pingDatabase(deps.db), 'database'),
      withTimeout(deps.temporal.workflowService.getSystemInfo({}), 'temporal'),
    ]);
    const describe = (r: PromiseSettledResult<unknown> | undefined) =>
      r?.status === 'rejected' ? `failing: ${r.reason instanceof Error ? r.reason.message : 'error'}` : 'ok';
    checks.database = describe(results[0]);
    checks.temporal = describe(results[1]);
    const ok = results.every((r) => r.status === 'fulfilled');
    return c.json({ status: ok ? 'ready' : 'not ready', checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
