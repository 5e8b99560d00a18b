/**
 * What `npm run cluster` runs with: flags first, then CLUSTER_* variables, then defaults that keep
 * clear of `npm start` (Temporal 7233, UI 8233, API 3000) and of the test suite (free ports).
 *
 * This launcher reads its own variables here rather than in `src/config.ts`: it is an operator's
 * tool that *starts* the service, and the processes it starts still read their configuration
 * through `src/config.ts` (DATABASE_URL, TEMPORAL_ADDRESS, … are handed to them).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { BUILD_ID_PATTERN, BUILD_ID_RULE } from '../temporal/worker-deployment.js';

/** Every port the cluster binds, all on 127.0.0.1. */
export interface ClusterPorts {
  /** Temporal frontend gRPC: what workers, the API and the CLI connect to. */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports of the four services. */
  membership: { frontend: number; history: number; matching: number; worker: number };
  ui: number;
  api: number;
}

export interface ClusterOptions {
  workers: number;
  /** Generated config, logs and pid notes live here. */
  dataDir: string;
  /** Where Temporal's own databases live: a PostgreSQL server URL (its path is ignored). */
  postgresUrl: string;
  /** Temporal's databases: `<name>` and `<name>_visibility`. */
  temporalDatabase: string;
  /** The app's own records (created when missing; the API migrates it). */
  databaseUrl: string;
  namespace: string;
  ports: ClusterPorts;
  /** Extra variables for the API and worker processes (e.g. the simulators' URLs and credentials). */
  appEnv: Record<string, string>;
  /** The workers' build in the Worker Deployment (Worker Versioning); unset: this checkout's git commit. */
  buildId: string | undefined;
}

/**
 * The Temporal ports follow the frontend's, spaced the way the server's sample config spaces them
 * (gRPC +0/+1/+2/+6, HTTP +10), with the membership ports in the same block (+20…+26).
 */
export function portsFrom(frontend: number, ui: number, api: number): ClusterPorts {
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: { frontend: frontend + 20, history: frontend + 21, matching: frontend + 22, worker: frontend + 26 },
    ui,
    api,
  };
}

export const DEFAULT_PORTS = { frontend: 7633, ui: 8633, api: 3600 } as const;
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_APP_DATABASE = 'jumpseller_relbase';

/** Thrown for bad flags or variables; the message names each one and never echoes a value. */
export class ClusterOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid cluster options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ClusterOptionsError';
  }
}

const portNumber = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(1024, 'must be a port from 1024 to 65000')
  .max(65000, 'must be a port from 1024 to 65000');

const schema = z.object({
  workers: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(32, 'must be at most 32').default(2),
  dataDir: z.string().min(1).default('.data/cluster'),
  postgresUrl: z.url({ message: 'must be a postgres:// URL' }).optional(),
  temporalDatabase: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,40}$/, 'must be a lower-case SQL name (letters, digits, _)')
    .default('temporal'),
  databaseUrl: z.url({ message: 'must be a postgres:// URL' }).optional(),
  namespace: z.string().min(1).default('default'),
  // Temporal stores membership ports as a PostgreSQL smallint: the block (+26) must stay under 32768.
  temporalPort: portNumber.max(32_740, 'must be at most 32740 (Temporal keeps membership ports as a smallint)').default(DEFAULT_PORTS.frontend),
  uiPort: portNumber.default(DEFAULT_PORTS.ui),
  apiPort: portNumber.default(DEFAULT_PORTS.api),
  buildId: z.string().regex(BUILD_ID_PATTERN, BUILD_ID_RULE).optional(),
});

/** flag → [option, variable] */
const FLAGS: Record<string, [keyof z.input<typeof schema>, string]> = {
  '--workers': ['workers', 'CLUSTER_WORKERS'],
  '--data-dir': ['dataDir', 'CLUSTER_DATA_DIR'],
  '--postgres-url': ['postgresUrl', 'CLUSTER_POSTGRES_URL'],
  '--temporal-db': ['temporalDatabase', 'CLUSTER_TEMPORAL_DB'],
  '--database-url': ['databaseUrl', 'DATABASE_URL'],
  '--namespace': ['namespace', 'TEMPORAL_NAMESPACE'],
  '--temporal-port': ['temporalPort', 'CLUSTER_TEMPORAL_PORT'],
  '--ui-port': ['uiPort', 'CLUSTER_UI_PORT'],
  '--api-port': ['apiPort', 'CLUSTER_API_PORT'],
  '--build-id': ['buildId', 'TEMPORAL_WORKER_BUILD_ID'],
};

export const USAGE = `npm run cluster -- [--workers N] [--temporal-port P] [--ui-port P] [--api-port P]
                      [--postgres-url URL] [--temporal-db NAME] [--database-url URL] [--data-dir DIR]
                      [--build-id ID]   (the workers' build; default: the git commit)
Each flag has a variable: ${Object.entries(FLAGS)
  .map(([flag, [, v]]) => `${flag}=${v}`)
  .join(', ')}.`;

/** Parses `--flag value` / `--flag=value` over the variables; `--help` is the caller's business. */
export function parseClusterOptions(argv: string[], env: Record<string, string | undefined>): ClusterOptions {
  const raw: Record<string, string> = {};
  for (const [, [key, variable]] of Object.entries(FLAGS)) {
    const v = env[variable]?.trim();
    if (v) raw[key] = v;
  }
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const entry = FLAGS[flag];
    if (!entry) {
      problems.push(`${flag}: unknown flag`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`${flag}: needs a value`);
    else raw[entry[0]] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const flagOf = (key: PropertyKey) => Object.entries(FLAGS).find(([, [k]]) => k === key);
    for (const issue of parsed.error.issues) {
      const f = flagOf(issue.path[0] ?? '');
      problems.push(`${f ? `${f[0]} (${f[1][1]})` : issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ClusterOptionsError(problems);
  const o = parsed.data;

  const postgresUrl = o.postgresUrl ?? serverOf(o.databaseUrl) ?? DEFAULT_POSTGRES_URL;
  const databaseUrl = o.databaseUrl ?? withDatabase(postgresUrl, DEFAULT_APP_DATABASE);
  const ports = portsFrom(o.temporalPort, o.uiPort, o.apiPort);
  const clash = duplicatePorts(ports);
  if (clash.length > 0) throw new ClusterOptionsError([`ports: ${clash.join(', ')} used twice (the Temporal ports are --temporal-port + 0, 1, 2, 6, 10, 20, 21, 22 and 26)`]);
  return {
    workers: o.workers,
    dataDir: resolve(o.dataDir),
    postgresUrl,
    temporalDatabase: o.temporalDatabase,
    databaseUrl,
    namespace: o.namespace,
    ports,
    appEnv: {},
    buildId: o.buildId,
  };
}

export function allPorts(p: ClusterPorts): number[] {
  return [p.frontend, p.frontendHttp, p.history, p.matching, p.worker, ...Object.values(p.membership), p.ui, p.api];
}

function duplicatePorts(p: ClusterPorts): number[] {
  const seen = new Set<number>();
  const twice = new Set<number>();
  for (const n of allPorts(p)) (seen.has(n) ? twice : seen).add(n);
  return [...twice];
}

/** postgres://u:p@h:5432/app → postgres://u:p@h:5432/postgres (the server DATABASE_URL is on). */
function serverOf(url: string | undefined): string | undefined {
  return url ? withDatabase(url, 'postgres') : undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The parts of a PostgreSQL URL that Temporal's config and schema tool take separately. */
export function postgresEndpoint(url: string): { host: string; port: number; user: string; password: string } {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
  };
}
