/**
 * The retention schedule of stored webhook deliveries (`webhook-delivery-retention-schedule`),
 * created or brought up to date with the configured periods where the reconcile schedules are,
 * at start-up. Hourly: a body waits at most an hour past its retention before it is reduced.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import {
  DELIVERY_RETENTION_SCHEDULE_ID,
  DELIVERY_RETENTION_WORKFLOW_ID,
  DELIVERY_RETENTION_WORKFLOW_TYPE,
  type DeliveryRetentionInput,
} from '../workflows/delivery-retention/contracts.js';

export async function ensureDeliveryRetentionSchedule(
  client: Client,
  taskQueue: string,
  periods: { bodyRetentionDays: number; retentionDays: number },
): Promise<'created' | 'updated'> {
  const spec = { intervals: [{ every: '1 hour' }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: DELIVERY_RETENTION_WORKFLOW_TYPE,
    workflowId: DELIVERY_RETENTION_WORKFLOW_ID,
    taskQueue,
    args: [{ bodyRetentionDays: periods.bodyRetentionDays, retentionDays: periods.retentionDays } satisfies DeliveryRetentionInput],
  };
  try {
    await client.schedule.create({ scheduleId: DELIVERY_RETENTION_SCHEDULE_ID, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(DELIVERY_RETENTION_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
