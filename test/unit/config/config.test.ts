import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, requireExternalServices, useSandbox } from '../../../src/config.js';

const store = {
  JUMPSELLER_STORE_CODE: 'mystore',
  JUMPSELLER_LOGIN: 'login-abc',
  JUMPSELLER_AUTH_TOKEN: 'js-secret-token-123',
  JUMPSELLER_HOOKS_TOKEN: 'hooks-secret-456',
  RELBASE_USER_TOKEN: 'rb-user-secret-789',
  RELBASE_COMPANY_TOKEN: 'rb-company-secret-000',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.temporal.address).toBeUndefined();
    expect(c.temporal.namespace).toBe('default');
    expect(c.temporal.uiPort).toBe(8233);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.jumpseller.apiUrl).toBe('https://api.jumpseller.com/v1');
    expect(c.relbase.apiUrl).toBe('https://api.relbase.cl/api/v1');
    expect(c.singleStore).toBeUndefined();
    expect(useSandbox(c)).toBe(true);
  });

  it('takes LOG_FORMAT json or pretty; unset or empty leaves the choice to the terminal', () => {
    expect(loadConfig({}).logFormat).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: '' }).logFormat).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual([expect.stringMatching(/^LOG_FORMAT: must be json or pretty/)]);
  });

  it('takes INSTALL_AUTO_APPROVE_STORES as * or store codes; unset approves none', () => {
    expect(loadConfig({}).installAutoApprove).toEqual([]);
    expect(loadConfig({ INSTALL_AUTO_APPROVE_STORES: '*' }).installAutoApprove).toBe('*');
    expect(loadConfig({ INSTALL_AUTO_APPROVE_STORES: 'Tienda-1, otra ' }).installAutoApprove).toEqual(['tienda-1', 'otra']);
    expect(problemsOf({ INSTALL_AUTO_APPROVE_STORES: 'https://x.cl' })).toEqual([expect.stringMatching(/^INSTALL_AUTO_APPROVE_STORES: must be \* or Jumpseller store codes/)]);
  });

  it('runs workers unversioned unless TEMPORAL_WORKER_BUILD_ID is set; then they join the deployment and promote their build by default', () => {
    expect(loadConfig({}).temporal.versioning).toEqual({ deploymentName: 'jumpseller-relbase', buildId: undefined, promoteOnStart: true });
    expect(describeConfig(loadConfig({})).workerVersioning).toBe('unversioned');
    const c = loadConfig({ TEMPORAL_WORKER_BUILD_ID: 'v1.4.0+abc123', TEMPORAL_WORKER_DEPLOYMENT: 'shop-sync', TEMPORAL_WORKER_PROMOTE: 'false' });
    expect(c.temporal.versioning).toEqual({ deploymentName: 'shop-sync', buildId: 'v1.4.0+abc123', promoteOnStart: false });
    expect(describeConfig(c).workerVersioning).toBe('shop-sync build v1.4.0+abc123');
  });

  it('names a build id or deployment name Temporal would refuse', () => {
    const problems = problemsOf({ TEMPORAL_WORKER_BUILD_ID: 'has space', TEMPORAL_WORKER_DEPLOYMENT: 'dotted.name', TEMPORAL_WORKER_PROMOTE: 'maybe' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['TEMPORAL_WORKER_BUILD_ID', 'TEMPORAL_WORKER_DEPLOYMENT', 'TEMPORAL_WORKER_PROMOTE']);
  });

  it('names PORT when it is not a number', () => {
    const problems = problemsOf({ PORT: 'abc' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT: /);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: '70000', DATABASE_URL: 'not a url', SANDBOX: 'maybe', SECRETS_KEY: 'short' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT', 'SANDBOX', 'SECRETS_KEY']);
  });

  it('never echoes a bad value, which may be a secret', () => {
    const err = (() => {
      try {
        loadConfig({ SECRETS_KEY: 'very-secret-but-wrong-length', ADMIN_TOKEN: 'tiny' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected failure');
    })();
    expect(err.message).toContain('SECRETS_KEY');
    expect(err.message).toContain('ADMIN_TOKEN');
    expect(err.message).not.toContain('very-secret-but-wrong-length');
    expect(err.message).not.toContain('tiny');
  });

  it('takes a complete single store and turns the sandbox off', () => {
    const c = loadConfig({ ...store, RELBASE_WAREHOUSE_ID: '2943' });
    expect(c.singleStore).toMatchObject({ code: 'mystore', relbaseWarehouseId: 2943 });
    expect(useSandbox(c)).toBe(false);
  });

  it('refuses a partial single store, naming what is missing', () => {
    const { RELBASE_COMPANY_TOKEN: _omit, ...partial } = store;
    const problems = problemsOf(partial);
    expect(problems).toEqual([expect.stringMatching(/^RELBASE_COMPANY_TOKEN: required when/)]);
  });

  it('accepts a 32-byte secrets key as hex or base64: a keyring of one key, id 0', () => {
    expect(loadConfig({ SECRETS_KEY: 'ab'.repeat(32) }).secretsKeyring?.newest).toEqual({ id: '0', key: Buffer.alloc(32, 0xab) });
    expect(loadConfig({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).secretsKeyring?.newest.key).toEqual(Buffer.alloc(32, 7));
  });

  it('takes SECRETS_KEY as a keyring, newest first', () => {
    const ring = loadConfig({ SECRETS_KEY: `2024b:${'cd'.repeat(32)}, ${'ab'.repeat(32)}` }).secretsKeyring!;
    expect(ring.newest.id).toBe('2024b');
    expect(ring.keys.map((k) => k.id)).toEqual(['2024b', '0']);
  });

  it('describes itself without any credential', () => {
    const c = loadConfig({ ...store, DATABASE_URL: 'postgres://app:db-password-1@db:5432/app', ADMIN_TOKEN: 'admin-token-0123456789' });
    const text = JSON.stringify(describeConfig(c));
    for (const secret of [...Object.values(store).slice(1), 'db-password-1', 'admin-token-0123456789']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('mystore');
  });
});

describe('requireExternalServices', () => {
  it('names what `npm run api` and `npm run worker` need when it is missing', () => {
    expect(() => requireExternalServices(loadConfig({}), 'npm run api')).toThrow(/DATABASE_URL: required by `npm run api`[\s\S]*TEMPORAL_ADDRESS/);
    expect(requireExternalServices(loadConfig({ DATABASE_URL: 'postgres://a@b/c', TEMPORAL_ADDRESS: 't:7233' }), 'npm run worker')).toEqual({
      databaseUrl: 'postgres://a@b/c',
      temporalAddress: 't:7233',
    });
  });
});
