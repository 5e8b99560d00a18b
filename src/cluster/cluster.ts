/**
 * The production topology on one machine, without Docker: the Temporal server on PostgreSQL, the
 * standalone Web UI, the app's API process and N worker processes, each its own OS process, exactly
 * as they would run on separate machines. `scripts/cluster.ts` is the command line around it; the
 * chaos tests and `bench:scale` drive it directly (kill a worker, stop Temporal, add workers).
 */
import { createServer } from 'node:net';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../workflows/search-attributes.js';
import { MAIN_TASK_QUEUE } from '../workflows/task-queues.js';
import { ensureBinaries, REPO_ROOT, type Binaries } from './binaries.js';
import { temporalDynamicConfig, temporalServerConfig, toYaml, webUiConfig, webUiOrigins } from './config-files.js';
import { resolveEncryptionKeyring, DEV_KEY_FILE } from '../temporal/encryption-keys.js';
import { allPorts, type ClusterOptions } from './options.js';
import { ensureAppDatabase, ensureTemporalSchemas } from './schema.js';
import { startProcess, waitUntil, type ManagedProcess } from './supervisor.js';
import { DEFAULT_DEPLOYMENT_NAME, makeCurrent } from '../temporal/worker-deployment.js';

const runFile = promisify(execFile);
const LOOPBACK = '127.0.0.1';

export interface ClusterUrls {
  temporal: string;
  webUi: string;
  api: string;
}

export interface Cluster {
  options: ClusterOptions;
  urls: ClusterUrls;
  /** Where each process writes its output. */
  logDir: string;
  temporal(): ManagedProcess;
  ui(): ManagedProcess;
  api(): ManagedProcess;
  /** The worker processes running now, oldest first. */
  workers(): ManagedProcess[];
  /** The build the workers started from now on run (Worker Versioning): the deployment's current one. */
  buildId(): string;
  /** Starts one more `npm run worker` process of the current build and waits until it polls. */
  startWorker(): Promise<ManagedProcess>;
  /**
   * A rolling deploy: starts as many workers of `buildId` as run now, makes that build current once
   * they poll, then stops the old build's workers (SIGTERM: they finish what they hold). Waiting
   * workflows move to the new build at their next task (AUTO_UPGRADE).
   */
  rollWorkers(buildId: string): Promise<{ from: string; to: string; workers: number }>;
  /** Starts or stops (SIGTERM, drained) workers until `n` run. */
  scaleWorkers(n: number): Promise<void>;
  /** Stops the Temporal server (SIGTERM); everything else keeps running. */
  stopTemporal(): Promise<void>;
  /** Starts it again on the same database and waits until it serves. */
  startTemporal(): Promise<void>;
  /** Workers first (they drain), then the API, the Web UI and the Temporal server. */
  stop(): Promise<void>;
}

export interface StartClusterHooks {
  log?: (line: string) => void;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, LOOPBACK, () => srv.close(() => resolve(true)));
  });
}

async function healthyFrontend(address: string, namespace?: string): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await conn.workflowService.getSystemInfo({});
    if (namespace) await conn.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await conn.close();
  }
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.ok;
}

