/**
 * relBase's searches are fuzzy (products) or substring (customers, documents), so every lookup
 * re-checks the candidates exactly on our side. These are the equality rules.
 */

/** SKU equality: exact and case-sensitive, ignoring surrounding spaces typed into either system. */
export function sameProductCode(a: string | null, b: string): boolean {
  return a !== null && a.trim() === b.trim();
}

/** `76.192.083-k` → `76192083-K`: relBase users type RUTs with or without dots and in either case. */
export function normaliseRut(rut: string): string {
  return rut.replace(/[.\s]/g, '').toUpperCase();
}

export function sameRut(a: string, b: string): boolean {
  return normaliseRut(a) === normaliseRut(b);
}

/** A place name as people type it: accents, case, punctuation and spacing ignored ("Ñuñoa" = "nunoa", "Viña del Mar" = "VINA DEL  MAR"). */
export function normalisePlaceName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function samePlaceName(a: string, b: string): boolean {
  const wanted = normalisePlaceName(b);
  return wanted !== '' && normalisePlaceName(a) === wanted;
}
