/** Service processes started exactly as an operator would (`npm start`, `npm run worker`), for end-to-end and crash tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hook runs, in-flight activities are abandoned mid-way. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorkerProcess(env: Record<string, string>): ServiceProcess {
  // tsx directly (not through npm) so the signal reaches the worker itself, not a wrapper shell.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  child.stderr?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CommandRun {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
}

/**
 * Runs an operator's command (`npm start`, `npm run cluster`) from the repository root in its own
 * process group, as a terminal would, and resolves once its output contains `banner`; rejects with
 * the output if it exits first or prints no banner in time (and then kills its group).
 */
export function runUntilBanner(command: string, args: string[], o: { env: Record<string, string>; banner: string; timeoutMs: number }): Promise<CommandRun> {
  const child = spawn(command, args, { cwd: root, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(' ')} printed no banner in ${o.timeoutMs / 1000} s:\n${out}`));
    }, o.timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(o.banner)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

/**
 * Ctrl-C as a terminal sends it, to the whole process group. npm itself dies of the signal; what
 * matters is the service's own shutdown, so wait until every process holding the output has closed it.
 */
export async function ctrlC(child: ChildProcess): Promise<void> {
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  process.kill(-child.pid!, 'SIGINT');
  await closed;
}

/** SIGKILL to a command's whole process group, if it still runs (test clean-up). */
export function killGroup(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
}
