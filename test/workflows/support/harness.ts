/**
 * Running the real workflow bundle against fake activities on the time-skipping server of the
 * global setup. Each test gets its own store code and task queue, so its workers (the main queue and
 * the store's Jumpseller and relBase queues) take only its own tasks, even with files in parallel.
 * Each queue's worker registers only the fakes of its queue's activities, as the real worker does
 * (src/activities/queue-activities.ts), so an activity scheduled on the wrong queue is not run.
 * Fakes are recorded in a `Calls` log, which tests assert on and wait on (never on the wall clock).
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { JUMPSELLER_ACTIVITY_NAMES, RELBASE_ACTIVITY_NAMES } from '../../../src/activities/queue-activities.js';
import { jumpsellerQueue, relbaseQueue } from '../../../src/workflows/task-queues.js';
import { readWorkflowBundle } from '../../support/bundle-file.js';
import { testDataConverter } from '../../support/encryption.js';
import { installQuietRuntime } from '../../support/quiet-runtime.js';

/** Shared with the integration tests. */
export { waitIdle } from '../../support/runs.js';

export interface WorkflowTestEnv {
  client: Client;
  nativeConnection: NativeConnection;
  bundle: WorkflowBundle;
  close(): Promise<void>;
}

/** Connects to the server of the global setup and loads the bundle it built (once per run). */
export async function openEnv(): Promise<WorkflowTestEnv> {
  installQuietRuntime();
  const address = inject('workflowsServerAddress');
  const bundle: WorkflowBundle = readWorkflowBundle(inject('workflowBundlePath'));
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, dataConverter: testDataConverter });
  return {
    client,
    nativeConnection,
    bundle,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A store of one test: its code names its API queues, its task queue is the workflow's own. */
export interface TestStore {
  storeCode: string;
  taskQueue: string;
}

export function newStore(): TestStore {
  const id = randomUUID().slice(0, 8);
  return { storeCode: `wt${id}`, taskQueue: `workflow-test-${id}` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activity implementations of any shape
type Activities = Record<string, (...args: any[]) => unknown>;

const isJumpseller = (name: string) => (JUMPSELLER_ACTIVITY_NAMES as readonly string[]).includes(name);
const isRelbase = (name: string) => (RELBASE_ACTIVITY_NAMES as readonly string[]).includes(name);
const only = (activities: Activities, keep: (name: string) => boolean): Activities => Object.fromEntries(Object.entries(activities).filter(([name]) => keep(name)));

/**
 * Runs `fn` while workers serve the store's workflow queue and its Jumpseller and relBase queues with
 * `activities`, each queue with the fakes of its own activities (the main queue with the rest).
 */
export async function withWorkers<T>(env: WorkflowTestEnv, store: TestStore, activities: Activities, fn: () => Promise<T>): Promise<T> {
  const common = { connection: env.nativeConnection, dataConverter: testDataConverter };
  const main = await Worker.create({
    ...common,
    activities: only(activities, (name) => !isJumpseller(name) && !isRelbase(name)),
    taskQueue: store.taskQueue,
    workflowBundle: env.bundle,
  });
  // An API queue without a fake of its activities gets no worker: it would have nothing to run.
  const apiWorkers: Worker[] = [];
  for (const [keep, taskQueue] of [
    [isJumpseller, jumpsellerQueue(store.storeCode)],
    [isRelbase, relbaseQueue(store.storeCode)],
  ] as const) {
    const own = only(activities, keep);
    if (Object.keys(own).length > 0) apiWorkers.push(await Worker.create({ ...common, activities: own, taskQueue }));
  }
  return main.runUntil(apiWorkers.reduce((running, worker) => worker.runUntil(running), fn()));
}

/**
 * Turns time skipping on (or off) for a workflow and the runs it continues as new into: with it on,
 * the server moves the workflow's clock to its next timer whenever nothing else is in flight.
 */
export async function skipTime(client: Client, workflowId: string, enabled = true): Promise<void> {
  await client.workflowService.updateWorkflowExecutionOptions({
    namespace: client.options.namespace,
    workflowExecution: { workflowId },
    workflowExecutionOptions: { timeSkippingConfig: { enabled } },
    updateMask: { paths: ['time_skipping_config'] },
  });
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function seconds(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;
}

/** The durations of the timers a run started, in seconds, in order. */
export async function timersOf(handle: WorkflowHandle, runId?: string): Promise<number[]> {
  const events: HistoryEvent[] = (await (runId ? handle.client.getHandle(handle.workflowId, runId) : handle).fetchHistory()).events ?? [];
  return events.filter((e) => e.timerStartedEventAttributes).map((e) => seconds(e.timerStartedEventAttributes!.startToFireTimeout));
}

/** Every run of a workflow id, oldest first, following continue-as-new back from the latest. */
export async function runIdsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    runs.unshift(runId);
    const first: HistoryEvent | undefined = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.[0];
    runId = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

export interface Call {
  name: string;
  input: unknown;
}

/** The fake activities' calls, in the order they started, with promises that resolve on a given call. */
export class Calls {
  readonly log: Call[] = [];
  private waiters: { match: (c: Call) => boolean; resolve: (c: Call) => void }[] = [];

  /** Wraps fake implementations (plain or async functions) into activities that log every call before it runs. */
  record<A extends Activities>(impl: A): A {
    const out: Activities = {};
    for (const [name, fn] of Object.entries(impl)) {
      out[name] = async (...args: unknown[]) => {
        const call = { name, input: args[0] };
        this.log.push(call);
        this.waiters = this.waiters.filter((w) => !(w.match(call) && (w.resolve(call), true)));
        return await fn(...args);
      };
    }
    return out as A;
  }

  names(filter?: readonly string[]): string[] {
    return this.log.map((c) => c.name).filter((n) => !filter || filter.includes(n));
  }

  count(name: string): number {
    return this.log.filter((c) => c.name === name).length;
  }

  inputs<T = Record<string, unknown>>(name: string): T[] {
    return this.log.filter((c) => c.name === name).map((c) => c.input as T);
  }

  /** Resolves at the first call (already made or to come) of `name` whose input matches. */
  waitFor<T = Record<string, unknown>>(name: string, match: (input: T) => boolean = () => true): Promise<T> {
    const m = (c: Call) => c.name === name && match(c.input as T);
    const done = this.log.find(m);
    if (done) return Promise.resolve(done.input as T);
    return new Promise((resolve) => this.waiters.push({ match: m, resolve: (c) => resolve(c.input as T) }));
  }
}

/** What `promise` gives, or 'unanswered' when it has not settled within `ms`: for an update that must not hang. */
export async function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'unanswered'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'unanswered'>((r) => (timer = setTimeout(() => r('unanswered'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
