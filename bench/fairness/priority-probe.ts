/**
 * Probe for issue 14's first risk: on one shared API queue with Task Queue Fairness and a per-key
 * rate limit, does a key with a higher priority held at its limit stall the keys of lower priority
 * (one store's order backlog stalling every other store's stock and catalog work)?
 *
 * Starts its own Temporal dev server (the CLI in .tools/bin) with fairness on and one partition,
 * sets the queue's default per-key limit through the same operator call the service would use
 * (UpdateTaskQueueConfig), then schedules, all at once:
 *   - key `orders-A`, priority 1 (first): HIGH activities;
 *   - keys `stock-B`, `stock-C`, priority 3 (lower): LOW activities each;
 * on one worker, and prints when each key's activities ran. If priorities stall lower keys, B and C
 * run only after A's backlog has drained (A alone takes HIGH / limit seconds); if not, B and C run
 * at their own limit from the start.
 *
 *   npx tsx bench/fairness/priority-probe.ts [limitPerSecond=3] [high=45] [low=15] [lowPriority=3]
 *
 * With lowPriority=1 (every key at the same priority) it is the control.
 */
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { findTemporalCli } from '../../src/temporal/cli-binary.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { freePort } from '../../test/support/environment.js';
import { runBench } from '../run.js';
import type { ProbeBatch } from './probe-workflows.js';

const QUEUE = 'probe-api';

runBench(async () => {
  const [limit = 3, high = 45, low = 15, lowPriority = 3] = process.argv.slice(2).map(Number);
  // The project's dev server (one partition per queue already) with fairness switched on.
  const server = await startDevServer({
    binary: findTemporalCli(undefined, process.env.PATH),
    port: await freePort(),
    uiPort: undefined,
    namespace: 'default',
    dbFile: undefined,
    dynamicConfig: ['matching.enableFairness=true'],
  });
  const address = server.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  await connection.workflowService.updateTaskQueueConfig({
    namespace: 'default',
    identity: 'fairness-probe',
    taskQueue: QUEUE,
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    updateFairnessKeyRateLimitDefault: { rateLimit: { requestsPerSecond: limit }, reason: 'probe: per-key API limit' },
  });

  const ran: { key: string; at: number }[] = [];
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: QUEUE,
    workflowsPath: fileURLToPath(new URL('./probe-workflows.ts', import.meta.url)),
    activities: {
      touch: ({ key }: { key: string }) => {
        ran.push({ key, at: Date.now() });
        return Promise.resolve();
      },
    },
    maxConcurrentActivityTaskExecutions: 100,
  });
  const batches: ProbeBatch[] = [
    { taskQueue: QUEUE, fairnessKey: 'orders-A', priorityKey: 1, count: high },
    { taskQueue: QUEUE, fairnessKey: 'stock-B', priorityKey: lowPriority, count: low },
    { taskQueue: QUEUE, fairnessKey: 'stock-C', priorityKey: lowPriority, count: low },
  ];
  const t0 = Date.now();
  await worker.runUntil(async () => {
    const handles = await Promise.all(batches.map((b) => client.workflow.start('probeBatch', { taskQueue: QUEUE, workflowId: `probe-${b.fairnessKey}`, args: [b] })));
    await Promise.all(handles.map((h) => h.result()));
  });

  console.log(`per-key limit ${limit}/s; ${high} activities of orders-A at priority 1, ${low} each of stock-B and stock-C at priority ${lowPriority}; one worker, one partition`);
  for (const b of batches) {
    const times = ran.filter((r) => r.key === b.fairnessKey).map((r) => (r.at - t0) / 1000);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const steady = times.length > 1 ? ((times.length - 1) / (last - first)).toFixed(2) : '-';
    console.log(`${b.fairnessKey.padEnd(9)} priority ${b.priorityKey}: ${times.length} ran, first at ${first.toFixed(1)} s, last at ${last.toFixed(1)} s (${steady}/s)`);
  }
  const secondsOf = (key: string) => {
    const perSecond = new Map<number, number>();
    for (const r of ran.filter((x) => x.key === key)) perSecond.set(Math.floor((r.at - t0) / 1000), (perSecond.get(Math.floor((r.at - t0) / 1000)) ?? 0) + 1);
    return [...perSecond.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
  };
  for (const b of batches) console.log(`  ${b.fairnessKey} per second (second:count): ${secondsOf(b.fairnessKey)}`);
  await connection.close();
  await server.stop();
});
