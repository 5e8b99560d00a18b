/**
 * The secrets installed (OAuth) stores keep sealed in `stores` (tokens, relBase credentials, hooks
 * token), looked at as a whole: whether the running configuration can use them, and resealing them
 * with the newest SECRETS_KEY.
 *
 * Start-up **refuses** (rather than warns) when installed stores exist whose secrets this process
 * cannot use: SECRETS_KEY unset, no key of it opening a store's values (a key dropped before
 * resealing), or the app's OAuth credentials missing. Running on would answer every webhook of those
 * stores with 404, and Jumpseller deletes a hook after ten failed deliveries: the orders would stop
 * arriving without anyone noticing. A refused deploy is noticed at once and rolled back.
 */
import { ConfigError } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import { credentialsContext, hooksTokenContext } from './oauth-tokens.js';
import { needsReseal, openSecret, sealSecret, SecretOpenError } from './secrets.js';

/** The two sealed columns of a store row and the associated data each was sealed with. */
const sealedColumns = (code: string) =>
  [
    ['credentials_sealed', credentialsContext(code)],
    ['hooks_token_sealed', hooksTokenContext(code)],
  ] as const;

export interface SealedSecretsState {
  /** Installed stores with sealed values. */
  stores: string[];
  /** Stores with a value no key opens, and why (names key ids, never values). */
  unopenable: { code: string; reason: string }[];
  /** Values sealed with an older key or before key ids: `npm run secrets:reseal` renews them. */
  olderKeyValues: number;
}

async function sealedRows(db: Db) {
  return db
    .selectFrom('stores')
    .select(['code', 'credentials_sealed', 'hooks_token_sealed'])
    .where((eb) => eb.or([eb('credentials_sealed', 'is not', null), eb('hooks_token_sealed', 'is not', null)]))
    .orderBy('code')
    .execute();
}

export async function inspectSealedSecrets(db: Db, keyring: Keyring | undefined): Promise<SealedSecretsState> {
  const rows = await sealedRows(db);
  const state: SealedSecretsState = { stores: rows.map((r) => r.code), unopenable: [], olderKeyValues: 0 };
  if (!keyring) return state;
  for (const row of rows) {
    for (const [column, context] of sealedColumns(row.code)) {
      const sealed = row[column];
      if (sealed === null) continue;
      try {
        openSecret(keyring, sealed, context);
        if (needsReseal(keyring, sealed)) state.olderKeyValues++;
      } catch (err) {
        if (!(err instanceof SecretOpenError)) throw err;
        state.unopenable.push({ code: row.code, reason: err.message });
        break;
      }
    }
  }
  return state;
}

/** Throws a ConfigError naming what is missing when installed stores' secrets cannot be used; warns about older keys. */
export async function requireUsableSealedSecrets(db: Db, o: { secretsKeyring: Keyring | undefined; oauthConfigured: boolean; logger: Logger }): Promise<SealedSecretsState> {
  const state = await inspectSealedSecrets(db, o.secretsKeyring);
  if (state.stores.length === 0) return state;
  const named = `${state.stores.length} installed store${state.stores.length > 1 ? 's' : ''} (${state.stores.slice(0, 5).join(', ')}${state.stores.length > 5 ? ', …' : ''})`;
  const why = 'without it their webhooks would be refused (404) until Jumpseller deletes the hooks';
  const problems = [
    ...(o.secretsKeyring ? [] : [`SECRETS_KEY: required: ${named} keep their tokens sealed in the database; ${why}`]),
    ...(o.oauthConfigured ? [] : [`JUMPSELLER_APP_CLIENT_ID, JUMPSELLER_APP_CLIENT_SECRET: required: ${named} were installed through the app; ${why}`]),
    ...state.unopenable.map((u) => `SECRETS_KEY: store ${u.code}: ${u.reason}; put the key back (it may follow the newest), restart, and run \`npm run secrets:reseal\``),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  if (state.olderKeyValues > 0) {
    o.logger.warn(
      { values: state.olderKeyValues, newestKey: o.secretsKeyring!.newest.id },
      'stored secrets sealed with an older SECRETS_KEY key: run `npm run secrets:reseal`, then the old key can go',
    );
  }
  return state;
}

export interface ResealReport {
  resealed: number;
  alreadyNewest: number;
  /** Stores left as they were because a value did not open (reported, never half-changed). */
  failed: { code: string; reason: string }[];
}

/**
 * Reseals every sealed value with the newest key, one store per transaction holding its row (the
 * token refresh takes the same row lock, so a refresh never interleaves with a reseal of its store).
 * Idempotent: a second run finds everything on the newest key.
 */
export async function resealStoredSecrets(db: Db, keyring: Keyring): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, alreadyNewest: 0, failed: [] };
  for (const { code } of await sealedRows(db)) {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('stores').select(['credentials_sealed', 'hooks_token_sealed']).where('code', '=', code).forUpdate().executeTakeFirst();
      if (!row) return;
      const changes: { credentials_sealed?: string; hooks_token_sealed?: string } = {};
      try {
        for (const [column, context] of sealedColumns(code)) {
          const sealed = row[column];
          if (sealed === null) continue;
          if (!needsReseal(keyring, sealed)) {
            report.alreadyNewest++;
            continue;
          }
          changes[column] = sealSecret(keyring, openSecret(keyring, sealed, context), context);
        }
      } catch (err) {
        if (!(err instanceof SecretOpenError)) throw err;
        report.failed.push({ code, reason: err.message });
        return;
      }
      const n = Object.keys(changes).length;
      if (n === 0) return;
      await trx
        .updateTable('stores')
        .set({ ...changes, updated_at: new Date() })
        .where('code', '=', code)
        .execute();
      report.resealed += n;
    });
  }
  return report;
}
