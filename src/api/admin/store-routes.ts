/** Stores: their status (needs re-install and why, reactivate), settings, relBase tokens and the install steps. */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { saveStoreSettings } from '../../db/stores-repository.js';
import { isApiError } from '../../http/api-errors.js';
import { installStore } from '../../install/install-store.js';
import { reactivateStore, saveRelbaseCredentials } from '../../stores/oauth-tokens.js';
import { mergeSettings, readSettings, storeSettingsChangeSchema } from '../../stores/settings.js';
import { HttpError } from '../errors.js';
import { messageOf, requireStoreRow, storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, jsonRequest, NO_STORE, StoreParams } from './openapi.js';
import { InstallAnswer, ReactivateAnswer, RelbaseConnectedAnswer, StoreSettingsAnswer, StoresAnswer } from './schemas.js';
import { badInput, inputHook, readJsonBody, ZodError } from './validation.js';

const RelbaseCredentialsInput = z.object({
  userToken: z.string().trim().min(8, 'must be the relBase user token (Authorization)'),
  companyToken: z.string().trim().min(8, 'must be the relBase company token (Company)'),
});

export function storeRoutes(deps: AdminDeps) {
  const app = adminRouter();
  const store = storeFromPath(deps.db);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores',
      summary: 'Stores, their status and why one needs re-install',
      responses: { 200: jsonAnswer(StoresAnswer, 'every store, by code'), ...errorAnswers({}) },
    }),
    async (c) => {
      const rows = await deps.db
        .selectFrom('stores')
        .select(['code', 'name', 'auth_kind', 'status', 'status_reason', 'access_token_expires_at', 'updated_at'])
        .orderBy('code')
        .execute();
      return c.json(
        {
          stores: rows.map((r) => ({
            code: r.code,
            name: r.name,
            authKind: r.auth_kind,
            status: r.status,
            statusReason: r.status_reason,
            accessTokenExpiresAt: r.access_token_expires_at?.toISOString() ?? null,
            updatedAt: r.updated_at.toISOString(),
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/stores/{code}/settings',
      summary: "A store's settings",
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: { 200: jsonAnswer(StoreSettingsAnswer, 'the settings, defaults filled in'), ...errorAnswers({ 404: NO_STORE }) },
    }),
    (c) => {
      const row = c.get('store');
      return c.json({ store: row.code, settings: readSettings(row.settings) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/stores/{code}/settings',
      summary: "Change some of a store's settings",
      middleware: [store, readJsonBody] as const,
      request: { params: StoreParams, body: jsonRequest(storeSettingsChangeSchema, 'the settings to change; those not given keep their value') },
      responses: {
        200: jsonAnswer(StoreSettingsAnswer, 'the settings after the change'),
        ...errorAnswers({ 400: 'a setting is unknown or its value invalid (`invalid settings: …`), or the body is not JSON', 404: NO_STORE }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      // The change as sent: the validated one has every other setting's default filled in.
      const change = await c.req.json<Record<string, unknown>>();
      let next;
      try {
        next = mergeSettings(readSettings(row.settings), change);
      } catch (err) {
        if (err instanceof ZodError) throw badInput(err, 'settings');
        throw err;
      }
      await saveStoreSettings(deps.db, row.code, next);
      c.set('audit', { details: { changed: Object.keys(change) } });
      deps.logger.info({ store: row.code, changed: Object.keys(change) }, 'store settings changed');
      return c.json({ store: row.code, settings: next }, 200);
    },
    inputHook({ body: 'settings' }),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/stores/{code}/relbase-credentials',
      summary: 'Connect an installed store to relBase (its tokens are stored sealed)',
      middleware: [store, readJsonBody] as const,
      request: { params: StoreParams, body: jsonRequest(RelbaseCredentialsInput, "the store's relBase tokens") },
      responses: {
        200: jsonAnswer(RelbaseConnectedAnswer, 'the tokens are stored'),
        ...errorAnswers({
          400: 'a token is missing or too short, or the body is not JSON',
          404: NO_STORE,
          409: 'the store is configured through variables (RELBASE_USER_TOKEN, RELBASE_COMPANY_TOKEN)',
          503: 'SECRETS_KEY is not set',
        }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const input = c.req.valid('json');
      if (row.auth_kind !== 'oauth') {
        throw new HttpError('conflict', `store ${row.code} is configured through variables: its relBase tokens are RELBASE_USER_TOKEN and RELBASE_COMPANY_TOKEN`);
      }
      if (!deps.secretsKeyring) throw new HttpError('unavailable', 'SECRETS_KEY is not set: relBase tokens cannot be stored encrypted');
      await saveRelbaseCredentials(deps.db, deps.secretsKeyring, row.code, input);
      deps.logger.info({ store: row.code }, 'relBase credentials set');
      return c.json({ store: row.code, relbase: 'connected' as const }, 200);
    },
  );

  /**
   * Undoes a `needs_reinstall` mark (one set by mistake, e.g. by an older version on any refused
   * refresh), then asks Jumpseller for the store's information to show whether its grant works: if
   * Jumpseller still refuses it, the store is marked again and the answer is 409.
   */
  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/reactivate',
      summary: 'Active again after a mistaken needs-reinstall mark, and check the grant with Jumpseller',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        200: jsonAnswer(ReactivateAnswer, 'the store is active'),
        ...errorAnswers({ 404: NO_STORE, 409: 'Jumpseller still refuses the grant (the store is marked again), or this process cannot build its clients' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      const wasActive = row.status === 'active';
      if (!wasActive) await reactivateStore(deps.db, row.code);
      c.set('audit', { details: { previousStatus: row.status } });
      const client = await deps.stores.get(row.code);
      if (!client) {
        throw new HttpError(
          'conflict',
          `store ${row.code} is active again but this process cannot build its clients (is SECRETS_KEY the same everywhere, and are the OAuth app variables set?)`,
        );
      }
      try {
        await client.jumpseller.getStoreInfo();
      } catch (err) {
        const after = await requireStoreRow(deps.db, row.code);
        if (after.status !== 'active') {
          throw new HttpError(
            'conflict',
            `Jumpseller still refuses store ${row.code}'s authorisation: ${after.status_reason ?? messageOf(err)}; the merchant must install the app again`,
          );
        }
        deps.logger.info({ store: row.code, wasActive }, 'store reactivated; Jumpseller could not be checked');
        return c.json({ store: row.code, status: 'active' as const, reactivated: !wasActive, jumpseller: `not checked: ${messageOf(err)}` }, 200);
      }
      deps.logger.info({ store: row.code, wasActive }, 'store reactivated');
      return c.json({ store: row.code, status: 'active' as const, reactivated: !wasActive, jumpseller: 'ok' }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/install',
      summary: 'Run the install steps again: webhooks, checkout fields, shipping product',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        200: jsonAnswer(InstallAnswer, 'what the steps created (nothing when all was there)'),
        ...errorAnswers({ 404: NO_STORE, 409: 'the store is not active, or has no usable credentials in this process', 503: 'Jumpseller or relBase stopped a step' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      if (row.status !== 'active')
        throw new HttpError('conflict', `store ${row.code} is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: install the app again first`);
      const client = await deps.stores.get(row.code);
      if (!client) throw new HttpError('conflict', `store ${row.code} has no usable credentials in this process`);
      try {
        const report = await installStore(deps.db, client, deps.publicUrl, deps.logger);
        return c.json({ store: row.code, ...report }, 200);
      } catch (err) {
        if (isApiError(err)) throw new HttpError('unavailable', `install steps stopped: ${messageOf(err)}`);
        throw err;
      }
    },
  );

  return app;
}
