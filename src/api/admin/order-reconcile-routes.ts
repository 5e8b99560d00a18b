/**
 * The paid-order reconcile of a store: run one now, read the last run's report. The schedule and
 * the workflow do the work; these routes only trigger and read.
 */
import { ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Hono } from 'hono';
import { ORDER_RECONCILE_REPORT_KIND } from '../../db/order-reconcile-repository.js';
import { getLatestSyncReport } from '../../db/sync-reports-repository.js';
import { webhookUrl } from '../../install/install-plan.js';
import { triggerOrderReconcile } from '../../order-reconcile/schedules.js';
import { ORDER_RECONCILE_WORKFLOW_TYPE, orderReconcileScheduleId, orderReconcileWorkflowId, type OrderReconcileInput } from '../../workflows/order-reconcile/contracts.js';
import { HttpError } from '../errors.js';
import { requireStoreRow, type AdminDeps } from './deps.js';

export function orderReconcileRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.post('/stores/:code/order-reconcile', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    // Through the schedule when there is one, so an operator's run obeys its overlap rule.
    if (await triggerOrderReconcile(deps.temporal, row.code)) {
      deps.logger.info({ store: row.code }, 'paid-order reconcile triggered');
      return c.json(
        { store: row.code, scheduleId: orderReconcileScheduleId(row.code), started: true, message: 'a paid-order reconcile run was triggered; its report follows when it ends' },
        202,
      );
    }
    const workflowId = orderReconcileWorkflowId(row.code);
    try {
      const handle = await deps.temporal.workflow.start(ORDER_RECONCILE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: deps.mainTaskQueue,
        args: [{ storeCode: row.code, hookUrl: webhookUrl(deps.publicUrl) } satisfies OrderReconcileInput],
        workflowIdConflictPolicy: 'FAIL',
      });
      deps.logger.info({ store: row.code, workflowId }, 'paid-order reconcile started');
      return c.json({ store: row.code, workflowId, runId: handle.firstExecutionRunId, started: true }, 201);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return c.json({ store: row.code, workflowId, started: false, message: 'a paid-order reconcile is already running for this store' });
    }
  });

  app.get('/stores/:code/order-reconcile/report', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const report = await getLatestSyncReport(deps.db, row.code, ORDER_RECONCILE_REPORT_KIND);
    if (!report) throw new HttpError('not_found', `no paid-order reconcile has run for ${row.code} yet; run one with POST /admin/stores/${row.code}/order-reconcile`);
    let nextRunAt: string | null = null;
    try {
      nextRunAt = (await deps.temporal.schedule.getHandle(orderReconcileScheduleId(row.code)).describe()).info.nextActionTimes[0]?.toISOString() ?? null;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    return c.json({
      store: row.code,
      workflowId: report.workflow_id,
      status: report.status,
      startedAt: report.started_at.toISOString(),
      finishedAt: report.finished_at?.toISOString() ?? null,
      nextRunAt,
      report: report.report,
    });
  });

  return app;
}
