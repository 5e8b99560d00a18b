/**
 * The README's first command as a newcomer meets it: `npm start` with nothing configured prints its
 * URLs, answers /readyz, serves the Temporal Web UI, turns a simulated order into a boleta, and after a
 * restart still has the earlier workflow run and database rows. (Ports and DATA_DIR are moved aside
 * only so the test cannot collide with anything else on the machine.)
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/environment.js';
import { ctrlC, killGroup, runUntilBanner, type CommandRun } from '../support/processes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dataDir: string;
let env: Record<string, string>;
let ports: Record<string, number>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jr-start-'));
  ports = {
    api: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    pg: await freePort(),
    js: await freePort(),
    rb: await freePort(),
  };
  env = {
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    EMBEDDED_POSTGRES_PORT: String(ports.pg),
    SANDBOX_JUMPSELLER_PORT: String(ports.js),
    SANDBOX_RELBASE_PORT: String(ports.rb),
  };
});

afterAll(() => {
  for (const c of children) killGroup(c);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm start` with only what a user's shell would have, plus the test's port and folder choices. */
async function npmStart(): Promise<CommandRun> {
  const { PATH, HOME } = process.env;
  const run = await runUntilBanner('npm', ['start'], { env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env }, banner: 'Stop with Ctrl-C', timeoutMs: 120_000 });
  children.push(run.child);
  return run;
}

/** Waits until the Temporal server lists the workflow run (visibility is eventually consistent). */
async function waitForRun(workflowId: string) {
  for (let i = 0; i < 150; i++) {
    const out = execFileSync(join(root, '.tools/bin/temporal'), ['workflow', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--query', `WorkflowId="${workflowId}"`], {
      encoding: 'utf8',
    });
    if (out.includes(workflowId)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} is not listed by the Temporal server`);
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('runs on embedded defaults, issues a boleta, and keeps its runs and rows across a restart', async () => {
  const first = await npmStart();
  expect(first.output()).toContain(`API:             http://localhost:${ports.api}`);
  expect(first.output()).toContain(`Temporal Web UI: http://127.0.0.1:${ports.ui}`);

  expect(await json(`http://127.0.0.1:${ports.api}/readyz`)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', temporal: 'ok' } } });
  const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
  expect(ui.status).toBe(200);
  expect(await ui.text()).toMatch(/<html/i);

  // The banner's own demo: place and pay an order in the simulated store.
  const sim = `http://127.0.0.1:${ports.js}/_sim`;
  const placed = await json(`${sim}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lines: [{ productId: 1001, qty: 1 }] }) });
  const orderId = (placed.body.order as { id: number }).id;
  await json(`${sim}/orders/${orderId}/pay`, { method: 'POST' });
  const workflowId = `order:demo-store:${orderId}`;
  await waitForRun(workflowId);
  // …which becomes one boleta in the simulated relBase.
  const documentsOfOrder = async () =>
    ((await json(`http://127.0.0.1:${ports.rb}/_sim/documents`)).body.documents as { label_value: string; type_document: number }[]).filter(
      (d) => d.label_value === `JS-${orderId}`,
    );
  await expect.poll(async () => (await documentsOfOrder()).length, { timeout: 90_000, interval: 500 }).toBe(1);
  expect((await documentsOfOrder())[0]!.type_document).toBe(39);
  await ctrlC(first.child);
  expect(first.output()).toContain('stopped cleanly');

  const second = await npmStart();
  await waitForRun(workflowId);
  await ctrlC(second.child);
  expect(second.output()).toContain('stopped cleanly');

  // The rows the first run wrote are in the embedded database on disk.
  const pg = await PGlite.create(join(dataDir, 'pglite'));
  const rows = await pg.query<{ n: number }>('select count(*)::int as n from webhook_deliveries where resource_id = $1', [String(orderId)]);
  await pg.close();
  expect(rows.rows[0]?.n).toBeGreaterThanOrEqual(1);
}, 300_000);
