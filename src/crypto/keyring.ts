/**
 * Keyrings: named 32-byte keys for AES-256-GCM, the newest sealing and each one opening what it
 * sealed. One module for both places this service encrypts, so a key rotates the same way in both:
 * the secrets sealed in PostgreSQL (`SECRETS_KEY`) and the payloads sealed in Temporal
 * (`TEMPORAL_ENCRYPTION_KEYS`).
 *
 * The text form, what those variables hold: entries separated by commas, **newest first**, each
 * `id:key`, the key as 64 hex characters or base64 of 32 bytes and the id 1–32 characters of
 * `A-Z a-z 0-9 _ -`. Rotating is putting a new entry first; an old entry stays until nothing sealed
 * with it is left (`npm run secrets:reseal` for the database; Temporal's retention for payloads).
 * One bare key (the form SECRETS_KEY had before it was a keyring) is the entry with id `0`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface KeyringKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  /** What new values are sealed with: the first entry. */
  readonly newest: KeyringKey;
  /** Every key, newest first. */
  readonly keys: readonly KeyringKey[];
  byId(id: string): KeyringKey | undefined;
}

/** A keyring text that does not parse. The message never carries the text (it is a secret). */
export class KeyringFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringFormatError';
  }
}

/** The id a bare key (no `id:`) gets: what SECRETS_KEY values from before keyrings become. */
export const BARE_KEY_ID = '0';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

export function keyringOf(keys: KeyringKey[]): Keyring {
  const first = keys[0];
  if (!first) throw new KeyringFormatError('a keyring needs at least one key');
  const byId = new Map<string, KeyringKey>();
  for (const k of keys) {
    if (!KEY_ID.test(k.id)) throw new KeyringFormatError('a key id is 1 to 32 characters of A-Z, a-z, 0-9, _ and -');
    if (k.key.length !== KEY_BYTES) throw new KeyringFormatError(`key ${k.id} must be ${KEY_BYTES} bytes`);
    if (byId.has(k.id)) throw new KeyringFormatError(`key id ${k.id} appears twice`);
    byId.set(k.id, k);
  }
  const ids = keys.map((k) => k.id);
  const keyring: Keyring = { newest: first, keys: [...keys], byId: (id) => byId.get(id) };
  // Only the ids ever reach a log line or a JSON dump, whoever prints the keyring.
  Object.defineProperties(keyring, {
    toJSON: { value: () => ({ keyIds: ids }) },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `Keyring(${ids.join(', ')})` },
  });
  return keyring;
}

/** Parses the text form (see the module comment); throws KeyringFormatError naming the entry, never its value. */
export function parseKeyring(text: string): Keyring {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new KeyringFormatError('no key given');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? BARE_KEY_ID : entry.slice(0, colon).trim();
    const key = decodeKey(colon === -1 ? entry : entry.slice(colon + 1).trim());
    const which = entries.length > 1 ? `entry ${i + 1}: ` : '';
    if (!KEY_ID.test(id)) throw new KeyringFormatError(`${which}the key id must be 1 to 32 characters of A-Z, a-z, 0-9, _ and - (write entries as id:key)`);
    if (!key) throw new KeyringFormatError(`${which}the key must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)`);
    return { id, key };
  });
  return keyringOf(keys);
}

/** A new keyring entry in the text form, e.g. for a generated development key. */
export function generateKeyringEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new KeyringFormatError('a key id is 1 to 32 characters of A-Z, a-z, 0-9, _ and -');
  return `${id}:${randomBytes(KEY_BYTES).toString('hex')}`;
}

export interface SealedBytes {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM with a fresh random IV. `aad` binds the value to where it belongs (authenticated, not
 * stored): a sealed value moved elsewhere does not open.
 */
export function sealBytes(key: KeyringKey, plaintext: Uint8Array, aad: Uint8Array): SealedBytes {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Opens what sealBytes sealed; throws when the key, the aad or any byte differs. */
export function openBytes(key: KeyringKey, sealed: SealedBytes, aad: Uint8Array): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new Error('malformed sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}
