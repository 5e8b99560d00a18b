/**
 * Catalog sync and stock refresh: start, cancel, progress and report of `catalog:{store}`, and a
 * stock reconcile run for a store. The workflows do the work; these routes only start, signal and read.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { Hono } from 'hono';
import { triggerStockReconcile } from '../../stock/schedules.js';
import { HttpError } from '../errors.js';
import { messageOf, requireStoreRow, type AdminDeps } from './deps.js';
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

export function syncRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.post('/stores/:code/catalog-sync', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const workflowId = CATALOG_SYNC.workflowId(row.code);
    // One sync per store: a start while one runs answers with the running one (as USE_EXISTING would).
    const running = await describeOrNull(deps.temporal.workflow.getHandle(workflowId));
    if (running?.status.name === 'RUNNING') {
      return c.json({ store: row.code, workflowId, runId: running.runId, started: false, message: 'a catalog sync is already running for this store' });
    }
    const handle = await deps.temporal.workflow.start(CATALOG_SYNC.workflowType, {
      workflowId,
      taskQueue: deps.mainTaskQueue,
      args: [CATALOG_SYNC.input(row.code)],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    deps.logger.info({ store: row.code, workflowId }, 'catalog sync started');
    return c.json({ store: row.code, workflowId, runId: handle.firstExecutionRunId, started: true }, 201);
  });

  app.get('/stores/:code/catalog-sync', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
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
    return c.json({
      store: row.code,
      workflowId,
      runId: d.runId,
      status: d.status.name,
      startTime: d.startTime.toISOString(),
      closeTime: d.closeTime?.toISOString() ?? null,
      syncProgress: attrs['SyncProgress']?.[0] ?? null,
      progress,
      queryError,
    });
  });

  app.post('/stores/:code/catalog-sync/cancel', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const workflowId = CATALOG_SYNC.workflowId(row.code);
    const handle = deps.temporal.workflow.getHandle(workflowId);
    const d = await describeOrNull(handle);
    if (!d || d.status.name !== 'RUNNING') throw new HttpError('not_found', `no catalog sync is running for ${row.code}`);
    await handle.signal(CATALOG_SYNC.cancelSignal);
    deps.logger.info({ store: row.code, workflowId }, 'catalog sync cancel requested');
    return c.json({ store: row.code, workflowId, signalled: CATALOG_SYNC.cancelSignal });
  });

  app.get('/stores/:code/catalog-sync/report', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const report = await deps.db
      .selectFrom('sync_reports')
      .selectAll()
      .where('store_code', '=', row.code)
      .where('kind', '=', CATALOG_SYNC.reportKind)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (report) {
      return c.json({
        store: row.code,
        workflowId: report.workflow_id,
        status: report.status,
        startedAt: report.started_at.toISOString(),
        finishedAt: report.finished_at?.toISOString() ?? null,
        report: report.report,
      });
    }
    // No stored report yet: a finished run's result is the report.
    const handle = deps.temporal.workflow.getHandle(CATALOG_SYNC.workflowId(row.code));
    const d = await describeOrNull(handle);
    if (!d) throw new HttpError('not_found', `no catalog sync report for ${row.code} yet`);
    if (d.status.name === 'RUNNING') throw new HttpError('conflict', `the catalog sync of ${row.code} is still running; its report comes when it ends`);
    const result: unknown = d.status.name === 'COMPLETED' ? await (handle.result() as Promise<unknown>) : null;
    return c.json({
      store: row.code,
      workflowId: handle.workflowId,
      status: d.status.name,
      startedAt: d.startTime.toISOString(),
      finishedAt: d.closeTime?.toISOString() ?? null,
      report: result,
    });
  });

  app.post('/stores/:code/stock/refresh', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    // Through the store's schedule when it has one: a run already going is not doubled.
    if (await triggerStockReconcile(deps.temporal, row.code)) {
      deps.logger.info({ store: row.code }, 'stock refresh triggered');
      return c.json(
        {
          store: row.code,
          scheduleId: STOCK_REFRESH.scheduleId(row.code),
          started: true,
          message: 'a stock reconcile run was triggered (skipped if one is running); its report follows when it ends',
        },
        202,
      );
    }
    const workflowId = STOCK_REFRESH.workflowId(row.code);
    try {
      const handle = await deps.temporal.workflow.start(STOCK_REFRESH.workflowType, {
        workflowId,
        taskQueue: deps.mainTaskQueue,
        args: [STOCK_REFRESH.input(row.code)],
        workflowIdConflictPolicy: 'FAIL',
      });
      deps.logger.info({ store: row.code, workflowId }, 'stock refresh started');
      return c.json({ store: row.code, workflowId, runId: handle.firstExecutionRunId, started: true }, 201);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return c.json({ store: row.code, workflowId, started: false, message: 'a stock refresh is already running for this store' }, 200);
      }
      throw err;
    }
  });

  return app;
}
