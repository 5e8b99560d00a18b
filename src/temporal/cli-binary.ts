/**
 * Finds the Temporal CLI that runs the embedded dev server, in the order the README documents:
 * TEMPORAL_CLI_PATH, then `.tools/bin/temporal` (built by `npm install` from the Go module proxy),
 * then a `temporal` on PATH. Undefined means the SDK's own download is the last resort.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILT_CLI_PATH = fileURLToPath(new URL('../../.tools/bin/temporal', import.meta.url));

export interface CliBinary {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | '.tools/bin' | 'PATH';
}

export function findTemporalCli(cliPathFromConfig: string | undefined, pathEnv: string | undefined): CliBinary | undefined {
  if (cliPathFromConfig) {
    if (!existsSync(cliPathFromConfig)) {
      throw new Error(`TEMPORAL_CLI_PATH points at ${cliPathFromConfig}, which does not exist`);
    }
    return { path: cliPathFromConfig, source: 'TEMPORAL_CLI_PATH' };
  }
  if (existsSync(BUILT_CLI_PATH)) return { path: BUILT_CLI_PATH, source: '.tools/bin' };
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'temporal');
    if (existsSync(candidate)) return { path: candidate, source: 'PATH' };
  }
  return undefined;
}
