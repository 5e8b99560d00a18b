/**
 * `npm run screenshot:webui`: a screenshot of one order's run in the Temporal Web UI, for docs/operations.md.
 *
 * Starts the service as `npm start` does (sandbox simulators, embedded PGlite and Temporal dev server
 * with its Web UI) on free ports and a throw-away data folder, places and pays an order in the
 * simulated Jumpseller, waits until its workflow settles, finds its run through the admin API, and
 * opens the run's page in headless Chromium (`apt-get install -y chromium`). Payloads are encrypted in
 * Temporal; the embedded Web UI shows them decoded through the service's codec endpoint (the per-run
 * path `npm start` gives it), as an operator sees them. Writes docs/webui-order.png (or the path
 * given as the first argument), then stops the service.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const OUTPUT = resolve(process.argv[2] ?? 'docs/webui-order.png');
const ADMIN_TOKEN = 'screenshot-admin-token-0123456789';
const STORE = 'demo-store';

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: gave up after ${timeoutMs} ms`);
    await sleep(250);
  }
}

function findChromium(): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('which', [name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error('no Chromium found: apt-get install -y chromium');
}

async function main(): Promise<void> {
  const chromium = findChromium();
  const [port, devPort, uiPort, pgPort, jsPort, rbPort] = await Promise.all(Array.from({ length: 6 }, freePort));
  const dataDir = mkdtempSync(join(tmpdir(), 'jr-screenshot-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    SANDBOX_JUMPSELLER_PORT: String(jsPort),
    SANDBOX_RELBASE_PORT: String(rbPort),
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    SANDBOX: 'on',
    LOG_LEVEL: 'warn',
  };
  delete env['DATABASE_URL'];
  delete env['TEMPORAL_ADDRESS'];
  console.log(`starting the service (data in ${dataDir})…`);
  const service = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let banner = '';
  service.stdout.on('data', (b: Buffer) => (banner += b.toString()));
  const exited = new Promise<number | null>((r) => service.once('exit', (code) => r(code)));

  try {
    await until('service start', 240_000, () => {
      if (service.exitCode !== null) throw new Error('the service exited during start');
      return Promise.resolve(banner.includes('is running') ? true : undefined);
    });
    const api = `http://127.0.0.1:${port}`;
    const js = `http://127.0.0.1:${jsPort}`;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

    // The demo catalogue's first product (the sandbox's fixed demo credentials); an order of two, paid.
    const basic = `Basic ${Buffer.from('demo-login:demo-auth-token').toString('base64')}`;
    const catalogue = (await (await fetch(`${js}/v1/products.json?limit=1`, { headers: { authorization: basic } })).json()) as { product: { id: number } }[];
    const productId = catalogue[0]?.product.id;
    if (!productId) throw new Error('the sandbox has no demo product');
    const placed = (await (
      await fetch(`${js}/_sim/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lines: [{ productId, qty: 2 }] }) })
    ).json()) as { id?: number; order?: { id: number } };
    const orderId = placed.order?.id ?? placed.id;
    if (!orderId) throw new Error(`the simulator placed no order: ${JSON.stringify(placed)}`);
    await fetch(`${js}/_sim/orders/${orderId}/pay`, { method: 'POST' });
    console.log(`order ${orderId} placed and paid; waiting for its workflow to settle…`);

    // Issued is the run worth showing (a pending order asks product sync and issues by itself); after
    // a minute, a run still waiting is shown as it is.
    const settledBy = Date.now() + 60_000;
    const order = await until('order settles', 120_000, async () => {
      const r = (await (await fetch(`${api}/admin/stores/${STORE}/orders/${orderId}`, { headers: auth })).json()) as {
        state?: { state: string };
        workflow?: { workflowId: string; runId: string };
      };
      const state = r.state?.state;
      return state === 'issued' || (Date.now() > settledBy && (state === 'pending_products' || state === 'needs_attention')) ? r : undefined;
    });
    const { workflowId, runId } = order.workflow!;
    console.log(`${workflowId} is ${order.state!.state}`);

    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
    const profile = mkdtempSync(join(tmpdir(), 'jr-chromium-'));
    const shot = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--screenshot=${OUTPUT}`,
        '--window-size=1400,1000',
        '--virtual-time-budget=15000', // the Web UI is a single-page app: let it fetch and render first
        '--hide-scrollbars',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        url,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    rmSync(profile, { recursive: true, force: true });
    if (shot.status !== 0) throw new Error(`chromium failed (${shot.status}): ${shot.stderr.slice(-500)}`);
    console.log(`saved ${OUTPUT} (${statSync(OUTPUT).size} bytes) from ${url}`);
  } finally {
    service.kill('SIGINT');
    const stopped = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (stopped === 'timeout') service.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('screenshot failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
