/**
 * The Temporal server's and the Web UI's configuration, generated from the cluster options. Pure
 * functions, so unit tests check what reaches the files.
 *
 * The server config follows the module's `config/development-postgres12.yaml` (same keys, same
 * structure) with our ports, our PostgreSQL and every listener on 127.0.0.1; the dynamic config
 * starts from `config/dynamicconfig/development-sql.yaml` and adds what this service needs.
 */
import type { ClusterOptions } from './options.js';
import { postgresEndpoint } from './options.js';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/**
 * A small YAML writer for plain data (no anchors, no multi-line strings): enough for these files,
 * and it keeps the `yaml` package a dev-only dependency. Strings are always double-quoted (JSON
 * escaping is valid YAML), so a password with `#` or `:` cannot change the structure.
 */
export function toYaml(value: YamlValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        if (isScalar(item)) return `${pad}- ${scalar(item)}\n`;
        const body = toYaml(item, indent + 2);
        return `${pad}- ${body.slice(indent + 2)}`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k);
        if (isScalar(v)) return `${pad}${key}: ${scalar(v)}\n`;
        if (Array.isArray(v) && v.length === 0) return `${pad}${key}: []\n`;
        if (!Array.isArray(v) && Object.keys(v).length === 0) return `${pad}${key}: {}\n`;
        return `${pad}${key}:\n${toYaml(v, indent + 2)}`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

const LOOPBACK = '127.0.0.1';

/** `server --root <dir> --config config --env cluster start` reads this as `config/cluster.yaml`. */
export function temporalServerConfig(o: ClusterOptions, dynamicConfigPath: string): { [key: string]: YamlValue } {
  const pg = postgresEndpoint(o.postgresUrl);
  // Each of the four services in the process keeps its own pools: 4 × (8 + 3) connections at most,
  // so Temporal, the API and a few workers fit PostgreSQL's default 100 with room for others.
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: Math.ceil(maxConns / 2),
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: LOOPBACK, ...(httpPort ? { httpPort } : {}) },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      // Fixed for the life of the database: changing it later needs a new database.
      numHistoryShards: 4,
      datastores: {
        'postgres-default': datastore(o.temporalDatabase, 8),
        'postgres-visibility': datastore(`${o.temporalDatabase}_visibility`, 3),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: LOOPBACK },
    },
    services: {
      frontend: rpc(o.ports.frontend, o.ports.membership.frontend, o.ports.frontendHttp),
      history: rpc(o.ports.history, o.ports.membership.history),
      matching: rpc(o.ports.matching, o.ports.membership.matching),
      worker: rpc(o.ports.worker, o.ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${LOOPBACK}:${o.ports.frontend}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: `${LOOPBACK}:${o.ports.frontend}` },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
}

/**
 * Dynamic config: the module's development-sql settings this service relies on, plus
 * - update-with-start (`enableExecuteMultiOperation`, `enableUpdateWorkflowExecution`);
 * - search attributes usable right after `operator search-attribute create`;
 * - one partition per task queue. `maxTaskQueueActivitiesPerSecond` is split evenly over a queue's
 *   partitions and each keeps its own burst, so with the default four a per-store API queue hands
 *   out four bursts at once; one partition makes the queue's rate one bucket. (The call rate itself
 *   is held by the one worker that serves a store's API queues, see src/runtime/api-lease.ts.)
 *   A partition serves far more than the few activities per second an API allows.
 */
export function temporalDynamicConfig(): { [key: string]: YamlValue } {
  const value = (v: YamlValue) => [{ value: v, constraints: {} }];
  return {
    'limit.maxIDLength': value(255),
    'frontend.enableUpdateWorkflowExecution': value(true),
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': value(true),
    'frontend.enableExecuteMultiOperation': value(true),
    'frontend.workerVersioningDataAPIs': value(true),
    'system.forceSearchAttributesCacheRefreshOnRead': value(true),
    'matching.numTaskqueueReadPartitions': value(1),
    'matching.numTaskqueueWritePartitions': value(1),
    'history.hostLevelCacheMaxSize': value(8192),
  };
}

/** The Web UI's origins: what it is reached as, and so what the API's codec endpoint lets call it (CORS). */
export function webUiOrigins(o: ClusterOptions): string[] {
  return [`http://${LOOPBACK}:${o.ports.ui}`, `http://localhost:${o.ports.ui}`];
}

/**
 * `ui-server --root <dir> --config config --env cluster start` reads this as `config/cluster.yaml`.
 * Payloads are encrypted in Temporal: the UI decodes them through the API's codec endpoint, with the
 * browser's session cookie from `/codec/session` (includeCredentials), so only a signed-in operator
 * sees them in clear.
 */
export function webUiConfig(o: ClusterOptions): { [key: string]: YamlValue } {
  const [origin, localhostOrigin] = webUiOrigins(o) as [string, string];
  return {
    temporalGrpcAddress: `${LOOPBACK}:${o.ports.frontend}`,
    host: LOOPBACK,
    port: o.ports.ui,
    enableUi: true,
    defaultNamespace: o.namespace,
    notifyOnNewVersion: false,
    refreshInterval: '0s',
    showTemporalSystemNamespace: false,
    cors: { cookieInsecure: true, unsafeAllowAllOrigins: false, allowOrigins: [origin, localhostOrigin] },
    auth: { enabled: false },
    codec: { endpoint: `http://${LOOPBACK}:${o.ports.api}/codec`, passAccessToken: false, includeCredentials: true },
  };
}
