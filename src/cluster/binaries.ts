/**
 * The four Go programs the cluster runs, built from the Go module proxy into the git-ignored
 * `.tools/` when missing (a fresh clone): the Temporal server, its schema tool, the standalone
 * Web UI and the Temporal CLI (`npm install` normally builds the CLI already). The server and the UI
 * are both called `server`, so each gets its own folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOOLS = join(REPO_ROOT, '.tools');

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

interface GoProgram {
  name: string;
  module: string;
  binary: string;
  /** Measured on 2 cores with cold Go caches; said before a build so nobody thinks it hung. */
  coldBuild: string;
}

export const PROGRAMS = {
  server: {
    name: 'Temporal server',
    module: `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
    binary: join(TOOLS, 'server-bin', 'server'),
    coldBuild: 'about 2½ minutes',
  },
  sql: {
    name: 'Temporal SQL schema tool',
    module: `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    binary: join(TOOLS, 'bin', 'sql'),
    coldBuild: 'seconds once the server is built, about 2 minutes alone',
  },
  ui: {
    name: 'Temporal Web UI',
    module: 'github.com/temporalio/ui-server/v2/cmd/server@v2.42.1',
    binary: join(TOOLS, 'ui-bin', 'server'),
    coldBuild: 'about 20 seconds to a minute',
  },
  cli: {
    name: 'Temporal CLI',
    module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
    binary: join(TOOLS, 'bin', 'temporal'),
    coldBuild: 'about 3 minutes',
  },
} satisfies Record<string, GoProgram>;

export type ProgramName = keyof typeof PROGRAMS;

export interface Binaries {
  server: string;
  sql: string;
  ui: string;
  cli: string;
  /** The versioned PostgreSQL schema files of the server module, in the Go module cache. */
  schemaDir: string;
}

function goPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error('Go is needed to build the Temporal server, its schema tool and the Web UI (apt-get install golang, Go ≥ 1.25), or place the binaries under .tools/');
  }
  return r.stdout.trim();
}

function goEnv(go: string, name: string): string {
  return execFileSync(go, ['env', name], { encoding: 'utf8' }).trim();
}

/** Builds what is missing, says so before each build, and returns every path the cluster needs. */
export function ensureBinaries(log: (line: string) => void): Binaries {
  const missing = (Object.keys(PROGRAMS) as ProgramName[]).filter((p) => !existsSync(PROGRAMS[p].binary));
  let go: string | undefined;
  for (const p of missing) {
    go ??= goPath();
    const program = PROGRAMS[p];
    log(`building the ${program.name} (${program.module}) into ${program.binary.slice(REPO_ROOT.length)}: a cold build takes ${program.coldBuild} on 2 cores; it has not hung`);
    const started = Date.now();
    mkdirSync(join(program.binary, '..'), { recursive: true });
    execFileSync(go, ['install', '-trimpath', '-ldflags', '-s -w', program.module], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: join(program.binary, '..'), CGO_ENABLED: '0' },
    });
    log(`built the ${program.name} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  return {
    server: PROGRAMS.server.binary,
    sql: PROGRAMS.sql.binary,
    ui: PROGRAMS.ui.binary,
    cli: PROGRAMS.cli.binary,
    schemaDir: ensureSchemaFiles(go, log),
  };
}

/** `$(go env GOMODCACHE)/go.temporal.io/server@v1.29.1/schema/postgresql/v12`, downloaded when absent. */
function ensureSchemaFiles(goBinary: string | undefined, log: (line: string) => void): string {
  const go = goBinary ?? goPath();
  const dir = join(goEnv(go, 'GOMODCACHE'), `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(join(dir, 'temporal', 'versioned'))) {
    log(`downloading the Temporal server module ${TEMPORAL_SERVER_VERSION} for its schema files`);
    execFileSync(go, ['mod', 'download', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return dir;
}
