/**
 * Which keyring seals the payloads this service puts in Temporal.
 *
 * TEMPORAL_ENCRYPTION_KEYS when it is set. Without it, and only with the embedded dev server
 * (`npm start` with no TEMPORAL_ADDRESS): a development key generated on first start and kept in
 * DATA_DIR (readable by its owner only) beside the dev server's SQLite file, so `npm start` encrypts
 * like production does and its histories still open after a restart. Against a real Temporal there
 * is no such fallback: every API and worker process of a deployment must share the keys, and a key
 * made up by one process would leave the others unable to read what it wrote, so start-up refuses.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { generateKeyringEntry, parseKeyring, type Keyring } from '../crypto/keyring.js';

export const DEV_KEY_FILE = 'temporal-encryption-keys';

export interface ResolvedKeyring {
  keyring: Keyring;
  /** For the start-up log: where the keys came from (never the keys). */
  source: string;
}

export function resolveEncryptionKeyring(config: Pick<Config, 'dataDir'> & { temporal: Pick<Config['temporal'], 'encryptionKeys' | 'address'> }): ResolvedKeyring {
  if (config.temporal.encryptionKeys) return { keyring: config.temporal.encryptionKeys, source: 'TEMPORAL_ENCRYPTION_KEYS' };
  if (config.temporal.address) {
    throw new ConfigError([
      'TEMPORAL_ENCRYPTION_KEYS: required with TEMPORAL_ADDRESS: every payload put in Temporal is encrypted, and all API and worker processes must share the keys (generate one: echo "k1:$(openssl rand -hex 32)")',
    ]);
  }
  const file = join(config.dataDir, DEV_KEY_FILE);
  return { keyring: readOrCreateDevKeyring(file), source: `development key in ${file}` };
}

function readOrCreateDevKeyring(file: string): Keyring {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    mkdirSync(dirname(file), { recursive: true });
    const entry = `${generateKeyringEntry('dev1')}\n`;
    try {
      // `wx`: two starts racing on an empty DATA_DIR keep one key, the first written.
      writeFileSync(file, entry, { mode: 0o600, flag: 'wx' });
      text = entry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      text = readFileSync(file, 'utf8');
    }
  }
  chmodSync(file, 0o600);
  try {
    return parseKeyring(text.trim());
  } catch (err) {
    throw new ConfigError([
      `TEMPORAL_ENCRYPTION_KEYS: unset, and the development key file ${file} does not hold a keyring (${err instanceof Error ? err.message : 'unreadable'}); restore it, or delete it together with the dev server's data under DATA_DIR`,
    ]);
  }
}
