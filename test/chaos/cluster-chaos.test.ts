/**
 * Chaos on the production topology (`npm run cluster`: Temporal on PostgreSQL, the API process and
 * three worker processes) against both simulators at their real rate limits. Each scenario breaks
 * one piece while orders are being issued and then counts relBase's documents: exactly one per
 * paid order, none missing, none duplicated. Run with `npm run test:chaos`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startClusterHarness, type ClusterHarness } from '../support/cluster.js';
import { inParallel } from '../support/webhooks.js';
import { relbaseQueue } from '../../src/workflows/task-queues.js';
import { orderWorkflowId } from '../../src/workflows/order/contracts.js';

let h: ClusterHarness;
const say = (line: string) => console.log(`[chaos] ${line}`);

beforeAll(async () => {
  h = await startClusterHarness({
    workers: 3,
    // Worker Versioning: the workers start as build v1 of the deployment; the last scenario rolls them to v2.
    buildId: 'v1',
    // relBase answers in 150 ms: document creations are in flight whenever a piece breaks.
    relbase: {},
    log: (line) => say(`cluster: ${line}`),
  });
  h.rb.simulator.setFaults({ latencyMs: 150 });
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

/** Asserts and prints exactly one document per order, in relBase and in the app's records. */
async function expectExactlyOneDocumentEach(what: string, orders: number[]) {
  // relBase has a document a moment before the app records it (the create's answer, then
  // recordIssued): the records catch up within seconds. relBase is counted after them.
  let rows = await h.issuedRows(orders);
  for (const deadline = Date.now() + 60_000; rows < orders.length && Date.now() < deadline; rows = await h.issuedRows(orders)) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const docs = h.documentsFor(orders);
  const distinct = new Set(docs.map((d) => d.label_value)).size;
  say(`${what}: ${orders.length} paid orders → ${docs.length} relBase documents (${distinct} distinct orders), ${rows} issued rows in the app database`);
  const rb = h.rb.simulator.requests();
  const js = h.js.sim.requestStats();
  say(
    `  so far relBase saw ${rb.total} requests (${rb.throttled} throttled, peak ${rb.peakPerSecond} in a window), Jumpseller ${js.total} (${js.throttled} throttled, peak ${js.peakPerSecond}/s)`,
  );
  expect(docs).toHaveLength(orders.length);
  expect(distinct).toBe(orders.length);
  expect(rows).toBe(orders.length);
}

/**
 * relBase issuing activities (a create, or a page of a lookup) running now on the worker with this
 * pid (its identity is `pid@host`). Only orders in state `issuing` are described, so the answer comes
 * well inside the activities' 60 s timeout.
 */
const ISSUING_ACTIVITIES = new Set(['sendCreate', 'findDocumentByLabel']);

async function issuingOn(pid: number): Promise<number> {
  let n = 0;
  for await (const wf of h.temporal.workflow.list({ query: `ExecutionStatus="Running" AND StoreCode="${h.storeCode}" AND OrderState="issuing"` })) {
    const d = await h.temporal.workflow.getHandle(wf.workflowId, wf.runId).describe();
    const pending = d.raw.pendingActivities ?? [];
    n += pending.filter(
      (a) => ISSUING_ACTIVITIES.has(a.activityType?.name ?? '') && a.lastWorkerIdentity?.startsWith(`${pid}@`) && Number(a.state) === 2 /* PENDING_ACTIVITY_STATE_STARTED */,
    ).length;
  }
  return n;
}

/** The pid of the worker polling the store's relBase queue (identities are `pid@host`). */
async function relbasePoller(): Promise<number | undefined> {
  const res = await h.temporal.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: relbaseQueue(h.storeCode), kind: 1 /* NORMAL */ },
    taskQueueType: 2 /* ACTIVITY */,
  });
  const live = new Set(h.cluster.workers().map((w) => w.pid));
  const pids = (res.pollers ?? []).map((p) => Number(p.identity?.split('@')[0])).filter((pid) => live.has(pid));
  return pids[0];
}

