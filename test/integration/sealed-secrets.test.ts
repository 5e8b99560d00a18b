/**
 * SECRETS_KEY as a keyring on a real database: start-up refuses when installed stores' secrets cannot
 * be used (no key, a key dropped too early, no OAuth app credentials), and `npm run secrets:reseal`
 * moves every stored secret to the newest key so the old one can go. A database of its own: the
 * check looks at every store, and other test files leave stores sealed with their own keys.
 */
import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { keyringOf } from '../../src/crypto/keyring.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/observability/logger.js';
import { hooksTokenContext, openCredentials, saveInstalledStore } from '../../src/stores/oauth-tokens.js';
import { inspectSealedSecrets, requireUsableSealedSecrets, resealStoredSecrets } from '../../src/stores/sealed-secrets.js';
import { openSecret, sealedKeyId } from '../../src/stores/secrets.js';
import { freshDatabase } from '../support/fresh-database.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const oldRing = keyringOf([k1]);
const rotated = keyringOf([k2, k1]);
const newOnly = keyringOf([k2]);
const logger = createLogger('silent');

let db: Db;
let url: string;
let drop: () => Promise<void>;

/** Runs an npm script as an operator would (asynchronously: an embedded database serves from this process). */
function runCommand(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: new URL('../../', import.meta.url).pathname, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const install = (code: string, keyring = oldRing) =>
  saveInstalledStore(
    db,
    keyring,
    {
      code,
      name: code,
      tokens: { accessToken: `access-${code}`, refreshToken: `refresh-${code}`, expiresAt: new Date(Date.now() + 3600_000) },
      hooksToken: `hooks-${code}`,
    },
    true,
  );
const problemsOf = async (o: Parameters<typeof requireUsableSealedSecrets>[1]) => {
  try {
    await requireUsableSealedSecrets(db, o);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};
const row = (code: string) => db.selectFrom('stores').select(['credentials_sealed', 'hooks_token_sealed']).where('code', '=', code).executeTakeFirstOrThrow();

beforeAll(async () => {
  ({ url, drop } = await freshDatabase('jr_secrets'));
  db = createDatabase(url, { maxConnections: 1 });
  await migrateToLatest(db);
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  await drop?.();
});

describe('start-up with installed stores', () => {
  it('starts with nothing to check when no store was installed, even without SECRETS_KEY', async () => {
    expect(await problemsOf({ secretsKeyring: undefined, oauthConfigured: false, logger })).toEqual([]);
  });

  it('refuses without SECRETS_KEY or without the app credentials, naming the stores it would cut off', async () => {
    await install('tienda-a');
    await install('tienda-b');
    expect(await problemsOf({ secretsKeyring: undefined, oauthConfigured: true, logger })).toEqual([
      expect.stringMatching(/^SECRETS_KEY: required: 2 installed stores \(tienda-a, tienda-b\).*404/),
    ]);
    expect(await problemsOf({ secretsKeyring: oldRing, oauthConfigured: false, logger })).toEqual([
      expect.stringMatching(/^JUMPSELLER_APP_CLIENT_ID, JUMPSELLER_APP_CLIENT_SECRET: required/),
    ]);
    expect(await problemsOf({ secretsKeyring: oldRing, oauthConfigured: true, logger })).toEqual([]);
  });

  it('refuses a keyring that lost the key the stores were sealed with, naming the key id', async () => {
    const problems = await problemsOf({ secretsKeyring: newOnly, oauthConfigured: true, logger });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SECRETS_KEY: store tienda-a: .*key id k1, which SECRETS_KEY does not hold/);
    expect(problems.join('\n')).not.toContain('access-tienda-a');
  });

  it('starts with the new key first and the old one kept, counting the values still on the old key', async () => {
    expect(await problemsOf({ secretsKeyring: rotated, oauthConfigured: true, logger })).toEqual([]);
    expect((await inspectSealedSecrets(db, rotated)).olderKeyValues).toBe(4);
  });
});

describe('resealing with the newest key', () => {
  it('moves every value to the newest key, after which the old key can go; running it again changes nothing', async () => {
    // A hooks token sealed before keyrings (v1, no key id) is resealed too.
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k1.key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(hooksTokenContext('tienda-b')));
    const ct = Buffer.concat([cipher.update('hooks-tienda-b', 'utf8'), cipher.final()]);
    await db
      .updateTable('stores')
      .set({ hooks_token_sealed: ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.') })
      .where('code', '=', 'tienda-b')
      .execute();

    const first = await resealStoredSecrets(db, rotated);
    expect(first).toEqual({ resealed: 4, alreadyNewest: 0, failed: [] });
    for (const code of ['tienda-a', 'tienda-b']) {
      const r = await row(code);
      expect(sealedKeyId(r.credentials_sealed!)).toBe('k2');
      expect(sealedKeyId(r.hooks_token_sealed!)).toBe('k2');
      expect(openCredentials(newOnly, code, r.credentials_sealed!).jumpseller).toEqual({ accessToken: `access-${code}`, refreshToken: `refresh-${code}` });
      expect(openSecret(newOnly, r.hooks_token_sealed!, hooksTokenContext(code))).toBe(`hooks-${code}`);
    }
    expect(await problemsOf({ secretsKeyring: newOnly, oauthConfigured: true, logger })).toEqual([]);
    expect(await resealStoredSecrets(db, rotated)).toEqual({ resealed: 0, alreadyNewest: 4, failed: [] });
  });

  it('leaves a store whose values no key opens untouched and reports it; `npm run secrets:reseal` exits non-zero for it', async () => {
    await install('tienda-c', keyringOf([{ id: 'lost', key: randomBytes(32) }]));
    const before = await row('tienda-c');
    const report = await resealStoredSecrets(db, newOnly);
    expect(report.failed.map((f) => f.code)).toEqual(['tienda-c']);
    expect(report.failed[0]!.reason).toMatch(/key id lost/);
    expect(await row('tienda-c')).toEqual(before);

    const run = await runCommand('npm', ['run', '-s', 'secrets:reseal'], { DATABASE_URL: url, SECRETS_KEY: `k2:${k2.key.toString('hex')}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/resealed 0 values with key k2; 4 already on it/);
    expect(run.stderr).toMatch(/store tienda-c: not resealed: .*key id lost/);
    expect(run.stdout + run.stderr).not.toContain(k2.key.toString('hex'));

    await db.deleteFrom('stores').where('code', '=', 'tienda-c').execute();
    const ok = await runCommand('npm', ['run', '-s', 'secrets:reseal'], { DATABASE_URL: url, SECRETS_KEY: `k3:${randomBytes(32).toString('hex')},k2:${k2.key.toString('hex')}` });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/resealed 4 values with key k3; 0 already on it/);
    expect(ok.stdout).toMatch(/k2 can leave SECRETS_KEY|k2.*can leave/);
  }, 60_000);
});
