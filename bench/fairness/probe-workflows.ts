/**
 * The probe's workflow (bench/fairness/priority-probe.ts): schedules `count` activities at once on the
 * shared queue, each carrying the given fairness key and priority, and returns when all have run.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface ProbeActivities {
  touch(input: { key: string; n: number }): Promise<void>;
}

export interface ProbeBatch {
  taskQueue: string;
  fairnessKey: string;
  priorityKey: number;
  count: number;
}

export async function probeBatch(batch: ProbeBatch): Promise<void> {
  const { touch } = proxyActivities<ProbeActivities>({
    taskQueue: batch.taskQueue,
    startToCloseTimeout: '1 minute',
    priority: { fairnessKey: batch.fairnessKey, fairnessWeight: 1, priorityKey: batch.priorityKey },
  });
  await Promise.all(Array.from({ length: batch.count }, (_, n) => touch({ key: batch.fairnessKey, n })));
}
