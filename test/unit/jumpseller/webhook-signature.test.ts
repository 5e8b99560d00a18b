import { describe, expect, it } from 'vitest';
import { signJumpsellerBody, verifyJumpsellerSignature, WebhookSignatureError } from '../../../src/jumpseller/webhook-signature.js';

// Computed independently of this code:
//   printf '%s' '{"order":{"id":10732902,"status_enum":"paid","total":11990.0}}' | openssl dgst -sha256 -hmac 'hooks-token-4f2a9c' -binary | base64
const BODY = '{"order":{"id":10732902,"status_enum":"paid","total":11990.0}}';
const TOKEN = 'hooks-token-4f2a9c';
const OPENSSL_SIGNATURE = 'NopNV8zTS5B3MPJx8/x6YtNgB17giyyMaXP/XKxAMxY=';

function failureReason(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.reason;
    throw err;
  }
}

describe('Jumpseller webhook signature', () => {
  it('signs like openssl does', () => {
    expect(signJumpsellerBody(BODY, TOKEN)).toBe(OPENSSL_SIGNATURE);
    expect(signJumpsellerBody(new TextEncoder().encode(BODY), TOKEN)).toBe(OPENSSL_SIGNATURE);
  });

  it('accepts the known vector, from a string or from raw bytes', () => {
    expect(failureReason(() => verifyJumpsellerSignature(BODY, OPENSSL_SIGNATURE, TOKEN))).toBeNull();
    expect(failureReason(() => verifyJumpsellerSignature(Buffer.from(BODY), OPENSSL_SIGNATURE, TOKEN))).toBeNull();
  });

  it('rejects a wrong token and a tampered body as a mismatch', () => {
    expect(failureReason(() => verifyJumpsellerSignature(BODY, OPENSSL_SIGNATURE, 'another-token'))).toBe('mismatch');
    const tampered = BODY.replace('11990.0', '1.0');
    expect(failureReason(() => verifyJumpsellerSignature(tampered, OPENSSL_SIGNATURE, TOKEN))).toBe('mismatch');
  });

  it('rejects a missing header', () => {
    expect(failureReason(() => verifyJumpsellerSignature(BODY, undefined, TOKEN))).toBe('missing');
    expect(failureReason(() => verifyJumpsellerSignature(BODY, null, TOKEN))).toBe('missing');
    expect(failureReason(() => verifyJumpsellerSignature(BODY, '  ', TOKEN))).toBe('missing');
  });

  it('rejects a header that is not base64 of 32 bytes as malformed', () => {
    const hex = Buffer.from(OPENSSL_SIGNATURE, 'base64').toString('hex'); // the wrong encoding some receivers use
    for (const bad of ['not base64 at all!', hex, Buffer.from('short').toString('base64'), `${OPENSSL_SIGNATURE}AAAA`]) {
      expect(
        failureReason(() => verifyJumpsellerSignature(BODY, bad, TOKEN)),
        bad,
      ).toBe('malformed');
    }
  });

  it('keeps the token out of the error message', () => {
    try {
      verifyJumpsellerSignature(BODY, OPENSSL_SIGNATURE, 'super-secret-token');
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('super-secret-token');
      expect(JSON.stringify(err)).not.toContain('super-secret-token');
    }
  });
});
