/** `npm run cluster`'s options and the Temporal/Web UI configuration it writes. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listedSearchAttributes } from '../../../src/cluster/cluster.js';
import { temporalDynamicConfig, temporalServerConfig, toYaml, webUiConfig, webUiOrigins, type YamlValue } from '../../../src/cluster/config-files.js';
import { allPorts, ClusterOptionsError, parseClusterOptions, postgresEndpoint } from '../../../src/cluster/options.js';
import { searchAttributeFlags } from '../../../src/workflows/search-attributes.js';

describe('cluster options', () => {
  it('defaults: 2 workers, ports clear of npm start (7233/8233/3000), the machine PostgreSQL', () => {
    const o = parseClusterOptions([], {});
    expect(o.workers).toBe(2);
    expect(o.ports.frontend).toBe(7633);
    expect(allPorts(o.ports)).not.toContain(7233);
    expect(allPorts(o.ports)).not.toContain(8233);
    expect(allPorts(o.ports)).not.toContain(3000);
    expect(new Set(allPorts(o.ports)).size).toBe(allPorts(o.ports).length);
    expect(o.postgresUrl).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(o.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/jumpseller_relbase');
    expect(o.temporalDatabase).toBe('temporal');
  });

  it("takes the workers' build id from --build-id or TEMPORAL_WORKER_BUILD_ID; unset: the cluster uses the git commit", () => {
    expect(parseClusterOptions([], {}).buildId).toBeUndefined();
    expect(parseClusterOptions([], { TEMPORAL_WORKER_BUILD_ID: 'v7' }).buildId).toBe('v7');
    expect(parseClusterOptions(['--build-id', 'v8'], { TEMPORAL_WORKER_BUILD_ID: 'v7' }).buildId).toBe('v8');
    expect(() => parseClusterOptions(['--build-id', 'no spaces'], {})).toThrow(/--build-id \(TEMPORAL_WORKER_BUILD_ID\): must be a build id/);
  });

  it('flags win over variables; Temporal sits on the server DATABASE_URL names', () => {
    const o = parseClusterOptions(['--workers', '4', '--temporal-port=9000'], {
      CLUSTER_WORKERS: '3',
      CLUSTER_UI_PORT: '9100',
      DATABASE_URL: 'postgres://app:s3cret@db.internal:6543/shop',
    });
    expect(o.workers).toBe(4);
    expect(o.ports.frontend).toBe(9000);
    expect(o.ports.history).toBe(9001);
    expect(o.ports.ui).toBe(9100);
    expect(o.databaseUrl).toBe('postgres://app:s3cret@db.internal:6543/shop');
    expect(postgresEndpoint(o.postgresUrl)).toEqual({ host: 'db.internal', port: 6543, user: 'app', password: 's3cret' });
  });

  it('names every bad flag and never echoes a value', () => {
    let error: unknown;
    try {
      parseClusterOptions(['--workers', '0', '--bogus', 'x', '--api-port', '80'], { DATABASE_URL: 'not a url with secret' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ClusterOptionsError);
    const message = (error as Error).message;
    expect(message).toContain('--workers (CLUSTER_WORKERS): must be at least 1');
    expect(message).toContain('--bogus: unknown flag');
    expect(message).toContain('--api-port (CLUSTER_API_PORT)');
    expect(message).toContain('--database-url (DATABASE_URL)');
    expect(message).not.toContain('secret');
  });

  it('keeps the Temporal block under 32768 (membership ports are a smallint in its schema)', () => {
    expect(() => parseClusterOptions(['--temporal-port', '38287'], {})).toThrow(/--temporal-port \(CLUSTER_TEMPORAL_PORT\): must be at most 32740/);
  });

  it('refuses an API port that lands on a Temporal port', () => {
    expect(() => parseClusterOptions(['--temporal-port', '7000', '--api-port', '7001'], {})).toThrow(/7001 used twice/);
  });
});

type Rpc = { grpcPort: number; membershipPort: number; bindOnIP: string; httpPort?: number };
interface ServerConfig {
  persistence: { datastores: Record<string, { sql: Record<string, unknown> & { databaseName: string } }> };
  services: Record<'frontend' | 'history' | 'matching' | 'worker', { rpc: Rpc }>;
  publicClient: { hostPort: string };
  dynamicConfigClient: { filepath: string };
}

describe('generated configuration', () => {
  const o = parseClusterOptions(['--temporal-port', '7700', '--ui-port', '8700', '--temporal-db', 'tmp_chaos'], {
    CLUSTER_POSTGRES_URL: 'postgres://temporal:p%23ss:word@127.0.0.1:5432/postgres',
  });

  it('the server config: our PostgreSQL and databases, every port on loopback, the dynamic config file', () => {
    const text = toYaml(temporalServerConfig(o, '/data/dynamicconfig.yaml'));
    const cfg = parse(text) as ServerConfig;
    const main = cfg.persistence.datastores['postgres-default']?.sql;
    const visibility = cfg.persistence.datastores['postgres-visibility']?.sql;
    expect(main).toMatchObject({ pluginName: 'postgres12', databaseName: 'tmp_chaos', connectAddr: '127.0.0.1:5432', user: 'temporal', password: 'p#ss:word' });
    expect(visibility?.databaseName).toBe('tmp_chaos_visibility');
    expect(cfg.services.frontend.rpc).toEqual({ grpcPort: 7700, membershipPort: 7720, bindOnIP: '127.0.0.1', httpPort: 7710 });
    for (const s of ['history', 'matching', 'worker'] as const) expect(cfg.services[s].rpc.bindOnIP).toBe('127.0.0.1');
    expect(cfg.publicClient.hostPort).toBe('127.0.0.1:7700');
    expect(cfg.dynamicConfigClient.filepath).toBe('/data/dynamicconfig.yaml');
  });

  it('the dynamic config: one partition per task queue (the API queues rate is one bucket) and update-with-start', () => {
    const dc = parse(toYaml(temporalDynamicConfig())) as Record<string, { value: unknown }[]>;
    expect(dc['matching.numTaskqueueReadPartitions']?.[0]?.value).toBe(1);
    expect(dc['matching.numTaskqueueWritePartitions']?.[0]?.value).toBe(1);
    expect(dc['frontend.enableExecuteMultiOperation']?.[0]?.value).toBe(true);
  });

  it('the Web UI config points at the frontend and binds loopback', () => {
    const ui = parse(toYaml(webUiConfig(o))) as Record<string, unknown>;
    expect(ui).toMatchObject({ temporalGrpcAddress: '127.0.0.1:7700', host: '127.0.0.1', port: 8700, enableUi: true, defaultNamespace: 'default' });
  });

  it("points the Web UI at the API's codec endpoint with the browser's credentials, and lets exactly its origins call it", () => {
    const o = parseClusterOptions(['--temporal-port', '7700', '--ui-port', '8700', '--api-port', '3700'], {});
    const ui = parse(toYaml(webUiConfig(o))) as { codec: Record<string, unknown>; cors: { allowOrigins: string[] } };
    expect(ui.codec).toEqual({ endpoint: 'http://127.0.0.1:3700/codec', passAccessToken: false, includeCredentials: true });
    expect(webUiOrigins(o).sort()).toEqual(['http://127.0.0.1:8700', 'http://localhost:8700']);
    expect(ui.cors.allowOrigins.sort()).toEqual(webUiOrigins(o).sort());
  });

  it('toYaml round-trips nested data, lists of maps and awkward strings', () => {
    const data: YamlValue = { a: [{ b: 1, c: ['x', 'y'] }, { d: true }], 'e f': 'g: #h', i: [], j: {}, k: null, l: 'line\nbreak' };
    expect(parse(toYaml(data))).toEqual(data);
  });
});

describe('search attributes already on a namespace', () => {
  it('reads the CLI listing (custom and system) so only missing ones are created', () => {
    const listing = JSON.stringify({
      customAttributes: { StoreCode: 'INDEXED_VALUE_TYPE_KEYWORD', MissingSkus: 'INDEXED_VALUE_TYPE_KEYWORD_LIST' },
      systemAttributes: { WorkflowType: 'INDEXED_VALUE_TYPE_KEYWORD' },
    });
    const present = new Set(listedSearchAttributes(listing));
    expect(
      searchAttributeFlags()
        .filter((s) => !present.has(s.name))
        .map((s) => s.name),
    ).toEqual(['OrderState', 'OrderNumber', 'DocumentType', 'DocumentFolio', 'SyncProgress', 'CreditNoteFolios', 'SiiStatus']);
  });
});
