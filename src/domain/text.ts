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

// Separators a cut may leave dangling at the end ("Venta de ropa," → "Venta de ropa").
const TRAILING_SEPARATORS = /[\s,;:\-–—/&(]+$/u;

/**
 * At most `max` characters (code points), cut at the last word boundary that fits so no word is cut
 * in half ("Venta al por menor de artículos deportivos" at 40 → "Venta al por menor de artículos"),
 * with separators left dangling by the cut removed. When the last boundary would keep less than half
 * of `max` (one very long word), the text is cut at `max` instead: losing most of it is worse than a
 * cut word, and the result is never empty.
 */
export function truncateAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max + 1).join('');
  const lastSpace = head.search(/\s\S*$/u);
  const hardCut = chars.slice(0, max).join('').trimEnd();
  if (lastSpace <= 0) return hardCut;
  const cleaned = head.slice(0, lastSpace).replace(TRAILING_SEPARATORS, '');
  return Array.from(cleaned).length * 2 < max ? hardCut : cleaned;
}
