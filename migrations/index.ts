/**
 * The list of migrations, in order. Static imports (rather than reading the folder at run time) so
 * the same list loads under tsx, vitest and any bundler. Add a new file, then add it here.
 */
import type { Migration } from 'kysely';
import * as initial from './2026-11-28-0001-initial.js';
import * as oauthStates from './2026-11-28-0002-oauth-states.js';
import * as skuClaims from './2026-11-28-0003-sku-claims.js';

export const migrations: Record<string, Migration> = {
  '2026-11-28-0001-initial': initial,
  '2026-11-28-0002-oauth-states': oauthStates,
  '2026-11-28-0003-sku-claims': skuClaims,
};
