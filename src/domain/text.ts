/**
 * Text as people type it, reduced to what matters for matching: no accents, lower case, single
 * spaces, no trailing colon or asterisk ("Razón  Social:*" → "razon social").
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s:*]+$/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Trimmed text with inner whitespace runs collapsed to one space; null when nothing is left. */
export function cleanText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const cleaned = text.replace(/\s+/gu, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** At most `max` characters, counted as code points so an emoji or accented letter is never split in half. */
export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('').trimEnd();
}