export async function startCluster(options: ClusterOptions, hooks: StartClusterHooks = {}): Promise<Cluster> {
  const log = hooks.log ?? ((line: string) => process.stdout.write(`[cluster] ${line}\n`));
  const o = options;
  const address = `${LOOPBACK}:${o.ports.frontend}`;
  const urls: ClusterUrls = { temporal: address, webUi: `http://${LOOPBACK}:${o.ports.ui}`, api: `http://${LOOPBACK}:${o.ports.api}` };
  const logDir = join(o.dataDir, 'logs');

  const busy: number[] = [];
  for (const p of allPorts(o.ports)) if (!(await portFree(p))) busy.push(p);
  if (busy.length > 0)
    throw new Error(
      `port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use on ${LOOPBACK}: stop what holds them or choose other ports (--temporal-port, --ui-port, --api-port)`,
    );

  const bin: Binaries = ensureBinaries(log);

  const schemas = await ensureTemporalSchemas(bin, o.postgresUrl, o.temporalDatabase);
  for (const s of schemas) log(`Temporal database ${s.database}: ${s.created ? 'created' : 'found'}, schema version ${s.version}`);
  if (await ensureAppDatabase(o.databaseUrl)) log(`created the app database ${new URL(o.databaseUrl).pathname.slice(1)}`);

  if (!(o.appEnv['TEMPORAL_ENCRYPTION_KEYS'] ?? process.env.TEMPORAL_ENCRYPTION_KEYS)) {
    resolveEncryptionKeyring({ dataDir: o.dataDir, temporal: { encryptionKeys: undefined, address: undefined } });
    log(`payloads are encrypted with the cluster's own key in ${join(o.dataDir, DEV_KEY_FILE)} (set TEMPORAL_ENCRYPTION_KEYS to use yours)`);
  }
  const temporalRoot = join(o.dataDir, 'temporal');
  const uiRoot = join(o.dataDir, 'ui');
  mkdirSync(join(temporalRoot, 'config'), { recursive: true });
  mkdirSync(join(uiRoot, 'config'), { recursive: true });
  const dynamicConfigPath = join(temporalRoot, 'dynamicconfig.yaml');
  const serverConfigPath = join(temporalRoot, 'config', 'cluster.yaml');
  writeFileSync(dynamicConfigPath, `# Written by npm run cluster; see src/cluster/config-files.ts\n${toYaml(temporalDynamicConfig())}`);
  // It holds the PostgreSQL password (when there is one): readable by its owner only.
  writeFileSync(serverConfigPath, `# Written by npm run cluster; see src/cluster/config-files.ts\n${toYaml(temporalServerConfig(o, dynamicConfigPath))}`, { mode: 0o600 });
  chmodSync(serverConfigPath, 0o600);
  writeFileSync(join(uiRoot, 'config', 'cluster.yaml'), `# Written by npm run cluster; see src/cluster/config-files.ts\n${toYaml(webUiConfig(o))}`);

  const started: ManagedProcess[] = [];
  /** A process that dies on its own is reported with the end of its output (the rest keep running). */
  const watch = (p: ManagedProcess) => {
    started.push(p);
    void p.exited.then((info) => {
      if (!p.stopRequested())
        log(`${p.name} (pid ${p.pid}) exited on its own (${info.signal ?? `code ${info.code}`}); its log is ${p.logFile}:\n${p.output().trim().split('\n').slice(-15).join('\n')}`);
    });
  };
  let temporal: ManagedProcess | undefined;
  let ui: ManagedProcess | undefined;
  let api: ManagedProcess | undefined;
  const workers: ManagedProcess[] = [];
  let workerSeq = 0;
  let buildId = o.buildId ?? (await gitCommit());
  // The workers read the same variable (an empty one is unset for them too).
  const deploymentName = (o.appEnv['TEMPORAL_WORKER_DEPLOYMENT'] ?? process.env.TEMPORAL_WORKER_DEPLOYMENT)?.trim() || DEFAULT_DEPLOYMENT_NAME;

  // The API and every worker must seal payloads with the same keys: the operator's
  // TEMPORAL_ENCRYPTION_KEYS, else a key the cluster keeps in its data folder (as `npm start` does).
  const sharedKeys = o.appEnv['TEMPORAL_ENCRYPTION_KEYS'] ?? process.env.TEMPORAL_ENCRYPTION_KEYS;
  const encryptionKeys = sharedKeys ?? readFileSync(join(o.dataDir, DEV_KEY_FILE), 'utf8').trim();
  const appEnv = (extra: Record<string, string>): Record<string, string | undefined> => ({
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: o.namespace,
    TEMPORAL_ENCRYPTION_KEYS: encryptionKeys,
    TEMPORAL_UI_ORIGINS: webUiOrigins(o).join(','),
    ...o.appEnv,
    ...extra,
  });

  const startTemporalProcess = async () => {
    temporal = startProcess({
      name: 'temporal',
      command: bin.server,
      args: ['--root', temporalRoot, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
      logFile: join(logDir, 'temporal.log'),
    });
    watch(temporal);
    await waitUntil(`the Temporal server serving on ${address}`, () => healthyFrontend(address), { timeoutMs: 120_000, proc: temporal, intervalMs: 500 });
  };

  const cli = (...args: string[]) => runFile(bin.cli, [...args, '--address', address], { maxBuffer: 4 * 1024 * 1024 });

  const ensureNamespaceAndSearchAttributes = async () => {
    const known = await cli('operator', 'namespace', 'describe', '--namespace', o.namespace).then(
      () => true,
      () => false,
    );
    if (!known) {
      await cli('operator', 'namespace', 'create', '--namespace', o.namespace, '--retention', '720h');
      log(`created the namespace ${o.namespace}`);
    }
    await waitUntil(`the namespace ${o.namespace} being served`, () => healthyFrontend(address, o.namespace), { timeoutMs: 60_000, proc: temporal!, intervalMs: 500 });
    // The operator API reads its own namespace cache, which catches up a few seconds after a create.
    let listed = '';
    const list = async () => {
      listed = (await cli('operator', 'search-attribute', 'list', '--namespace', o.namespace, '--output', 'json')).stdout;
      return true;
    };
    await waitUntil(`the namespace ${o.namespace} listing its search attributes`, list, { timeoutMs: 60_000, proc: temporal!, intervalMs: 1000 });
    const existing = new Set(listedSearchAttributes(listed));
    const missing = searchAttributeFlags().filter((sa) => !existing.has(sa.name));
    for (const sa of missing) await cli('operator', 'search-attribute', 'create', '--namespace', o.namespace, '--name', sa.name, '--type', sa.type);
    log(
      `search attributes: ${missing.length ? `created ${missing.map((s) => s.name).join(', ')}` : 'all present'} (${searchAttributeFlags()
        .map((s) => `${s.name}=${s.type}`)
        .join(' ')})`,
    );
  };

  const startWorker = async (build = buildId, promote = true) => {
    const n = ++workerSeq;
    const metricsBase = process.env.TEMPORAL_METRICS_PORT;
    const versioning = { TEMPORAL_WORKER_BUILD_ID: build, TEMPORAL_WORKER_PROMOTE: String(promote) };
    const w = startProcess({
      name: `worker-${n}`,
      // What `npm run worker` runs, without the npm and shell wrappers, so a signal reaches the
      // worker itself (a SIGKILL in the chaos tests kills exactly one worker, nothing lingers).
      command: process.execPath,
      args: ['--import', 'tsx', 'src/worker.ts'],
      cwd: REPO_ROOT,
      // N workers on one machine cannot share one metrics port: worker i serves it on port + i - 1.
      env: appEnv({ ...versioning, ...(metricsBase ? { TEMPORAL_METRICS_PORT: String(Number(metricsBase) + n - 1) } : {}) }),
      logFile: join(logDir, `worker-${n}.log`),
    });
    watch(w);
    workers.push(w);
    void w.exited.then(() => {
      const i = workers.indexOf(w);
      if (i >= 0) workers.splice(i, 1);
    });
    await waitUntil(`worker-${n} polling ${MAIN_TASK_QUEUE}`, () => polling(address, o.namespace, w.pid), { timeoutMs: 180_000, proc: w, intervalMs: 500 });
    return w;
  };

  const stopAll = async () => {
    const alive = (p: ManagedProcess | undefined): p is ManagedProcess => p !== undefined && p.running();
    await Promise.all(workers.filter(alive).map((w) => w.stop(30_000)));
    if (alive(api)) await api.stop(15_000);
    if (alive(ui)) await ui.stop(5_000);
    if (alive(temporal)) await temporal.stop(20_000);
    await Promise.all(started.filter(alive).map((p) => p.kill()));
  };

  try {
    log(
      `starting the Temporal server on ${address} (PostgreSQL ${o.postgresUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}, databases ${o.temporalDatabase} and ${o.temporalDatabase}_visibility)`,
    );
    await startTemporalProcess();
    await ensureNamespaceAndSearchAttributes();

    ui = startProcess({ name: 'web-ui', command: bin.ui, args: ['--root', uiRoot, '--config', 'config', '--env', 'cluster', 'start'], logFile: join(logDir, 'web-ui.log') });
    watch(ui);

    api = startProcess({
      name: 'api',
      // What `npm run api` runs (it migrates the app database on start).
      command: process.execPath,
      args: ['--import', 'tsx', 'src/api/server.ts'],
      cwd: REPO_ROOT,
      env: appEnv({ PORT: String(o.ports.api), HOST: LOOPBACK }),
      logFile: join(logDir, 'api.log'),
    });
    watch(api);
    await waitUntil(`the Web UI answering on ${urls.webUi}`, () => httpOk(`${urls.webUi}/api/v1/namespaces`), { timeoutMs: 60_000, proc: ui });
    await waitUntil(`the API ready on ${urls.api}/readyz`, () => httpOk(`${urls.api}/readyz`), { timeoutMs: 120_000, proc: api, intervalMs: 500 });
    log(`starting ${o.workers} worker process${o.workers > 1 ? 'es' : ''} of build ${buildId} (Worker Deployment ${deploymentName}; each makes its build current)`);
    // One at a time: each bundles the workflow code with webpack, and two cores do that best in turn.
    for (let i = 0; i < o.workers; i++) await startWorker();
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    options: o,
    urls,
    logDir,
    temporal: () => temporal!,
    ui: () => ui,
    api: () => api,
    workers: () => [...workers],
    buildId: () => buildId,
    startWorker: () => startWorker(),
    async rollWorkers(to) {
      const from = buildId;
      const old = [...workers];
      const fresh: ManagedProcess[] = [];
      try {
        // The new build's workers do not promote themselves: the switch happens once, here, when all poll.
        for (let i = 0; i < old.length; i++) fresh.push(await startWorker(to, false));
        const conn = await Connection.connect({ address });
        try {
          await makeCurrent({ workflowService: conn.workflowService, namespace: o.namespace, deploymentName, buildId: to, identity: 'npm run cluster' });
        } finally {
          await conn.close();
        }
      } catch (err) {
        // No switch: the old build keeps serving, and the new build's workers go.
        await Promise.all(fresh.map((w) => w.stop(30_000)));
        throw err;
      }
      buildId = to;
      log(`build ${to} is current; stopping the ${old.length} worker${old.length > 1 ? 's' : ''} of build ${from}`);
      await Promise.all(old.map((w) => w.stop(30_000)));
      return { from, to, workers: old.length };
    },
    async scaleWorkers(n) {
      while (workers.length < n) await startWorker();
      while (workers.length > n) await workers[workers.length - 1]!.stop(30_000);
    },
    async stopTemporal() {
      await temporal?.stop(20_000);
    },
    async startTemporal() {
      if (temporal?.running()) return;
      await startTemporalProcess();
    },
    stop: stopAll,
  };
}

/** This checkout's commit (short), the cluster's default build id; `local` outside a git checkout. */
async function gitCommit(): Promise<string> {
  try {
    const { stdout } = await runFile('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT });
    return stdout.trim() || 'local';
  } catch {
    return 'local';
  }
}

/** Names in `temporal operator search-attribute list --output json` (custom and system alike). */
export function listedSearchAttributes(json: string): string[] {
  const parsed = JSON.parse(json) as unknown;
  const names = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const rec = v as Record<string, unknown>;
      if (typeof rec.name === 'string') names.add(rec.name);
      for (const key of ['customAttributes', 'systemAttributes', 'keys']) {
        const inner = rec[key];
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) for (const k of Object.keys(inner)) names.add(k);
        else if (inner !== undefined) visit(inner);
      }
    }
  };
  visit(parsed);
  return [...names];
}

/** Whether the process `pid` is among the pollers of the main queue (its identity is `pid@host`). */
async function polling(address: string, namespace: string, pid: number): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const res = await conn.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: MAIN_TASK_QUEUE, kind: 1 /* NORMAL */ },
      taskQueueType: 1 /* WORKFLOW */,
    });
    return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
  } finally {
    await conn.close();
  }
}
