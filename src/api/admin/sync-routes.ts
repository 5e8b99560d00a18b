/**
 * Catalog sync and stock refresh: start, cancel, progress and report of `catalog:{store}`, and a
 * stock reconcile run for a store. The workflows do the work; these routes only start, signal and read.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { createRoute } from '@hono/zod-openapi';
import { triggerStockReconcile } from '../../stock/schedules.js';
import { HttpError } from '../errors.js';
import { messageOf, startUnlessRunning, storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, NO_STORE, StoreParams } from './openapi.js';
import {
  CatalogSyncAlreadyRunning,
  CatalogSyncCancelAnswer,
  CatalogSyncReport,
  CatalogSyncStarted,
  CatalogSyncStatus,
  StockRefreshAlreadyRunning,
  StockRefreshStarted,
  StockRefreshTriggered,
} from './schemas.js';
import { CATALOG_SYNC, STOCK_REFRESH } from './sync-contracts.js';

const QUERY_TIMEOUT_MS = 5000;

async function describeOrNull(handle: WorkflowHandle) {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

function queryWithTimeout(handle: WorkflowHandle, name: string): Promise<unknown> {
  return Promise.race([
    handle.query<unknown>(name),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the ${name} query did not answer within ${QUERY_TIMEOUT_MS} ms (is a worker running?)`)), QUERY_TIMEOUT_MS).unref(),
    ),
  ]);
}

export function syncRoutes(deps: AdminDeps) {
  const app = adminRouter();
  const store = storeFromPath(deps.db);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/catalog-sync',
      summary: 'Start a catalog sync (`catalog:{store}`); one runs at a time per store',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        201: jsonAnswer(CatalogSyncStarted, 'started'),
        200: jsonAnswer(CatalogSyncAlreadyRunning, 'one is already running: this is it'),
        ...errorAnswers({ 404: NO_STORE }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const workflowId = CATALOG_SYNC.workflowId(row.code);
      // One sync per store: a start while one runs answers with the running one (as USE_EXISTING would).
      const running = await describeOrNull(deps.temporal.workflow.getHandle(workflowId));
      if (running?.status.name === 'RUNNING') {
        return c.json({ store: row.code, workflowId, runId: running.runId, started: false as const, message: 'a catalog sync is already running for this store' }, 200);
      }
      const handle = await deps.temporal.workflow.start(CATALOG_SYNC.workflowType, {
        workflowId,
        taskQueue: deps.mainTaskQueue,
        args: [CATALOG_SYNC.input(row.code)],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      deps.logger.info({ store: row.code, workflowId }, 'catalog sync started');
      return c.json({ store: row.code, workflowId, runId: handle.firstExecutionRunId, started: true as const }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/catalog-sync',
      summary: "The catalog sync's status and progress",
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        200: jsonAnswer(CatalogSyncStatus, 'the last run: its status and, while it answers, its progress'),
        ...errorAnswers({ 404: 'no such store, or no catalog sync has run for it' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const workflowId = CATALOG_SYNC.workflowId(row.code);
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const d = await describeOrNull(handle);
      if (!d) throw new HttpError('not_found', `no catalog sync has run for ${row.code}; start one with POST /admin/stores/${row.code}/catalog-sync`);
      let progress: unknown = null;
      let queryError: string | null = null;
      try {
        progress = await queryWithTimeout(handle, CATALOG_SYNC.progressQuery);
      } catch (err) {
        queryError = messageOf(err);
      }
      const attrs = d.searchAttributes as Record<string, unknown[] | undefined>;
      return c.json(
        {
          store: row.code,
          workflowId,
          runId: d.runId,
          status: d.status.name,
          startTime: d.startTime.toISOString(),
          closeTime: d.closeTime?.toISOString() ?? null,
          syncProgress: attrs['SyncProgress']?.[0] ?? null,
          progress,
          queryError,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/catalog-sync/cancel',
      summary: 'Ask the running catalog sync to stop (its report says what it did)',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: { 200: jsonAnswer(CatalogSyncCancelAnswer, 'the cancel signal was sent'), ...errorAnswers({ 404: 'no such store, or no catalog sync is running for it' }) },
    }),
    async (c) => {
      const row = c.get('store');
      const workflowId = CATALOG_SYNC.workflowId(row.code);
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const d = await describeOrNull(handle);
      if (!d || d.status.name !== 'RUNNING') throw new HttpError('not_found', `no catalog sync is running for ${row.code}`);
      await handle.signal(CATALOG_SYNC.cancelSignal);
      deps.logger.info({ store: row.code, workflowId }, 'catalog sync cancel requested');
      return c.json({ store: row.code, workflowId, signalled: CATALOG_SYNC.cancelSignal }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/catalog-sync/report',
      summary: "The last catalog sync's report",
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        200: jsonAnswer(CatalogSyncReport, 'the stored report, or the result of a run that ended before storing one'),
        ...errorAnswers({ 404: 'no such store, or no report yet', 409: 'the sync is still running; its report comes when it ends' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const report = await deps.db
        .selectFrom('sync_reports')
        .selectAll()
        .where('store_code', '=', row.code)
        .where('kind', '=', CATALOG_SYNC.reportKind)
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (report) {
        return c.json(
          {
            store: row.code,
            workflowId: report.workflow_id,
            status: report.status,
            startedAt: report.started_at.toISOString(),
            finishedAt: report.finished_at?.toISOString() ?? null,
            report: report.report,
          },
          200,
        );
      }
      // No stored report yet: a finished run's result is the report.
      const handle = deps.temporal.workflow.getHandle(CATALOG_SYNC.workflowId(row.code));
      const d = await describeOrNull(handle);
      if (!d) throw new HttpError('not_found', `no catalog sync report for ${row.code} yet`);
      if (d.status.name === 'RUNNING') throw new HttpError('conflict', `the catalog sync of ${row.code} is still running; its report comes when it ends`);
      const result: unknown = d.status.name === 'COMPLETED' ? await (handle.result() as Promise<unknown>) : null;
      return c.json(
        {
          store: row.code,
          workflowId: handle.workflowId,
          status: d.status.name,
          startedAt: d.startTime.toISOString(),
          finishedAt: d.closeTime?.toISOString() ?? null,
          report: result,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/stock/refresh',
      summary: "Run a stock reconcile now (re-read relBase stock and push what changed), through the store's schedule (overlap: skip)",
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        202: jsonAnswer(StockRefreshTriggered, "triggered through the store's schedule"),
        201: jsonAnswer(StockRefreshStarted, 'the store has no schedule: `stock-reconcile:{store}` started'),
        200: jsonAnswer(StockRefreshAlreadyRunning, "one is already running (the schedule's or one started here)"),
        ...errorAnswers({ 404: NO_STORE }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      // Through the store's schedule when it has one: a run already going is not doubled.
      const trigger = await triggerStockReconcile(deps.temporal, row.code);
      if (trigger.kind === 'running') {
        return c.json({ store: row.code, workflowId: trigger.workflowId, started: false as const, message: 'a stock reconcile is already running for this store' }, 200);
      }
      if (trigger.kind === 'triggered') {
        deps.logger.info({ store: row.code }, 'stock refresh triggered');
        const message = 'a stock reconcile run was triggered; its report follows when it ends';
        return c.json({ store: row.code, scheduleId: STOCK_REFRESH.scheduleId(row.code), started: true as const, message }, 202);
      }
      const workflowId = STOCK_REFRESH.workflowId(row.code);
      const start = await startUnlessRunning(deps, STOCK_REFRESH.workflowType, workflowId, [STOCK_REFRESH.input(row.code)]);
      if (!start.started) return c.json({ store: row.code, workflowId, started: false as const, message: 'a stock refresh is already running for this store' }, 200);
      deps.logger.info({ store: row.code, workflowId }, 'stock refresh started');
      return c.json({ store: row.code, workflowId, runId: start.runId, started: true as const }, 201);
    },
  );

  return app;
}
