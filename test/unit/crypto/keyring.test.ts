import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyringEntry, keyringOf, KeyringFormatError, openBytes, parseKeyring, sealBytes } from '../../../src/crypto/keyring.js';

const hex = (b: number) => Buffer.alloc(32, b).toString('hex');

describe('keyring text form', () => {
  it('reads id:key entries newest first, keys as hex, base64 or base64url', () => {
    const ring = parseKeyring(`new:${hex(2)}, mid:${Buffer.alloc(32, 3).toString('base64')},old:${Buffer.alloc(32, 4).toString('base64url')}`);
    expect(ring.newest.id).toBe('new');
    expect(ring.keys.map((k) => [k.id, k.key[0]])).toEqual([
      ['new', 2],
      ['mid', 3],
      ['old', 4],
    ]);
    expect(ring.byId('mid')?.key).toEqual(Buffer.alloc(32, 3));
    expect(ring.byId('nope')).toBeUndefined();
  });

  it('reads a bare key (SECRETS_KEY before keyrings) as the key with id 0, also beside newer entries', () => {
    expect(parseKeyring(hex(1)).newest.id).toBe('0');
    expect(parseKeyring(`k2:${hex(2)},${hex(1)}`).keys.map((k) => k.id)).toEqual(['k2', '0']);
  });

  it.each([
    ['', /no key given/],
    ['k1:short', /32 bytes/],
    [`k1:${hex(1)}ff`, /32 bytes/],
    [`bad id:${hex(1)}`, /key id/],
    [`k1:${hex(1)},k1:${hex(2)}`, /appears twice/],
    [`${hex(1)},${hex(2)}`, /appears twice/],
    [`k1:${hex(1)},k2:nope`, /entry 2: the key must be 32 bytes/],
  ])('refuses %j with a message that never carries the key', (text, message) => {
    let err: unknown;
    try {
      parseKeyring(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeyringFormatError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(hex(1));
  });

  it('shows only key ids when printed or serialised', () => {
    const ring = parseKeyring(`k2:${hex(2)},k1:${hex(1)}`);
    expect(JSON.stringify({ ring })).toBe('{"ring":{"keyIds":["k2","k1"]}}');
    expect(inspect(ring)).toBe('Keyring(k2, k1)');
  });

  it('generates entries that parse', () => {
    const entry = generateKeyringEntry('dev');
    expect(parseKeyring(entry).newest.id).toBe('dev');
    expect(generateKeyringEntry('dev')).not.toBe(entry);
  });
});

describe('sealBytes / openBytes (AES-256-GCM)', () => {
  const key = keyringOf([{ id: 'a', key: randomBytes(32) }]).newest;
  const aad = Buffer.from('where it belongs');

  it('round-trips, with a fresh IV each time', () => {
    const a = sealBytes(key, Buffer.from('RUT 76.192.083-9'), aad);
    const b = sealBytes(key, Buffer.from('RUT 76.192.083-9'), aad);
    expect(a.iv).not.toEqual(b.iv);
    expect(a.ciphertext.toString('utf8')).not.toContain('76.192.083-9');
    expect(openBytes(key, a, aad).toString()).toBe('RUT 76.192.083-9');
  });

  it('refuses another key, other associated data and altered bytes', () => {
    const sealed = sealBytes(key, Buffer.from('x'), aad);
    expect(() => openBytes({ id: 'a', key: randomBytes(32) }, sealed, aad)).toThrow();
    expect(() => openBytes(key, sealed, Buffer.from('elsewhere'))).toThrow();
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] = tampered.ciphertext[0]! ^ 1;
    expect(() => openBytes(key, tampered, aad)).toThrow();
  });
});
