/**
 * The data converter every client and worker of this service uses: payloads sealed by the encryption
 * codec, failures with their messages and stack traces moved into an encoded (so sealed) payload.
 * Clients and workers must agree on it; the workflow bundle carries the same failure converter
 * (src/temporal/bundle-workflows.ts).
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Keyring } from '../crypto/keyring.js';
import { EncryptionCodec } from './payload-codec.js';

/** Loaded by path: the bundler puts it in the workflow bundle, the worker requires it for activity failures. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

export function encryptedDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
