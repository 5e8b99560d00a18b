/**
 * The list of migrations, in order. Static imports (rather than reading the folder at run time) so
 * the same list loads under tsx, vitest and any bundler. Add a new file, then add it here.
 */
import type { Migration } from 'kysely';
import * as initial from './2026-11-28-0001-initial.js';
import * as oauthStates from './2026-11-28-0002-oauth-states.js';
import * as skuClaims from './2026-11-28-0003-sku-claims.js';
import * as issueIntents from './2026-12-01-0004-issue-intents.js';
import * as deliveryIngress from './2026-12-01-0005-delivery-ingress.js';
import * as catalogState from './2026-12-01-0006-catalog-state.js';
import * as auditLogAndTokenClaims from './2026-12-01-0007-audit-log-and-token-claims.js';
import * as creditNotes from './2026-12-07-0008-credit-notes.js';
import * as returns from './2026-12-07-0009-returns.js';

export const migrations: Record<string, Migration> = {
  '2026-11-28-0001-initial': initial,
  '2026-11-28-0002-oauth-states': oauthStates,
  '2026-11-28-0003-sku-claims': skuClaims,
  '2026-12-01-0004-issue-intents': issueIntents,
  '2026-12-01-0005-delivery-ingress': deliveryIngress,
  '2026-12-01-0006-catalog-state': catalogState,
  '2026-12-01-0007-audit-log-and-token-claims': auditLogAndTokenClaims,
  '2026-12-07-0008-credit-notes': creditNotes,
  '2026-12-07-0009-returns': returns,
};
