import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { DEV_KEY_FILE, resolveEncryptionKeyring } from '../../../src/temporal/encryption-keys.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'jr-keys-'));

describe('which keys seal payloads in Temporal', () => {
  it('uses TEMPORAL_ENCRYPTION_KEYS when set', () => {
    const r = resolveEncryptionKeyring(loadConfig({ TEMPORAL_ENCRYPTION_KEYS: `k2:${'22'.repeat(32)},k1:${'11'.repeat(32)}`, DATA_DIR: freshDir() }));
    expect(r.keyring.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(r.source).toBe('TEMPORAL_ENCRYPTION_KEYS');
  });

  it('with the embedded dev server and no keys: makes a development key in DATA_DIR (owner-only) and keeps using it', () => {
    const dir = freshDir();
    const first = resolveEncryptionKeyring(loadConfig({ DATA_DIR: dir }));
    const file = join(dir, DEV_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.source).toContain(file);
    const again = resolveEncryptionKeyring(loadConfig({ DATA_DIR: dir }));
    expect(again.keyring.newest.key).toEqual(first.keyring.newest.key);
    expect(readFileSync(file, 'utf8')).toMatch(/^dev1:[0-9a-f]{64}\n$/);
  });

  it('refuses to start against a real Temporal without TEMPORAL_ENCRYPTION_KEYS, and makes no key file', () => {
    const dir = freshDir();
    expect(() => resolveEncryptionKeyring(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', DATA_DIR: dir }))).toThrow(/TEMPORAL_ENCRYPTION_KEYS: required with TEMPORAL_ADDRESS/);
    expect(() => statSync(join(dir, DEV_KEY_FILE))).toThrow();
  });

  it('refuses a development key file that does not hold a keyring, and a malformed variable', () => {
    const dir = freshDir();
    writeFileSync(join(dir, DEV_KEY_FILE), 'garbage');
    expect(() => resolveEncryptionKeyring(loadConfig({ DATA_DIR: dir }))).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_ENCRYPTION_KEYS: 'k1:tooshort' })).toThrow(/TEMPORAL_ENCRYPTION_KEYS: the key must be 32 bytes/);
  });
});
