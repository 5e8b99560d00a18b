import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { temporalConnectionOptions } from '../../../src/temporal/connection-options.js';

const dir = mkdtempSync(join(tmpdir(), 'jr-tls-'));
const CERT = '-----BEGIN CERTIFICATE-----\nMIIclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n';
const CA = '-----BEGIN CERTIFICATE-----\nMIIca\n-----END CERTIFICATE-----\n';
writeFileSync(join(dir, 'client.pem'), CERT);
writeFileSync(join(dir, 'client.key'), KEY);
const ADDRESS = 'ns.acct.tmprl.cloud:7233';
const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

const optionsFor = (env: Record<string, string>) => {
  const config = loadConfig({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_ENCRYPTION_KEYS: `k1:${'11'.repeat(32)}`, ...env });
  return temporalConnectionOptions(config.temporal.connection, config.temporal.address!);
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('Temporal connection options from the configuration', () => {
  it('connects in plain text to a local Temporal when nothing is set', () => {
    expect(optionsFor({})).toEqual({ address: ADDRESS });
  });

  it('turns TLS on for an API key (Temporal Cloud), with the key as the bearer', () => {
    expect(optionsFor({ TEMPORAL_API_KEY: 'cloud-api-key' })).toEqual({ address: ADDRESS, tls: true, apiKey: 'cloud-api-key' });
  });

  it('reads the client certificate and key from files (mTLS) and takes the CA and server name', () => {
    const o = optionsFor({
      TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: CA,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(o.address).toBe(ADDRESS);
    const tls = o.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array }; serverRootCACertificate: Uint8Array; serverNameOverride: string };
    expect(text(tls.clientCertPair.crt)).toBe(CERT);
    expect(text(tls.clientCertPair.key)).toBe(KEY);
    expect(text(tls.serverRootCACertificate).trim()).toBe(CA.trim());
    expect(tls.serverNameOverride).toBe('temporal.internal');
    expect(o.apiKey).toBeUndefined();
  });

  it('takes PEM text from *_DATA variables, with \\n written as two characters (one-line .env values)', () => {
    const o = optionsFor({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT.replace(/\n/g, '\\n'), TEMPORAL_TLS_CLIENT_KEY_DATA: KEY });
    const tls = o.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array } };
    expect(text(tls.clientCertPair.crt).trim()).toBe(CERT.trim());
  });

  it('uses TLS with the system CAs when only TEMPORAL_TLS=true is set', () => {
    expect(optionsFor({ TEMPORAL_TLS: 'true' })).toEqual({ address: ADDRESS, tls: {} });
  });

  it('refuses half-done or unsafe set-ups, naming the variable', () => {
    const base = { TEMPORAL_ADDRESS: ADDRESS };
    expect(problemsOf({ ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem') })).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CLIENT_KEY_PATH: required with a client certificate/),
    ]);
    expect(problemsOf({ ...base, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY })).toEqual([expect.stringMatching(/^TEMPORAL_TLS_CLIENT_CERT_PATH: required with a client key/)]);
    expect(problemsOf({ ...base, TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem') })).toEqual(['TEMPORAL_TLS_SERVER_CA_CERT_PATH: no file at that path']);
    expect(problemsOf({ ...base, TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'client.pem'), TEMPORAL_TLS_SERVER_CA_CERT_DATA: CA })[0]).toMatch(
      /^TEMPORAL_TLS_SERVER_CA_CERT_PATH: set either/,
    );
    expect(problemsOf({ ...base, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toEqual([expect.stringMatching(/^TEMPORAL_API_KEY: would be sent without TLS/)]);
    expect(problemsOf({ ...base, TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })[0]).toMatch(/^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported/);
    expect(problemsOf({ TEMPORAL_API_KEY: 'k' })).toEqual([expect.stringMatching(/^TEMPORAL_ADDRESS: required with TEMPORAL_TLS_\* or TEMPORAL_API_KEY/)]);
  });

  it('never echoes the API key or PEM data in its errors', () => {
    const problems = problemsOf({ TEMPORAL_API_KEY: 'secret-api-key-value', TEMPORAL_TLS_CLIENT_KEY_DATA: KEY });
    expect(problems.join('\n')).not.toContain('secret-api-key-value');
    expect(problems.join('\n')).not.toContain('MIIkey');
  });
});
