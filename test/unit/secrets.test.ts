import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openJson, openSecret, sealJson, sealSecret, SecretOpenError } from '../../src/stores/secrets.js';

const key = randomBytes(32);
const SECRET = 'access-token-0123456789abcdef';

describe('sealed secrets (AES-256-GCM)', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = sealSecret(key, SECRET, 'credentials:shop');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(Buffer.from(sealed.split('.')[3]!, 'base64url').toString('utf8')).not.toContain(SECRET);
    expect(openSecret(key, sealed, 'credentials:shop')).toBe(SECRET);
  });

  it('uses a fresh IV every time: the same secret seals differently', () => {
    expect(sealSecret(key, SECRET, 'c')).not.toBe(sealSecret(key, SECRET, 'c'));
  });

  it('refuses another key, another context (a value copied to another store) and any altered byte', () => {
    const sealed = sealSecret(key, SECRET, 'credentials:shop');
    expect(() => openSecret(randomBytes(32), sealed, 'credentials:shop')).toThrow(SecretOpenError);
    expect(() => openSecret(key, sealed, 'credentials:other-shop')).toThrow(SecretOpenError);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    expect(() => openSecret(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'), 'credentials:shop')).toThrow(SecretOpenError);
    expect(() => openSecret(key, 'not-sealed', 'credentials:shop')).toThrow(/v1 format/);
  });

  it('never puts the secret in its error messages', () => {
    const sealed = sealSecret(key, SECRET, 'a');
    try {
      openSecret(randomBytes(32), sealed, 'a');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it('seals JSON', () => {
    const value = { jumpseller: { accessToken: 'a', refreshToken: 'r' }, relbase: null };
    expect(openJson(key, sealJson(key, value, 'x'), 'x')).toEqual(value);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => sealSecret(randomBytes(16), SECRET, 'x')).toThrow(/32 bytes/);
  });
});
