/** Runs a schedule's action now under its overlap rule (a run already going is not doubled); false when there is no such schedule. */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export async function triggerSchedule(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
