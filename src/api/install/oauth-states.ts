/**
 * OAuth `state` values: handed out by /install, good for one callback within STATE_TTL. Only their
 * SHA-256 is stored, and taking one deletes it, so a replayed or forged callback finds nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';

export const STATE_TTL_MS = 15 * 60_000;

interface OAuthStatesTable {
  state_sha256: string;
  store_hint: string | null;
  created_at: Date;
}

const digest = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');
// The table belongs to this feature alone, so its type lives here rather than in the shared schema.
const withStates = (db: Db) => db.withTables<{ oauth_states: OAuthStatesTable }>();

export async function createOAuthState(db: Db, storeHint: string | null): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  const states = withStates(db);
  await states
    .deleteFrom('oauth_states')
    .where('created_at', '<', new Date(Date.now() - STATE_TTL_MS))
    .execute();
  await states
    .insertInto('oauth_states')
    .values({ state_sha256: digest(state), store_hint: storeHint, created_at: new Date() })
    .execute();
  return state;
}

/** The state's store hint when it was ours, unused and recent; undefined otherwise. Either way it is gone. */
export async function takeOAuthState(db: Db, state: string): Promise<{ storeHint: string | null } | undefined> {
  const row = await withStates(db).deleteFrom('oauth_states').where('state_sha256', '=', digest(state)).returning(['store_hint', 'created_at']).executeTakeFirst();
  if (!row || row.created_at.getTime() < Date.now() - STATE_TTL_MS) return undefined;
  return { storeHint: row.store_hint };
}
