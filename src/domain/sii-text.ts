import { cleanText, truncateAtWord } from './text.js';

/** GiroRecep holds at most 40 characters (DTE_v10.xsd; chile-dte.md B2). */
export const GIRO_MAX_CHARS = 40;

/** NmbItem, the item name on a document line, holds at most 80 characters (chile-dte.md B2). */
export const ITEM_NAME_MAX_CHARS = 80;

/**
 * RznSocRecep, the receiver's razón social, holds at most 100 characters (DTE_v10.xsd). chile-dte.md
 * B2 does not list this one; the figure comes from the task brief for issue 15.
 */
export const RAZON_SOCIAL_MAX_CHARS = 100;

/** A giro as the SII schema holds it: whitespace tidied, cut at a word boundary within 40 characters; null when blank. */
export function giroForSii(giro: string | null | undefined): string | null {
  return limitText(giro, GIRO_MAX_CHARS);
}

/** A razón social within the schema's 100 characters, cut at a word boundary; null when blank. */
export function razonSocialForSii(razonSocial: string | null | undefined): string | null {
  return limitText(razonSocial, RAZON_SOCIAL_MAX_CHARS);
}

/** A product name as a document line can carry it (80 characters, cut at a word boundary); null when blank. */
export function itemNameForSii(name: string | null | undefined): string | null {
  return limitText(name, ITEM_NAME_MAX_CHARS);
}

function limitText(text: string | null | undefined, max: number): string | null {
  const cleaned = cleanText(text);
  return cleaned === null ? null : truncateAtWord(cleaned, max);
}
