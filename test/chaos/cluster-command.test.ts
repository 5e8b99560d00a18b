/**
 * `npm run cluster` as an operator meets it: the command itself (through npm, in its own process
 * group like a terminal's), pointed at both simulators only through the documented variables. A paid
 * order becomes a boleta; the Web UI's own API lists the order's run with its search attributes;
 * Ctrl-C leaves no process behind; a second run on the same PostgreSQL still lists the run.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signJumpsellerBody } from '../../src/jumpseller/webhook-signature.js';
import { startJumpsellerSimulator, type RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import { orderJson } from '../../src/sandbox/jumpseller/wire.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';
import { freeClusterPorts } from '../support/cluster.js';
import { ctrlC, killGroup, runUntilBanner, type CommandRun } from '../support/processes.js';
import { simulatorStoreEnv } from '../support/simulator-store-env.js';

const say = (line: string) => console.log(`[cluster command] ${line}`);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const storeCode = `cmd-${suffix}`;
const temporalDb = `jr_cmd_${suffix}`;
const appDb = `jr_cmd_${suffix}_app`;
let dataDir: string;
let js: RunningJumpsellerSimulator;
let rb: RunningRelbaseSimulator;
let env: Record<string, string>;
let flags: string[];
let uiUrl: string;
let apiUrl: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jr-cluster-cmd-'));
  js = await startJumpsellerSimulator({ storeCode });
  rb = await startRelbaseSimulator({ port: 0 });
  const ports = await freeClusterPorts();
  uiUrl = `http://127.0.0.1:${ports.ui}`;
  apiUrl = `http://127.0.0.1:${ports.api}`;
  flags = [
    '--workers',
    '1',
    '--temporal-port',
    String(ports.frontend),
    '--ui-port',
    String(ports.ui),
    '--api-port',
    String(ports.api),
    '--temporal-db',
    temporalDb,
    '--database-url',
    `${adminUrl.replace(/\/[^/]*$/, '')}/${appDb}`,
    '--data-dir',
    dataDir,
  ];
  // What a user's shell would have, plus the store's documented variables (pointed at the simulators).
  const { PATH, HOME } = process.env;
  env = { PATH: PATH ?? '', HOME: HOME ?? '', ...simulatorStoreEnv(storeCode, js, rb, rb.simulator.warehouses()[0]!.id), SANDBOX: 'off', LOG_LEVEL: 'warn' };
}, 60_000);

afterAll(async () => {
  for (const c of children) killGroup(c);
  await js?.close();
  await rb?.close();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const db of [temporalDb, `${temporalDb}_visibility`, appDb]) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** Runs `npm run cluster -- <flags>` until its banner (a cold first build of the server and UI included). */
async function npmRunCluster(): Promise<CommandRun> {
  const run = await runUntilBanner('npm', ['run', 'cluster', '--', ...flags], { env, banner: 'Ctrl-C stops everything.', timeoutMs: 900_000 });
  children.push(run.child);
  return run;
}

/** The pids the banner lists on its `processes` line: temporal, web-ui, api and each worker. */
function bannerPids(output: string): Map<string, number> {
  const line = output.split('\n').find((l) => l.trim().startsWith('processes')) ?? '';
  return new Map([...line.matchAll(/([a-z-]+(?:-\d+)?) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface UiExecution {
  execution: { workflowId: string; runId: string };
  status: string;
  searchAttributes?: { indexedFields?: Record<string, unknown> };
}

/** The Web UI's own API (what its workflow list page calls) for one workflow id; [] until visibility has it. */
async function uiListed(workflowId: string): Promise<UiExecution[]> {
  const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
  const res = await fetch(`${uiUrl}/api/v1/namespaces/default/workflows?query=${query}`);
  if (res.status !== 200) throw new Error(`the Web UI answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { executions?: UiExecution[] }).executions ?? [];
}

/** A search attribute as the UI's API returns it: a payload (base64 JSON) or, decoded, the value. */
function attributeValue(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'data' in raw && typeof raw.data === 'string') return JSON.parse(Buffer.from(raw.data, 'base64').toString('utf8')) as unknown;
  return raw;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

it('npm run cluster: a paid order becomes a boleta, the Web UI lists its run with search attributes, Ctrl-C leaves nothing, a second run keeps the run', async () => {
  // A product relBase already has (same SKU), not yet linked: the order waits for the product sync
  // it asks for, then issues by itself.
  const product = js.sim.createProduct({ name: 'Taza', price: 4990, sku: 'CMD-1', stock: 100 });
  rb.simulator.seedProducts([{ name: 'Taza', code: 'CMD-1', price: 4990, stock: 100 }]);

  const first = await npmRunCluster();
  const pids = bannerPids(first.output());
  say(`first run ready; processes ${JSON.stringify(Object.fromEntries(pids))}`);
  expect([...pids.keys()]).toEqual(['temporal', 'web-ui', 'api', 'worker-1']);
  expect(first.output()).toContain(`Temporal Web UI      ${uiUrl}/namespaces/default/workflows`);
  expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);

  const order = js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
  js.sim.payOrder(order.id);
  const body = JSON.stringify({ order: orderJson(js.sim.state.orders.get(order.id)!, 'webhook') });
  const delivered = await fetch(`${apiUrl}/webhooks/jumpseller`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'jumpseller-event': 'order_paid',
      'jumpseller-store-code': storeCode,
      'jumpseller-hmac-sha256': signJumpsellerBody(body, js.sim.hooksToken),
    },
    body,
  });
  expect(delivered.status).toBe(200);
  const document = await until('the boleta in relBase', () => Promise.resolve(rb.simulator.documents().find((d) => d.label_value === `JS-${order.id}`)), 180_000);
  say(`order ${order.id} → relBase document ${document.id} (type ${document.type_document})`);

  const workflowId = `order:${storeCode}:${order.id}`;
  const listed = await until(
    'the Web UI to list the run as issued',
    async () => {
      const [run] = await uiListed(workflowId);
      const fields = run?.searchAttributes?.indexedFields ?? {};
      return attributeValue(fields.OrderState) === 'issued' ? run : undefined;
    },
    60_000,
  );
  const attributes = Object.fromEntries(Object.entries(listed.searchAttributes?.indexedFields ?? {}).map(([k, v]) => [k, attributeValue(v)]));
  say(`the Web UI lists ${workflowId} (run ${listed.execution.runId}) with ${JSON.stringify(attributes)}`);
  expect(attributes).toMatchObject({ StoreCode: storeCode, OrderState: 'issued', DocumentType: expect.any(String) as string, DocumentFolio: expect.any(String) as string });

  await ctrlC(first.child);
  expect(first.output()).toContain('[cluster] stopped; no process left behind');
  const left = [...pids].filter(([, pid]) => alive(pid));
  say(`Ctrl-C: the command exited; processes still alive: ${left.length ? JSON.stringify(left) : 'none'}`);
  expect(left).toEqual([]);

  const second = await npmRunCluster();
  expect(second.output()).toMatch(/Temporal database jr_cmd_\w+: found/);
  const again = await until('the Web UI to list the earlier run after the restart', async () => (await uiListed(workflowId))[0], 60_000);
  say(`second run: the Web UI still lists ${workflowId}, run ${again.execution.runId}, status ${again.status}`);
  expect(again.execution.runId).toBe(listed.execution.runId);
  expect(rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(1);
  await ctrlC(second.child);
  expect(second.output()).toContain('[cluster] stopped; no process left behind');
  expect([...bannerPids(second.output()).values()].filter(alive)).toEqual([]);
}, 1_200_000);
