/**
 * The bearer tokens the service accepts, by kind:
 *
 * - operators' admin tokens (`/admin/*`, `npm run ops`): `ADMIN_TOKEN` (one operator, named `admin`,
 *   for the quick start) and `ADMIN_TOKENS`, a list of named tokens given as SHA-256 digests
 *   (`alice:sha256:<64 hex>,bob:sha256:<64 hex>`), so the configuration never holds them in clear;
 * - the stock-notice token (`STOCK_NOTICES_TOKEN`, in clear or as `sha256:<64 hex>`), the only one
 *   handed to other systems: it can post `POST /stock/notices` and nothing else.
 *
 * Tokens are kept as digests only. Every problem names the variable (and the entry's name), never a value.
 */
import { timingSafeEqual } from 'node:crypto';
import { PLACEHOLDER_DIGESTS, sha256, tokenWeakness } from './token-strength.js';

export type TokenScope = 'admin' | 'stock-notices';

/** One accepted token: who holds it, what it may do, and its SHA-256 digest. */
export interface ApiToken {
  name: string;
  scope: TokenScope;
  sha256: Buffer;
}

/** The operator an unnamed `ADMIN_TOKEN` stands for in the audit log. */
export const ADMIN_TOKEN_OPERATOR = 'admin';
/** How stock notices' caller is named in the audit log. */
export const STOCK_NOTICES_CALLER = 'stock-notices';

const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/i;
const HASHED = /^sha256:([0-9a-f]{64})$/i;

export interface ParsedTokens {
  admin: ApiToken[];
  stockNotices: ApiToken | undefined;
  problems: string[];
}

function hashed(hex: string): Buffer {
  return Buffer.from(hex.toLowerCase(), 'hex');
}

/** A token given in clear (checked for strength) or as `sha256:<hex>` (checked against placeholders). */
function clearOrHashed(variable: string, value: string, problems: string[]): Buffer | undefined {
  const m = HASHED.exec(value);
  if (m) {
    if (PLACEHOLDER_DIGESTS.has(m[1]!.toLowerCase())) {
      problems.push(`${variable}: is the digest of a placeholder, not of a secret`);
      return undefined;
    }
    return hashed(m[1]!);
  }
  const weakness = tokenWeakness(value);
  if (weakness) {
    problems.push(`${variable}: ${weakness}`);
    return undefined;
  }
  return sha256(value);
}

export function parseApiTokens(env: { ADMIN_TOKEN?: string | undefined; ADMIN_TOKENS?: string | undefined; STOCK_NOTICES_TOKEN?: string | undefined }): ParsedTokens {
  const problems: string[] = [];
  const admin: ApiToken[] = [];

  if (env.ADMIN_TOKEN !== undefined) {
    const weakness = tokenWeakness(env.ADMIN_TOKEN);
    if (weakness) problems.push(`ADMIN_TOKEN: ${weakness}`);
    else admin.push({ name: ADMIN_TOKEN_OPERATOR, scope: 'admin', sha256: sha256(env.ADMIN_TOKEN) });
  }

  const entries = (env.ADMIN_TOKENS ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    // `sha256:<hex>` alone is a digest without its operator's name, not an operator called "sha256".
    const name = colon > 0 && !HASHED.test(entry) ? entry.slice(0, colon) : '';
    const where = NAME.test(name) ? `entry ${i + 1} (${name})` : `entry ${i + 1}`;
    if (!NAME.test(name)) {
      problems.push(`ADMIN_TOKENS: ${where} must start with the operator's name (letters, digits, ".", "_", "-"): name:sha256:<64 hex characters>`);
      return;
    }
    const m = HASHED.exec(entry.slice(colon + 1));
    if (!m) {
      problems.push(`ADMIN_TOKENS: ${where} must be name:sha256:<64 hex characters> (the token's SHA-256, never the token; \`npm run ops -- new-token ${name}\` prints one)`);
      return;
    }
    if (PLACEHOLDER_DIGESTS.has(m[1]!.toLowerCase())) {
      problems.push(`ADMIN_TOKENS: ${where} is the digest of a placeholder, not of a secret`);
      return;
    }
    if (admin.some((t) => t.name === name)) {
      problems.push(`ADMIN_TOKENS: ${where} repeats a name${name === ADMIN_TOKEN_OPERATOR ? ' (ADMIN_TOKEN is the operator "admin")' : ''}`);
      return;
    }
    admin.push({ name, scope: 'admin', sha256: hashed(m[1]!) });
  });

  let stockNotices: ApiToken | undefined;
  if (env.STOCK_NOTICES_TOKEN !== undefined) {
    const digest = clearOrHashed('STOCK_NOTICES_TOKEN', env.STOCK_NOTICES_TOKEN, problems);
    if (digest) stockNotices = { name: STOCK_NOTICES_CALLER, scope: 'stock-notices', sha256: digest };
  }

  // One token, one holder: a shared value would let the stock token act as an operator or blur the audit.
  const all = [...admin, ...(stockNotices ? [stockNotices] : [])];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (all[i]!.sha256.equals(all[j]!.sha256)) {
        const variable = all[j]!.scope === 'stock-notices' ? 'STOCK_NOTICES_TOKEN' : 'ADMIN_TOKENS';
        problems.push(`${variable}: ${all[j]!.name}'s token is the same as ${all[i]!.name}'s; every holder needs their own`);
      }
    }
  }
  return { admin, stockNotices, problems };
}

/**
 * The holder of `given` among `tokens`, or undefined. Compares digests in constant time and looks at
 * every token whatever matched, so the time taken says nothing about which one was close.
 */
export function findTokenHolder(tokens: readonly ApiToken[], given: string): ApiToken | undefined {
  const digest = sha256(given);
  let holder: ApiToken | undefined;
  for (const t of tokens) {
    if (timingSafeEqual(t.sha256, digest) && holder === undefined) holder = t;
  }
  return holder;
}
