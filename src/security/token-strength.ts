/**
 * Whether a bearer token is fit to guard the service: long, not a placeholder copied from the docs,
 * and not guessable (repeated characters, a repeated pattern, a run along the keyboard or the
 * alphabet). A token that fails is refused at start, so a quick-start value never reaches production.
 *
 * The entropy figure is estimated from the token's own characters (length × Shannon entropy of their
 * frequencies): it cannot prove a token random, only catch the ones that plainly are not. Generated
 * tokens (`openssl rand -hex 32`, `npm run ops -- new-token <name>`) pass with a wide margin.
 */
import { createHash } from 'node:crypto';

export const MIN_TOKEN_LENGTH = 16;
/**
 * The estimate's floor. A 16-character sample can show at most 64 bits however random it is, and
 * `openssl rand -hex 8` (16 random hex digits) estimates about 50; repeated or few characters fall far
 * below. Generated 32-byte tokens estimate well over 200.
 */
export const MIN_TOKEN_BITS = 40;

/** Values from documentation and quick starts; normalised (lower case, letters and digits only). */
const PLACEHOLDER_WORDS = ['changeme', 'changethis', 'replaceme', 'placeholder', 'yourtoken', 'yoursecret', 'example', 'randomstring', 'password', 'secret', 'letmein'];

/** Exact values refused even when hashed (ADMIN_TOKENS): the placeholders people actually paste. */
export const PLACEHOLDER_VALUES = [
  'change-me-to-a-long-random-string',
  'changeme',
  'change-me',
  'changemechangeme',
  'replace-me',
  'placeholder',
  'your-token-here',
  'secret',
  'password',
  'admin',
  '',
];

/** Characters next to each other in these count as a predictable step. */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890'];

export function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Estimated bits: length × Shannon entropy of the token's character frequencies. */
export function estimatedBits(token: string): number {
  const chars = [...token];
  const counts = new Map<string, number>();
  for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** True when the token is a shorter unit repeated (`abcabcabc…`), with or without a partial tail. */
function isRepeatedUnit(token: string): boolean {
  for (let unit = 1; unit <= token.length / 2; unit++) {
    let repeats = true;
    for (let i = unit; i < token.length && repeats; i++) repeats = token[i] === token[i - unit];
    if (repeats) return true;
  }
  return false;
}

/** Share of neighbouring pairs that step along the alphabet, the digits or a keyboard row (either way). */
function sequentialShare(token: string): number {
  const t = token.toLowerCase();
  if (t.length < 2) return 0;
  let steps = 0;
  for (let i = 1; i < t.length; i++) {
    const pair = t[i - 1]! + t[i]!;
    const reversed = t[i]! + t[i - 1]!;
    if (SEQUENCES.some((s) => s.includes(pair) || s.includes(reversed))) steps++;
  }
  return steps / (t.length - 1);
}

/** Why the token is unfit, in words fit for a start-up error (never quoting it); undefined when fit. */
export function tokenWeakness(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH) return `must be at least ${MIN_TOKEN_LENGTH} characters`;
  // Letters for the digits and signs people swap in (p4ssw0rd), then letters only.
  const normalised = token
    .toLowerCase()
    .replace(/[0134578@$]/g, (ch) => ({ '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's' })[ch] ?? ch)
    .replace(/[^a-z]/g, '');
  if (PLACEHOLDER_VALUES.includes(token) || PLACEHOLDER_WORDS.some((w) => normalised.includes(w))) {
    return 'is a placeholder, not a secret: generate one with `openssl rand -hex 32`';
  }
  if (isRepeatedUnit(token)) return 'repeats one short pattern: generate one with `openssl rand -hex 32`';
  if (sequentialShare(token) > 0.5) return 'runs along the keyboard or the alphabet: generate one with `openssl rand -hex 32`';
  if (estimatedBits(token) < MIN_TOKEN_BITS) return 'has too little entropy (too few different characters): generate one with `openssl rand -hex 32`';
  return undefined;
}

/** The placeholder values' SHA-256 digests (hex), to refuse a placeholder that was hashed. */
export const PLACEHOLDER_DIGESTS = new Set(PLACEHOLDER_VALUES.map((v) => sha256(v).toString('hex')));
