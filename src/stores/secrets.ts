/**
 * Secrets at rest: AES-256-GCM with `SECRETS_KEY`. A sealed value is `v1.<iv>.<tag>.<ciphertext>`
 * (base64url), so a row can be read without knowing the format version and a future key rotation
 * can add `v2`. The associated data binds a secret to its purpose and store (e.g.
 * `credentials:mystore`): a sealed value copied into another row or column does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: wrong key, wrong context, or tampered. Never carries the value. */
export class SecretOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretOpenError';
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
}

export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function openSecret(key: Buffer, sealed: string, context: string): string {
  checkKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretOpenError(`sealed ${context} is not in the ${VERSION} format`);
  const [, iv, tag, ciphertext] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretOpenError(`sealed ${context} does not open with this SECRETS_KEY (wrong key, or the value was altered)`);
  }
}

export function sealJson(key: Buffer, value: unknown, context: string): string {
  return sealSecret(key, JSON.stringify(value), context);
}

export function openJson(key: Buffer, sealed: string, context: string): unknown {
  return JSON.parse(openSecret(key, sealed, context)) as unknown;
}
