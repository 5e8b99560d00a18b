import { DomainError } from './errors.js';

/** The SII's and the merchant's time zone: a document's date is the calendar day there. */
export const CHILE_TIME_ZONE = 'America/Santiago';

// `2023-02-10 13:56:35 UTC` (Jumpseller today), or ISO 8601 with a Z or an offset (older payloads).
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(?:(Z|UTC)|([+-])(\d{2}):?(\d{2}))$/i;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * Milliseconds since 1970-01-01T00:00Z for an instant written as Jumpseller writes them, or null
 * when the text is not one (a time without a zone is refused: its day would be a guess).
 */
export function parseInstant(text: string): number | null {
  const match = INSTANT.exec(text.trim());
  if (match === null) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', utc, sign, offH = '0', offM = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(offH) > 23 || Number(offM) > 59) return null;
  const offsetMinutes = utc !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + millis;
  return local - offsetMinutes * MS_PER_MINUTE;
}

// en-CA formats as yyyy-mm-dd; the time zone rules (daylight saving included) are ICU's. Made once:
// building a formatter costs about a millisecond, formatting with it microseconds.
let chileDayFormat: Intl.DateTimeFormat | null = null;

/** The calendar day (yyyy-mm-dd) in Chile at an instant given as milliseconds since the epoch. */
export function chileDayOf(epochMs: number): string {
  chileDayFormat ??= new Intl.DateTimeFormat('en-CA', { timeZone: CHILE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  return chileDayFormat.format(epochMs);
}

/**
 * The document date for an order paid at `paidAt`: the day of payment in Chile, so an order paid at
 * 22:30 on 31 March in Santiago (01:30 UTC on 1 April) belongs to March's IVA period. Throws
 * DomainError when `paidAt` is not an instant.
 */
export function documentDateFor(paidAt: string): string {
  const epochMs = parseInstant(paidAt);
  if (epochMs === null) throw new DomainError('invalid_instant', `"${paidAt}" is not a date and time with a time zone`);
  return chileDayOf(epochMs);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
