/**
 * The embedded Temporal dev server (`temporal server start-dev`): the full Temporal server on SQLite
 * with its Web UI, used by `npm start` when TEMPORAL_ADDRESS is unset and by the test suite.
 * Its SQLite file lives under DATA_DIR so workflow runs survive a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../workflows/search-attributes.js';
import type { CliBinary } from './cli-binary.js';

export interface DevServerOptions {
  binary: CliBinary | undefined;
  ip?: string;
  port: number;
  /** Undefined: headless (no Web UI). */
  uiPort: number | undefined;
  namespace: string;
  /** Undefined: in memory (tests). */
  dbFile: string | undefined;
  /** The Web UI decodes payloads through this remote codec endpoint (Temporal's codec protocol). */
  uiCodecEndpoint?: string;
  startupTimeoutMs?: number;
  /** More `--dynamic-config-value` settings (`key=value`), e.g. `matching.enableFairness=true` for the fairness probe. */
  dynamicConfig?: string[];
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  /** Which binary ran, for the start-up banner. */
  source: string;
  stop(): Promise<void>;
}

/** Flags beyond the defaults: update-with-start, single-partition queues and our custom search attributes. */
function serverArgs(o: DevServerOptions, ip: string): string[] {
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(o.port), '--namespace', o.namespace];
  args.push('--log-level', 'warn', '--log-format', 'json');
  args.push('--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.workerVersioningDataAPIs=true');
  // One partition per task queue: an API queue's activity rate is then one token bucket, not four
  // (the same as the cluster and docker-compose configurations).
  args.push('--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1');
  args.push('--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1');
  for (const value of o.dynamicConfig ?? []) args.push('--dynamic-config-value', value);
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.uiPort !== undefined) {
    args.push('--ui-port', String(o.uiPort), '--ui-ip', ip);
    if (o.uiCodecEndpoint) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  } else args.push('--headless');
  for (const sa of searchAttributeFlags()) args.push('--search-attribute', `${sa.name}=${sa.type}`);
  return args;
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const ip = o.ip ?? '127.0.0.1';
  if (o.dbFile) mkdirSync(dirname(o.dbFile), { recursive: true });
  if (!o.binary) return startWithSdkDownload(o, ip);

  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the server
  // must outlive the worker's drain; we stop it last. A normal exit of ours still takes it along.
  const child = spawn(o.binary.path, serverArgs(o, ip), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const address = `${ip}:${o.port}`;
  try {
    await waitUntilServing(address, child, () => stderr, o.startupTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl: o.uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${o.uiPort}` : undefined,
    source: `${o.binary.source} (${o.binary.path})`,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(address: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { exited: number | null } = { exited: null };
  child.once('exit', (code) => {
    state.exited = code ?? -1;
  });
  for (;;) {
    if (state.exited !== null) {
      throw new Error(`the Temporal dev server exited with code ${state.exited} before serving on ${address}: ${stderr().trim().slice(-1500)}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`the Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${stderr().trim().slice(-1500)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Last resort where no binary exists: the SDK downloads the CLI (needs internet). */
async function startWithSdkDownload(o: DevServerOptions, ip: string): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip,
      port: o.port,
      namespace: o.namespace,
      ...(o.uiPort !== undefined ? { uiPort: o.uiPort } : {}),
      ...(o.dbFile ? { dbFilename: o.dbFile } : {}),
      extraArgs: [
        ...searchAttributeFlags().flatMap((sa) => ['--search-attribute', `${sa.name}=${sa.type}`]),
        ...(o.uiPort !== undefined && o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
      ],
    },
  });
  return {
    address: `${ip}:${o.port}`,
    uiUrl: o.uiPort !== undefined ? `http://${ip}:${o.uiPort}` : undefined,
    source: 'downloaded by the Temporal SDK',
    stop: () => env.teardown(),
  };
}
