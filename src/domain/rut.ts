import { DomainError } from './errors.js';

/** A RUT that passed the módulo 11 check, in the canonical form the SII and relBase expect. */
export interface ValidRut {
  readonly ok: true;
  /** `digits-DV`, no dots, upper-case K, no leading zeros: `76192083-9`. */
  readonly rut: string;
  readonly body: string;
  readonly dv: string;
}

/** Why a text is not a RUT, in words an operator can act on. */
export interface InvalidRut {
  readonly ok: false;
  readonly reason: string;
}

export type ParsedRut = ValidRut | InvalidRut;

const MAX_BODY_DIGITS = 8;

// Customers type hyphens of every kind; they are removed and the DV is always the last character.
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212]/g;

/**
 * Strips dots, whitespace and hyphens wherever they are, upper-cases the K, and puts one hyphen
 * before the last character: ' 76.192.083 - k ' → '76192083-K'. Does not validate.
 */
export function cleanRut(input: string): string {
  const compact = input.replace(SEPARATORS, '').toUpperCase();
  if (compact.length < 2) return compact;
  return `${compact.slice(0, -1)}-${compact.slice(-1)}`;
}

/** The módulo 11 check digit ('0'–'9' or 'K') of a RUT body; throws DomainError unless `digits` is all digits. */
export function computeRutDv(digits: string): string {
  if (!/^\d+$/.test(digits)) {
    throw new DomainError('invalid_rut_digits', `a RUT body is digits only, got "${digits}"`);
  }
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * weight;
    weight = weight === 7 ? 2 : weight + 1;
  }
  const r = 11 - (sum % 11);
  if (r === 11) return '0';
  if (r === 10) return 'K';
  return String(r);
}

/**
 * Reads a RUT typed in any common format and checks its DV; the reason names what is wrong, with the
 * RUT masked (maskRut) because reasons end up in Temporal memos, the `orders` table and logs.
 */
export function parseRut(input: string | null | undefined): ParsedRut {
  if (input === null || input === undefined || input.trim() === '') {
    return { ok: false, reason: 'the RUT is empty' };
  }
  const cleaned = cleanRut(input);
  const shown = maskRut(input);
  const match = /^(\d+)-([\dK])$/.exec(cleaned);
  if (match === null) {
    return {
      ok: false,
      reason: `the RUT given (${shown}) is not a RUT: expected digits and a check digit (0-9 or K), like 76.192.083-9`,
    };
  }
  const [, rawBody = '', dv = ''] = match;
  const body = rawBody.replace(/^0+/, '');
  if (body === '') return { ok: false, reason: 'the RUT given is not a RUT: the number is zero' };
  if (body.length > MAX_BODY_DIGITS) {
    return { ok: false, reason: `the RUT given (${shown}) is not a RUT: it has ${body.length} digits before the check digit, at most ${MAX_BODY_DIGITS}` };
  }
  const expected = computeRutDv(body);
  if (dv !== expected) {
    return { ok: false, reason: `the RUT ${shown} has check digit ${dv}, but its number needs ${expected}` };
  }
  return { ok: true, rut: `${body}-${dv}`, body, dv };
}

/**
 * A RUT as it may appear in a reason, a log or a memo: '76192083-9' → '76.1xx.xxx-9'. The first
 * three digits (one when the number has fewer than six) and the check digit stay, enough for an
 * operator to match it against the order; the rest is hidden. Text that is not shaped like a RUT
 * is told only by its length, since it may be anything the customer typed.
 */
export function maskRut(input: string): string {
  const match = /^(\d+)-([\dK])$/.exec(cleanRut(input));
  if (match === null) return `${Array.from(input.trim()).length} characters`;
  const [, rawBody = '', dv = ''] = match;
  const body = rawBody.replace(/^0+/, '') || '0';
  const kept = body.length >= 6 ? 3 : 1;
  const masked = body.slice(0, kept) + 'x'.repeat(body.length - kept);
  return `${masked.replace(/\B(?=(.{3})+$)/g, '.')}-${dv}`;
}

/** A valid RUT written for people: '76192083-9' → '76.192.083-9'; throws DomainError for an invalid RUT. */
export function formatRutWithDots(input: string): string {
  const parsed = parseRut(input);
  if (!parsed.ok) throw new DomainError('invalid_rut', parsed.reason);
  const grouped = parsed.body.replace(/\B(?=(\d{3})+$)/g, '.');
  return `${grouped}-${parsed.dv}`;
}
