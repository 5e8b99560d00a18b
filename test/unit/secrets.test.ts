import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyringOf, parseKeyring } from '../../src/crypto/keyring.js';
import { needsReseal, openJson, openSecret, sealedKeyId, sealJson, sealSecret, SecretOpenError } from '../../src/stores/secrets.js';

const oldKey = { id: 'k1', key: randomBytes(32) };
const newKey = { id: 'k2', key: randomBytes(32) };
const ring = keyringOf([oldKey]);
const rotated = keyringOf([newKey, oldKey]);
const SECRET = 'access-token-0123456789abcdef';

/** What SECRETS_KEY values looked like before keyrings (a v1 value, no key id), sealed the way that code did. */
function sealV1(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

describe('sealed secrets (AES-256-GCM, SECRETS_KEY keyring)', () => {
  it('opens what it sealed, names the key in the sealed text, and the sealed text does not contain the secret', () => {
    const sealed = sealSecret(ring, SECRET, 'credentials:shop');
    expect(sealed).toMatch(/^v2\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealedKeyId(sealed)).toBe('k1');
    expect(sealed).not.toContain(SECRET);
    expect(Buffer.from(sealed.split('.')[4]!, 'base64url').toString('utf8')).not.toContain(SECRET);
    expect(openSecret(ring, sealed, 'credentials:shop')).toBe(SECRET);
  });

  it('uses a fresh IV every time: the same secret seals differently', () => {
    expect(sealSecret(ring, SECRET, 'c')).not.toBe(sealSecret(ring, SECRET, 'c'));
  });

  it('seals with the newest key and still opens values sealed with an older one, by its id', () => {
    const old = sealSecret(ring, SECRET, 'c');
    const fresh = sealSecret(rotated, SECRET, 'c');
    expect(sealedKeyId(fresh)).toBe('k2');
    expect(openSecret(rotated, old, 'c')).toBe(SECRET);
    expect(openSecret(rotated, fresh, 'c')).toBe(SECRET);
    expect(needsReseal(rotated, old)).toBe(true);
    expect(needsReseal(rotated, fresh)).toBe(false);
  });

  it('opens values sealed before keyrings (v1, no key id) with whichever key of the ring fits', () => {
    const legacy = sealV1(oldKey.key, SECRET, 'hooks-token:shop');
    expect(openSecret(rotated, legacy, 'hooks-token:shop')).toBe(SECRET);
    expect(openSecret(parseKeyring(oldKey.key.toString('hex')), legacy, 'hooks-token:shop')).toBe(SECRET);
    expect(sealedKeyId(legacy)).toBeUndefined();
    expect(needsReseal(rotated, legacy)).toBe(true);
    expect(() => openSecret(keyringOf([newKey]), legacy, 'hooks-token:shop')).toThrow(SecretOpenError);
  });

  it('says which key id is missing when the ring no longer holds it', () => {
    const old = sealSecret(ring, SECRET, 'c');
    expect(() => openSecret(keyringOf([newKey]), old, 'c')).toThrow(/key id k1, which SECRETS_KEY does not hold \(keys: k2\)/);
  });

  it('refuses a different key under the same id, another context (a value copied to another store) and any altered byte', () => {
    const sealed = sealSecret(ring, SECRET, 'credentials:shop');
    expect(() => openSecret(keyringOf([{ id: 'k1', key: randomBytes(32) }]), sealed, 'credentials:shop')).toThrow(SecretOpenError);
    expect(() => openSecret(ring, sealed, 'credentials:other-shop')).toThrow(SecretOpenError);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    expect(() => openSecret(ring, [...parts.slice(0, 4), ct.toString('base64url')].join('.'), 'credentials:shop')).toThrow(SecretOpenError);
    // Pointing a value at another key id is tampering too.
    expect(() => openSecret(rotated, ['v2', 'k2', ...parts.slice(2)].join('.'), 'credentials:shop')).toThrow(SecretOpenError);
    expect(() => openSecret(ring, 'not-sealed', 'credentials:shop')).toThrow(/neither the v2 nor the v1 format/);
  });

  it('never puts the secret in its error messages', () => {
    const sealed = sealSecret(ring, SECRET, 'a');
    try {
      openSecret(keyringOf([{ id: 'k1', key: randomBytes(32) }]), sealed, 'a');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it('seals JSON', () => {
    const value = { jumpseller: { accessToken: 'a', refreshToken: 'r' }, relbase: null };
    expect(openJson(ring, sealJson(ring, value, 'x'), 'x')).toEqual(value);
  });
});
