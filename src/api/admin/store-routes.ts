/** Stores: their status (needs re-install and why, reactivate), settings, relBase tokens and the install steps. */
import { Hono } from 'hono';
import { z } from 'zod';
import { saveStoreSettings } from '../../db/stores-repository.js';
import { isApiError } from '../../http/api-errors.js';
import { installStore } from '../../install/install-store.js';
import { reactivateStore, saveRelbaseCredentials } from '../../stores/oauth-tokens.js';
import { mergeSettings, readSettings } from '../../stores/settings.js';
import { HttpError } from '../errors.js';
import { messageOf, requireStoreRow, type AdminDeps } from './deps.js';
import { badInput, jsonBody, parseInput, ZodError } from './validation.js';

const RelbaseCredentialsInput = z.object({
  userToken: z.string().trim().min(8, 'must be the relBase user token (Authorization)'),
  companyToken: z.string().trim().min(8, 'must be the relBase company token (Company)'),
});

export function storeRoutes(deps: AdminDeps): Hono {
  const app = new Hono();

  app.get('/stores', async (c) => {
    const rows = await deps.db
      .selectFrom('stores')
      .select(['code', 'name', 'auth_kind', 'status', 'status_reason', 'access_token_expires_at', 'updated_at'])
      .orderBy('code')
      .execute();
    return c.json({
      stores: rows.map((r) => ({
        code: r.code,
        name: r.name,
        authKind: r.auth_kind,
        status: r.status,
        statusReason: r.status_reason,
        accessTokenExpiresAt: r.access_token_expires_at?.toISOString() ?? null,
        updatedAt: r.updated_at.toISOString(),
      })),
    });
  });

  app.get('/stores/:code/settings', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    return c.json({ store: row.code, settings: readSettings(row.settings) });
  });

  app.patch('/stores/:code/settings', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const change = await jsonBody(c);
    let next;
    try {
      next = mergeSettings(readSettings(row.settings), change);
    } catch (err) {
      if (err instanceof ZodError) throw badInput(err, 'settings');
      throw err;
    }
    await saveStoreSettings(deps.db, row.code, next);
    c.set('audit', { details: { changed: Object.keys(change as object) } });
    deps.logger.info({ store: row.code, changed: Object.keys(change as object) }, 'store settings changed');
    return c.json({ store: row.code, settings: next });
  });

  app.put('/stores/:code/relbase-credentials', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const input = parseInput(RelbaseCredentialsInput, await jsonBody(c));
    if (row.auth_kind !== 'oauth') {
      throw new HttpError('conflict', `store ${row.code} is configured through variables: its relBase tokens are RELBASE_USER_TOKEN and RELBASE_COMPANY_TOKEN`);
    }
    if (!deps.secretsKeyring) throw new HttpError('unavailable', 'SECRETS_KEY is not set: relBase tokens cannot be stored encrypted');
    await saveRelbaseCredentials(deps.db, deps.secretsKeyring, row.code, input);
    deps.logger.info({ store: row.code }, 'relBase credentials set');
    return c.json({ store: row.code, relbase: 'connected' });
  });

  /**
   * Undoes a `needs_reinstall` mark (one set by mistake, e.g. by an older version on any refused
   * refresh), then asks Jumpseller for the store's information to show whether its grant works: if
   * Jumpseller still refuses it, the store is marked again and the answer is 409.
   */
  app.post('/stores/:code/reactivate', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    const wasActive = row.status === 'active';
    if (!wasActive) await reactivateStore(deps.db, row.code);
    c.set('audit', { details: { previousStatus: row.status } });
    const store = await deps.stores.get(row.code);
    if (!store) {
      throw new HttpError(
        'conflict',
        `store ${row.code} is active again but this process cannot build its clients (is SECRETS_KEY the same everywhere, and are the OAuth app variables set?)`,
      );
    }
    try {
      await store.jumpseller.getStoreInfo();
    } catch (err) {
      const after = await requireStoreRow(deps.db, row.code);
      if (after.status !== 'active') {
        throw new HttpError(
          'conflict',
          `Jumpseller still refuses store ${row.code}'s authorisation: ${after.status_reason ?? messageOf(err)}; the merchant must install the app again`,
        );
      }
      deps.logger.info({ store: row.code, wasActive }, 'store reactivated; Jumpseller could not be checked');
      return c.json({ store: row.code, status: 'active', reactivated: !wasActive, jumpseller: `not checked: ${messageOf(err)}` });
    }
    deps.logger.info({ store: row.code, wasActive }, 'store reactivated');
    return c.json({ store: row.code, status: 'active', reactivated: !wasActive, jumpseller: 'ok' });
  });

  app.post('/stores/:code/install', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    if (row.status !== 'active')
      throw new HttpError('conflict', `store ${row.code} is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: install the app again first`);
    const store = await deps.stores.get(row.code);
    if (!store) throw new HttpError('conflict', `store ${row.code} has no usable credentials in this process`);
    try {
      const report = await installStore(deps.db, store, deps.publicUrl, deps.logger);
      return c.json({ store: row.code, ...report });
    } catch (err) {
      if (isApiError(err)) throw new HttpError('unavailable', `install steps stopped: ${messageOf(err)}`);
      throw err;
    }
  });

  return app;
}
