/**
 * Jumpseller webhook authenticity: `Jumpseller-Hmac-Sha256` is base64(HMAC-SHA256(raw body bytes))
 * keyed by the store's hooks token. Verify on the raw bytes before any parsing (re-serialised JSON
 * would not match), and compare in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Jumpseller-Hmac-Sha256';

export type WebhookSignatureFailure = 'missing' | 'malformed' | 'mismatch';

/** A webhook whose signature does not prove it came from the store. Never carries the token. */
export class WebhookSignatureError extends Error {
  constructor(readonly reason: WebhookSignatureFailure) {
    super(`Jumpseller webhook signature ${reason}`);
    this.name = 'WebhookSignatureError';
  }
}

const SHA256_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function digest(rawBody: Uint8Array | string, hooksToken: string): Buffer {
  return createHmac('sha256', hooksToken).update(rawBody).digest();
}

/** The header value Jumpseller would send for this body (used by the simulator and tests). */
export function signJumpsellerBody(rawBody: Uint8Array | string, hooksToken: string): string {
  return digest(rawBody, hooksToken).toString('base64');
}

export function verifyJumpsellerSignature(rawBody: Uint8Array | string, header: string | null | undefined, hooksToken: string): void {
  const value = header?.trim();
  if (!value) throw new WebhookSignatureError('missing');
  // Buffer.from(…, 'base64') silently skips junk, so check the alphabet before decoding.
  const given = BASE64.test(value) ? Buffer.from(value, 'base64') : null;
  if (!given || given.length !== SHA256_BYTES) throw new WebhookSignatureError('malformed');
  if (!timingSafeEqual(given, digest(rawBody, hooksToken))) throw new WebhookSignatureError('mismatch');
}
