/**
 * Secrets at rest: AES-256-GCM with the `SECRETS_KEY` keyring (src/crypto/keyring.ts). A value is
 * sealed with the newest key as `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url) and opened with the
 * key its id names. Values sealed before keyrings, `v1.<iv>.<tag>.<ciphertext>`, carry no id: they
 * open with whichever key of the ring fits (the tag tells), so an old single SECRETS_KEY keeps working
 * as one entry of the ring, and `npm run secrets:reseal` turns them into v2.
 *
 * The associated data binds a secret to its purpose and store (e.g. `credentials:mystore`): a sealed
 * value copied into another row or column does not open.
 */
import { openBytes, sealBytes, type Keyring, type KeyringKey } from '../crypto/keyring.js';

const LEGACY = 'v1';
const CURRENT = 'v2';

/** A sealed value that does not open: no such key, wrong key, wrong context, or tampered. Never carries the value. */
export class SecretOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretOpenError';
  }
}

export function sealSecret(keyring: Keyring, plaintext: string, context: string): string {
  const key = keyring.newest;
  const s = sealBytes(key, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8'));
  return [CURRENT, key.id, s.iv.toString('base64url'), s.tag.toString('base64url'), s.ciphertext.toString('base64url')].join('.');
}

function tryOpen(key: KeyringKey, iv: string, tag: string, ciphertext: string, context: string): string | undefined {
  try {
    const parts = { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') };
    return openBytes(key, parts, Buffer.from(context, 'utf8')).toString('utf8');
  } catch {
    return undefined;
  }
}

export function openSecret(keyring: Keyring, sealed: string, context: string): string {
  const parts = sealed.split('.');
  if (parts[0] === CURRENT && parts.length === 5) {
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = keyring.byId(keyId);
    if (!key) throw new SecretOpenError(`sealed ${context} was sealed with key id ${keyId}, which SECRETS_KEY does not hold (keys: ${keyring.keys.map((k) => k.id).join(', ')})`);
    const opened = tryOpen(key, iv, tag, ciphertext, context);
    if (opened === undefined) throw new SecretOpenError(`sealed ${context} does not open with SECRETS_KEY key ${keyId} (a different key under that id, or the value was altered)`);
    return opened;
  }
  if (parts[0] === LEGACY && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts as [string, string, string, string];
    for (const key of keyring.keys) {
      const opened = tryOpen(key, iv, tag, ciphertext, context);
      if (opened !== undefined) return opened;
    }
    throw new SecretOpenError(`sealed ${context} (sealed before SECRETS_KEY had key ids) opens with none of its keys (wrong key, or the value was altered)`);
  }
  throw new SecretOpenError(`sealed ${context} is in neither the ${CURRENT} nor the ${LEGACY} format`);
}

/** The key id a sealed value names; undefined for a value sealed before key ids (v1) or one that is not sealed. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts[0] === CURRENT && parts.length === 5 ? parts[1] : undefined;
}

/** Whether resealing would change it: sealed before key ids, or with a key other than the newest. */
export function needsReseal(keyring: Keyring, sealed: string): boolean {
  return sealedKeyId(sealed) !== keyring.newest.id;
}

export function sealJson(keyring: Keyring, value: unknown, context: string): string {
  return sealSecret(keyring, JSON.stringify(value), context);
}

export function openJson(keyring: Keyring, sealed: string, context: string): unknown {
  return JSON.parse(openSecret(keyring, sealed, context)) as unknown;
}
