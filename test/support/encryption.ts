/**
 * The payload keys of the test run: every test client and worker seals payloads with them, as
 * production does, and worker or API processes a test starts get them as TEMPORAL_ENCRYPTION_KEYS.
 * A fixed, public key: it protects nothing but makes the tests exercise the real codec.
 */
import { parseKeyring } from '../../src/crypto/keyring.js';
import { encryptedDataConverter } from '../../src/temporal/data-converter.js';

export const TEST_ENCRYPTION_KEYS = `test1:${'5e'.repeat(32)}`;
export const testKeyring = parseKeyring(TEST_ENCRYPTION_KEYS);
export const testDataConverter = encryptedDataConverter(testKeyring);
