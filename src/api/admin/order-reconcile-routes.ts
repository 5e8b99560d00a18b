/**
 * The paid-order reconcile of a store: run one now, read the last run's report. The schedule and
 * the workflow do the work; these routes only trigger and read.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { createRoute } from '@hono/zod-openapi';
import { ORDER_RECONCILE_REPORT_KIND } from '../../db/order-reconcile-repository.js';
import { getLatestSyncReport } from '../../db/sync-reports-repository.js';
import { triggerOrderReconcile } from '../../order-reconcile/schedules.js';
import { ORDER_RECONCILE_WORKFLOW_TYPE, orderReconcileScheduleId, orderReconcileWorkflowId, type OrderReconcileInput } from '../../workflows/order-reconcile/contracts.js';
import { HttpError } from '../errors.js';
import { hookUrlOf, startUnlessRunning, storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, NO_STORE, StoreParams } from './openapi.js';
import { OrderReconcileAlreadyRunning, OrderReconcileReport, OrderReconcileStarted, OrderReconcileTriggered } from './schemas.js';

export function orderReconcileRoutes(deps: AdminDeps) {
  const app = adminRouter();
  const store = storeFromPath(deps.db);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/order-reconcile',
      summary: 'Run the paid-order reconcile now (through its schedule when there is one)',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        202: jsonAnswer(OrderReconcileTriggered, 'the schedule was triggered; its report follows when the run ends'),
        201: jsonAnswer(OrderReconcileStarted, 'no schedule: the workflow was started'),
        200: jsonAnswer(OrderReconcileAlreadyRunning, 'no schedule, and a run is already going'),
        ...errorAnswers({ 404: NO_STORE }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      // Through the schedule when there is one, so an operator's run obeys its overlap rule.
      if (await triggerOrderReconcile(deps.temporal, row.code)) {
        deps.logger.info({ store: row.code }, 'paid-order reconcile triggered');
        return c.json(
          {
            store: row.code,
            scheduleId: orderReconcileScheduleId(row.code),
            started: true as const,
            message: 'a paid-order reconcile run was triggered; its report follows when it ends',
          },
          202,
        );
      }
      const workflowId = orderReconcileWorkflowId(row.code);
      const input: OrderReconcileInput = { storeCode: row.code, hookUrl: hookUrlOf(deps) };
      const start = await startUnlessRunning(deps, ORDER_RECONCILE_WORKFLOW_TYPE, workflowId, [input]);
      if (!start.started) return c.json({ store: row.code, workflowId, started: false as const, message: 'a paid-order reconcile is already running for this store' }, 200);
      deps.logger.info({ store: row.code, workflowId }, 'paid-order reconcile started');
      return c.json({ store: row.code, workflowId, runId: start.runId, started: true as const }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/order-reconcile/report',
      summary: "The last paid-order reconcile's report, and the next scheduled run",
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: { 200: jsonAnswer(OrderReconcileReport, 'the last report'), ...errorAnswers({ 404: 'no such store, or no paid-order reconcile has run for it yet' }) },
    }),
    async (c) => {
      const row = c.get('store');
      const report = await getLatestSyncReport(deps.db, row.code, ORDER_RECONCILE_REPORT_KIND);
      if (!report) throw new HttpError('not_found', `no paid-order reconcile has run for ${row.code} yet; run one with POST /admin/stores/${row.code}/order-reconcile`);
      let nextRunAt: string | null = null;
      try {
        nextRunAt = (await deps.temporal.schedule.getHandle(orderReconcileScheduleId(row.code)).describe()).info.nextActionTimes[0]?.toISOString() ?? null;
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
      return c.json(
        {
          store: row.code,
          workflowId: report.workflow_id,
          status: report.status,
          startedAt: report.started_at.toISOString(),
          finishedAt: report.finished_at?.toISOString() ?? null,
          nextRunAt,
          report: report.report,
        },
        200,
      );
    },
  );

  return app;
}
