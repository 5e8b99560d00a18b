import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { keyringOf } from '../../../src/crypto/keyring.js';
import { failureConverter } from '../../../src/temporal/failure-converter.js';
import { EncryptionCodec, ENCRYPTED_ENCODING, isEncryptedPayload, KEY_ID_METADATA, PayloadDecryptionError } from '../../../src/temporal/payload-codec.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const receiver = { rut: '76.192.083-9', razonSocial: 'Comercial Ejemplo SpA', direccion: 'Av. Providencia 1234, Santiago' };
const toPayload = (v: unknown) => defaultPayloadConverter.toPayload(v);
const text = (p: Payload) =>
  Buffer.from(p.data ?? new Uint8Array()).toString('latin1') + JSON.stringify(Object.values(p.metadata ?? {}).map((m) => Buffer.from(m).toString('latin1')));

describe('payload encryption codec (AES-256-GCM, key ids)', () => {
  const codec = new EncryptionCodec(keyringOf([k1]));

  it('round-trips payloads, and what it produces holds none of the plaintext', async () => {
    const original = [toPayload(receiver), toPayload('plain string'), toPayload(null)];
    const encoded = await codec.encode(original);
    for (const p of encoded) {
      expect(Buffer.from(p.metadata!['encoding']!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(p.metadata![KEY_ID_METADATA]!).toString()).toBe('k1');
      expect(text(p)).not.toMatch(/76\.192\.083-9|Comercial Ejemplo|Providencia|plain string|json\/plain/);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([receiver, 'plain string', null]);
  });

  it('seals the same value differently each time (fresh IV)', async () => {
    const [a] = await codec.encode([toPayload(receiver)]);
    const [b] = await codec.encode([toPayload(receiver)]);
    expect(Buffer.from(a!.data!)).not.toEqual(Buffer.from(b!.data!));
  });

  it('seals with the newest key and opens older payloads by the id they carry (rotation)', async () => {
    const [old] = await codec.encode([toPayload(receiver)]);
    const rotated = new EncryptionCodec(keyringOf([k2, k1]));
    const [fresh] = await rotated.encode([toPayload(receiver)]);
    expect(Buffer.from(fresh!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([receiver, receiver]);
  });

  it('refuses a payload whose key id the ring does not hold, naming the id', async () => {
    const [sealed] = await codec.encode([toPayload(receiver)]);
    await expect(new EncryptionCodec(keyringOf([k2])).decode([sealed!])).rejects.toThrow(/key id "k1", which TEMPORAL_ENCRYPTION_KEYS does not hold \(keys: k2\)/);
  });

  it('refuses the wrong key under the right id, a relabelled key id and any altered byte', async () => {
    const [sealed] = await codec.encode([toPayload(receiver)]);
    await expect(new EncryptionCodec(keyringOf([{ id: 'k1', key: randomBytes(32) }])).decode([sealed!])).rejects.toThrow(PayloadDecryptionError);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(new EncryptionCodec(keyringOf([k1, { id: 'k2', key: k1.key }])).decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
    for (const at of [0, 20, sealed!.data!.length - 1]) {
      const data = Buffer.from(sealed!.data!);
      data[at] = data[at]! ^ 1;
      await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/does not open with key "k1"/);
    }
  });

  it('passes payloads that are not encrypted through (histories from before the codec, the CLI)', async () => {
    const plain = toPayload({ a: 1 });
    expect(isEncryptedPayload(plain)).toBe(false);
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('the failure converter', () => {
  it('moves failure messages and stack traces into a payload, which the codec then seals', async () => {
    const failure = failureConverter.errorToFailure(ApplicationFailure.nonRetryable(`RUT ${receiver.rut} is not valid`, 'InvalidRut'), defaultPayloadConverter);
    expect(failure.message).not.toContain(receiver.rut);
    expect(failure.stackTrace ?? '').not.toContain(receiver.rut);
    const [sealed] = await new EncryptionCodec(keyringOf([k1])).encode([failure.encodedAttributes!]);
    expect(text(sealed!)).not.toContain(receiver.rut);
    const [opened] = await new EncryptionCodec(keyringOf([k1])).decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload<{ message: string }>(opened!).message).toContain(receiver.rut);
  });
});