describe('the cluster with 3 workers', () => {
  it('300 paid orders, one worker SIGKILLed in the middle of issuing and restarted: exactly 300 documents', async () => {
    const orders = h.placePaidOrders(300);
    const statuses: number[] = [];
    await inParallel(orders, 16, async (id) => {
      statuses.push(await h.deliverPaid(id));
    });
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    say(`delivered 300 order_paid webhooks to the API process: all answered 200`);

    const deadline = Date.now() + 120_000;
    while (h.documentsFor(orders).length < 30) {
      if (Date.now() > deadline) throw new Error('fewer than 30 documents after 2 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The victim is the worker issuing: one worker at a time serves the store's API queues (it holds
    // the store's lease), and it is the one polling the relBase queue.
    const issuer = await relbasePoller();
    const victim = h.cluster.workers().find((w) => w.pid === issuer);
    if (!victim) throw new Error(`no running worker polls the relBase queue (poller pid ${issuer})`);
    // Counted just before the kill: its queue is never idle while 270 orders wait, so they are still running at the kill.
    const abandoned = await issuingOn(victim.pid);
    await victim.kill();
    const atKill = h.documentsFor(orders).length;
    say(`SIGKILLed ${victim.name} (pid ${victim.pid}) with ${atKill} of 300 documents issued; ${abandoned} relBase issuing activities were running on it`);
    expect(atKill).toBeLessThan(300);
    expect(abandoned).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 5_000));
    const restarted = await h.cluster.startWorker();
    say(`restarted a worker (${restarted.name}, pid ${restarted.pid}); ${h.cluster.workers().length} workers running`);

    await h.waitForDocuments(orders, 480_000);
    await expectExactlyOneDocumentEach('after the kill and restart', orders);
  }, 600_000);

  it('the Temporal server stopped for 20 s mid-run: webhooks answered 202 (kept, queued), started later; one document per order', async () => {
    const before = h.placePaidOrders(40);
    const during = h.placePaidOrders(40);
    await inParallel(before, 8, async (id) => {
      expect(await h.deliverPaid(id)).toBe(200);
    });
    while (h.documentsFor(before).length < 5) await new Promise((r) => setTimeout(r, 100));

    const stoppedAt = Date.now();
    await h.cluster.stopTemporal();
    say(`stopped the Temporal server (SIGTERM) with ${h.documentsFor(before).length} of ${before.length} documents issued`);
    // Jumpseller keeps sending while Temporal is away: all at once, each answered 202 (stored,
    // queued) when the dispatch's deadline passes (5 s), never an error Jumpseller would retry. Temporal comes back 20 s after it went away whatever
    // is still in flight; a delivery that lands after that may be answered 200.
    const duringStatuses = new Map<number, number>();
    const deliveries = inParallel(during, during.length, async (id) => {
      duringStatuses.set(id, await h.deliverPaid(id));
    });
    const downFor = 20_000 - (Date.now() - stoppedAt);
    if (downFor > 0) await new Promise((r) => setTimeout(r, downFor));
    await h.cluster.startTemporal();
    say(`restarted the Temporal server after ${Math.round((Date.now() - stoppedAt) / 1000)} s down`);
    await deliveries;
    const statuses = [...duringStatuses.values()];
    const deferred = during.filter((id) => duringStatuses.get(id) === 202);
    say(`webhooks sent while it was down: ${during.length}, answered ${JSON.stringify(countBy(statuses))}; none is sent again (the API's redispatcher starts the kept ones)`);
    expect(statuses.every((s) => s === 202 || s === 200)).toBe(true);
    expect(deferred.length).toBeGreaterThan(0);

    const kept = await h.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('store_code', '=', h.storeCode)
      .where('resource_id', 'in', during.map(String))
      .executeTakeFirstOrThrow();
    expect(Number(kept.n)).toBe(during.length);

    await h.waitForDocuments([...before, ...during], 300_000);
    const dispatched = await h.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('store_code', '=', h.storeCode)
      .where('resource_id', 'in', deferred.map(String))
      .where('status', '!=', 'received')
      .executeTakeFirstOrThrow();
    say(`${dispatched.n} of the ${deferred.length} deliveries answered 202 were dispatched by the API's redispatcher after the restart`);
    expect(Number(dispatched.n)).toBe(deferred.length);
    expect(h.cluster.workers()).toHaveLength(3);
    await expectExactlyOneDocumentEach('after the Temporal outage', [...before, ...during]);
  }, 600_000);

  it("the app's PostgreSQL connections dropped for 5 s while issuing: activities retry, nothing is lost", async () => {
    const orders = h.placePaidOrders(60);
    await inParallel(orders, 8, async (id) => {
      expect(await h.deliverPaid(id)).toBe(200);
    });
    while (h.documentsFor(orders).length < 5) await new Promise((r) => setTimeout(r, 100));

    // Every connection of the API and the workers to the app database is cut, again and again, for
    // 5 s: queries in flight fail, pools reconnect and are cut again. Temporal's own databases are untouched.
    const started = Date.now();
    let terminated = 0;
    while (Date.now() - started < 5_000) {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from (
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = ${h.appDatabase} and pid <> pg_backend_pid()
        ) t`.execute(h.db);
      terminated += r.rows[0]?.n ?? 0;
      await new Promise((r) => setTimeout(r, 200));
    }
    say(`terminated ${terminated} app-database connections over 5 s, with ${h.documentsFor(orders).length} of ${orders.length} documents issued`);
    expect(terminated).toBeGreaterThan(0);

    await h.waitForDocuments(orders, 300_000);
    expect(h.cluster.workers()).toHaveLength(3);
    expect(h.cluster.api().running()).toBe(true);
    await expectExactlyOneDocumentEach('after the dropped connections', orders);
  }, 600_000);

  it('a rolling deploy: the workers rolled from build v1 to v2 while orders wait for payment and paid ones keep arriving; the waiting ones finish on v2, one document each', async () => {
    const waiting = h.placeUnpaidOrders(20);
    await inParallel(waiting, 8, async (id) => {
      expect(await h.deliver(id, 'order_pending_payment')).toBe(200);
    });
    const deadline = Date.now() + 60_000;
    while ((await ordersInState('awaiting_payment')) < waiting.length) {
      if (Date.now() > deadline) throw new Error(`fewer than ${waiting.length} orders awaiting payment after 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const before = await buildsOf(waiting);
    say(`${waiting.length} orders wait for payment; their workflows ran on builds ${JSON.stringify(before)}`);
    expect(before).toEqual({ v1: waiting.length });

    // Paid orders keep arriving through the whole roll, two a second: some are issued on v1, some
    // are in flight at the switch, the last ones start on v2 while v1's workers drain.
    const oldPids = new Set(h.cluster.workers().map((w) => w.pid));
    let rolled = false;
    const rolling = h.cluster.rollWorkers('v2').finally(() => (rolled = true));
    const issuing: number[] = [];
    while (!rolled && issuing.length < 200) {
      const [id] = h.placePaidOrders(1);
      issuing.push(id!);
      expect(await h.deliverPaid(id!)).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
    }
    const roll = await rolling;
    say(
      `rolled ${roll.workers} workers from build ${roll.from} to ${roll.to} while ${issuing.length} paid orders arrived (${h.documentsFor(issuing).length} issued so far); workers now ${h.cluster
        .workers()
        .map((w) => w.name)
        .join(', ')}`,
    );
    expect(roll).toEqual({ from: 'v1', to: 'v2', workers: 3 });
    expect(h.cluster.workers().filter((w) => oldPids.has(w.pid))).toEqual([]);
    expect(h.cluster.workers()).toHaveLength(3);

    for (const id of waiting) h.js.sim.payOrder(id);
    await inParallel(waiting, 8, async (id) => {
      expect(await h.deliverPaid(id)).toBe(200);
    });
    await h.waitForDocuments([...waiting, ...issuing], 300_000);
    await expectExactlyOneDocumentEach('after the rolling deploy', [...waiting, ...issuing]);
    const after = await buildsOf(waiting);
    say(`the ${waiting.length} orders that waited through the roll were issued on builds ${JSON.stringify(after)}`);
    expect(after).toEqual({ v2: waiting.length });
    const arrived = await buildsOf(issuing);
    say(`the ${issuing.length} orders paid during the roll last ran on builds ${JSON.stringify(arrived)}`);
    // Those issued before the switch stay on v1 until their next task (a timer, a webhook) moves them.
    expect(Object.keys(arrived).filter((b) => b !== 'v1' && b !== 'v2')).toEqual([]);
    expect(arrived['v2']).toBeGreaterThan(0);
  }, 600_000);
});

/** The build (Worker Versioning) each order's workflow last ran a task on, as the server records it. */
async function buildsOf(orders: number[]): Promise<Record<string, number>> {
  const builds: string[] = [];
  for (const id of orders) {
    const d = await h.temporal.workflow.getHandle(orderWorkflowId(h.storeCode, id)).describe();
    builds.push(d.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? 'unversioned');
  }
  return countBy(builds);
}

async function ordersInState(state: string): Promise<number> {
  const { count } = await h.temporal.workflow.count(`StoreCode="${h.storeCode}" AND OrderState="${state}"`);
  return count;
}

function countBy(values: (number | string)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
