/**
 * The Temporal SDK's Runtime, installed once per process with its own logs kept to errors (expected
 * activity retries would fill the output). Runtime.install throws when called twice, and test files
 * that share a worker process (isolate: false) may each hold their own copy of this module, so the
 * mark is on the process, not in a module variable.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

const INSTALLED = Symbol.for('jumpseller-relbase.test.quietRuntime');

export function installQuietRuntime(): void {
  const processWide = globalThis as { [INSTALLED]?: true };
  if (processWide[INSTALLED]) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  processWide[INSTALLED] = true;
}
