/**
 * Per-queue activities: each queue's worker registers exactly the activities of its queue's
 * interface (src/activities/queue-activities.ts), and the workflows' proxies are typed with those
 * interfaces, so a relBase activity cannot be called through the database proxy. The type checks
 * here fail `tsc --noEmit` (npm run lint), not vitest.
 */
import { Worker } from '@temporalio/worker';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createActivities, type ActivityDeps } from '../../../src/activities/index.js';
import { DATABASE_ACTIVITY_NAMES, JUMPSELLER_ACTIVITY_NAMES, RELBASE_ACTIVITY_NAMES } from '../../../src/activities/queue-activities.js';
import { createWorkers, type WorkerSetup } from '../../../src/worker.js';
import type { databaseActivities, DatabaseProxy, JumpsellerProxy, relbaseActivities, RelbaseProxy } from '../../../src/workflows/activity-proxies.js';
import { MAIN_TASK_QUEUE, jumpsellerQueue, relbaseQueue } from '../../../src/workflows/task-queues.js';

const sorted = (names: readonly string[]) => [...names].sort();

describe('the activities each queue registers', () => {
  afterEach(() => vi.restoreAllMocks());

  async function registered(storeCodes: string[]): Promise<Map<string, { activities: Record<string, unknown>; bundled: boolean }>> {
    const byQueue = new Map<string, { activities: Record<string, unknown>; bundled: boolean }>();
    vi.spyOn(Worker, 'create').mockImplementation((options) => {
      byQueue.set(options.taskQueue, { activities: (options.activities ?? {}) as Record<string, unknown>, bundled: options.workflowBundle !== undefined });
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      let state = 'RUNNING';
      const worker = {
        run: () => stopped,
        getState: () => state,
        shutdown: () => {
          state = 'STOPPED';
          stop();
        },
      };
      return Promise.resolve(worker as unknown as Worker);
    });
    const setup = {
      connection: {},
      namespace: 'default',
      dataConverter: {},
      activityDeps: {} as ActivityDeps,
      workflowBundle: { codePath: 'unused' },
      storeCodes,
    } as unknown as WorkerSetup;
    const running = await createWorkers(setup);
    await running.shutdown();
    return byQueue;
  }

  it('the main queue registers the database activities, each store its Jumpseller and relBase activities, nothing else', async () => {
    const byQueue = await registered(['store-a', 'store-b']);
    expect(sorted([...byQueue.keys()])).toEqual(
      sorted([MAIN_TASK_QUEUE, jumpsellerQueue('store-a'), relbaseQueue('store-a'), jumpsellerQueue('store-b'), relbaseQueue('store-b')]),
    );
    expect(sorted(Object.keys(byQueue.get(MAIN_TASK_QUEUE)!.activities))).toEqual(sorted(DATABASE_ACTIVITY_NAMES));
    for (const store of ['store-a', 'store-b']) {
      expect(sorted(Object.keys(byQueue.get(jumpsellerQueue(store))!.activities))).toEqual(sorted(JUMPSELLER_ACTIVITY_NAMES));
      expect(sorted(Object.keys(byQueue.get(relbaseQueue(store))!.activities))).toEqual(sorted(RELBASE_ACTIVITY_NAMES));
      expect(byQueue.get(jumpsellerQueue(store))!.bundled).toBe(false);
      expect(byQueue.get(relbaseQueue(store))!.bundled).toBe(false);
    }
    expect(byQueue.get(MAIN_TASK_QUEUE)!.bundled).toBe(true);
  });

  it('every activity is registered on exactly one queue, under its own name', async () => {
    const all = createActivities({} as ActivityDeps) as Record<string, unknown>;
    const byQueue = await registered(['store-a']);
    const queues = [MAIN_TASK_QUEUE, jumpsellerQueue('store-a'), relbaseQueue('store-a')].map((q) => byQueue.get(q)!.activities);
    const names = queues.flatMap((activities) => Object.keys(activities));
    expect(sorted(names)).toEqual(sorted(Object.keys(all)));
    expect(new Set(names).size).toBe(names.length);
    for (const activities of queues) {
      for (const [name, fn] of Object.entries(activities)) {
        expect(typeof fn).toBe('function');
        expect((fn as () => unknown).name).toBe(name);
      }
    }
  });
});

describe('the proxies are typed with their queue’s activities', () => {
  it('the database proxy has the database activities and no relBase or Jumpseller activity', () => {
    expectTypeOf<ReturnType<typeof databaseActivities>>().toEqualTypeOf<DatabaseProxy>();
    expectTypeOf<ReturnType<typeof relbaseActivities>>().toEqualTypeOf<RelbaseProxy>();
    expectTypeOf<DatabaseProxy>().toHaveProperty('recordIssued');
    expectTypeOf<DatabaseProxy>().not.toHaveProperty('sendCreate');
    expectTypeOf<DatabaseProxy>().not.toHaveProperty('readRelbaseStock');
    expectTypeOf<DatabaseProxy>().not.toHaveProperty('fetchOrder');
    expectTypeOf<RelbaseProxy>().toHaveProperty('sendCreate');
    expectTypeOf<RelbaseProxy>().not.toHaveProperty('recordIssued');
    expectTypeOf<RelbaseProxy>().not.toHaveProperty('writeShopStock');
    expectTypeOf<JumpsellerProxy>().toHaveProperty('writeShopStock');
    expectTypeOf<JumpsellerProxy>().not.toHaveProperty('readRelbaseStock');
    expectTypeOf<keyof DatabaseProxy>().toEqualTypeOf<(typeof DATABASE_ACTIVITY_NAMES)[number]>();
    expectTypeOf<keyof JumpsellerProxy>().toEqualTypeOf<(typeof JUMPSELLER_ACTIVITY_NAMES)[number]>();
    expectTypeOf<keyof RelbaseProxy>().toEqualTypeOf<(typeof RELBASE_ACTIVITY_NAMES)[number]>();
  });
});

// Never called (a proxy only works inside a workflow): `tsc` checks that none of these names exists
// on the proxy (a property access, so a wrong argument cannot be what satisfies the directive).
export function activitiesOnTheWrongQueue(db: DatabaseProxy, relbase: RelbaseProxy, jumpseller: JumpsellerProxy): unknown[] {
  return [
    // @ts-expect-error a relBase create cannot be scheduled on the database queue
    db.sendCreate,
    // @ts-expect-error a relBase read cannot be scheduled on the database queue
    db.readRelbaseStock,
    // @ts-expect-error a Jumpseller read cannot be scheduled on the database queue
    db.fetchOrder,
    // @ts-expect-error a database write cannot be scheduled on a store's relBase queue
    relbase.recordIssued,
    // @ts-expect-error a relBase read cannot be scheduled on a store's Jumpseller queue
    jumpseller.readRelbaseStock,
  ];
}
