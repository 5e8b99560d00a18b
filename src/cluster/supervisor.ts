/**
 * Child processes of the cluster, each in its own process group: Ctrl-C in the terminal reaches only
 * the launcher, which then stops the children in order (workers drain first, Temporal goes last).
 * Output goes through pipes into a log file per process, with a tail kept for error messages; if the
 * launcher itself dies, a child's next write hits a closed pipe and it exits instead of lingering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  logFile: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited, however. */
  exited: Promise<ExitInfo>;
  running(): boolean;
  /** Whether its exit was asked for (stop or kill) rather than its own doing. */
  stopRequested(): boolean;
  /** The last 20 kB of its output. */
  output(): string;
  /** SIGTERM to its group; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL to its group: no shutdown hook runs. */
  kill(): Promise<ExitInfo>;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Last resort when the launcher exits without stopping its children: kill every group still alive. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllNow);
}

/** SIGKILL to every child still running (a launcher interrupted before it could stop them in order). */
export function killAllNow(): void {
  for (const p of live) signalGroup(p.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function startProcess(spec: ProcessSpec): ManagedProcess {
  installExitHook();
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  log.write(`\n==== ${new Date().toISOString()} start ${spec.name}: ${[spec.command, ...spec.args].join(' ')}\n`);
  const child: ChildProcess = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ? { ...spec.env } : process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  const pid = child.pid;
  let tail = '';
  const collect = (b: Buffer) => {
    log.write(b);
    tail = (tail + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let done = false;
  let requested = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(managed);
      log.end(`==== ${new Date().toISOString()} ${spec.name} exited (${signal ?? `code ${code}`})\n`);
      resolve({ code, signal });
    });
  });

  const managed: ManagedProcess = {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    running: () => !done,
    stopRequested: () => requested,
    output: () => tail,
    async stop(graceMs = 30_000) {
      requested = true;
      if (done) return exited;
      signalGroup(pid, 'SIGTERM');
      const force = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(force);
      return info;
    },
    async kill() {
      requested = true;
      if (done) return exited;
      signalGroup(pid, 'SIGKILL');
      return exited;
    },
  };
  live.add(managed);
  return managed;
}

/** Polls `check` until it resolves true; fails early when `proc` exits, naming its log. */
export async function waitUntil(what: string, check: () => Promise<boolean>, o: { timeoutMs: number; proc?: ManagedProcess; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.proc && !o.proc.running()) {
      throw new Error(`${o.proc.name} exited before ${what}; its log is ${o.proc.logFile}:\n${o.proc.output().trim().slice(-2000)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${Math.round(o.timeoutMs / 1000)} s${o.proc ? `; see ${o.proc.logFile}:\n${o.proc.output().trim().slice(-2000)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
