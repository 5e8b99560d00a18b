/**
 * The payload codec on every client and worker: each payload (workflow and activity inputs and
 * results, signals, updates, queries, memo, and failure messages through the failure converter) is
 * sealed with AES-256-GCM under the newest key of TEMPORAL_ENCRYPTION_KEYS before it reaches Temporal,
 * so the server's database and anyone reading histories without the key see no personal data.
 *
 * An encrypted payload is `{ metadata: { encoding: "binary/encrypted", "encryption-key-id": id },
 * data: iv ‖ ciphertext ‖ tag }` over the original payload's protobuf bytes, the layout of Temporal's
 * encryption samples. Decoding opens it with the key its id names, so rotated keys keep opening old
 * histories. A payload that is not encrypted passes through untouched: histories written before the
 * codec existed still replay, and a value sent by a client without the key (e.g. the `temporal` CLI)
 * still arrives. Search attributes are not payloads a codec sees: they must never hold personal data.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS module whose exports Node cannot list for a named ESM import: take the default.
import proto from '@temporalio/proto';
import { IV_BYTES, openBytes, sealBytes, TAG_BYTES, type Keyring } from '../crypto/keyring.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** Authenticated with the ciphertext: a payload cannot be relabelled with another key id. */
const aadFor = (keyId: string) => utf8(`temporal-payload:${keyId}`);

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export function isEncryptedPayload(p: Payload): boolean {
  const encoding = p.metadata?.['encoding'];
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((p) => this.seal(p)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((p) => this.open(p)));
  }

  private seal(payload: Payload): Payload {
    const key = this.keyring.newest;
    const plaintext = ProtoPayload.encode(payload).finish();
    const sealed = sealBytes(key, plaintext, aadFor(key.id));
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(key.id) },
      data: Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]),
    };
  }

  private open(payload: Payload): Payload {
    if (!isEncryptedPayload(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = idBytes ? Buffer.from(idBytes).toString('utf8') : '';
    const key = this.keyring.byId(keyId);
    // Thrown, not passed through: the worker then retries the task, which succeeds once the key is back.
    if (!key)
      throw new PayloadDecryptionError(
        `a payload is sealed with key id "${keyId}", which TEMPORAL_ENCRYPTION_KEYS does not hold (keys: ${this.keyring.keys.map((k) => k.id).join(', ')})`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload sealed with key "${keyId}" is too short to be one`);
    let plaintext: Buffer;
    try {
      plaintext = openBytes(
        key,
        { iv: data.subarray(0, IV_BYTES), ciphertext: data.subarray(IV_BYTES, data.length - TAG_BYTES), tag: data.subarray(data.length - TAG_BYTES) },
        aadFor(keyId),
      );
    } catch {
      throw new PayloadDecryptionError(`a payload does not open with key "${keyId}" (another key under that id, or the payload was altered)`);
    }
    return ProtoPayload.decode(plaintext);
  }
}

/** The codec interface is asynchronous; the work is not. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
