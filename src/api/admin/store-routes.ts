/** Stores: their status (needs re-install and why, reactivate, approve an app install), settings, relBase tokens and the install steps. */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { saveStoreSettings } from '../../db/stores-repository.js';
import { installWithRelbase, runInstall, type InstallOutcome } from '../../install/run-install.js';
import { ensureStoreSchedules, SCHEDULE_SETTINGS } from '../../install/store-schedules.js';
import { approveStore, reactivateStore, saveRelbaseCredentials } from '../../stores/oauth-tokens.js';
import { mergeSettings, readSettings, storeSettingsChangeSchema } from '../../stores/settings.js';
import { HttpError } from '../errors.js';
import { hookUrlOf, messageOf, requireStoreRow, storeFromPath, type AdminDeps } from './deps.js';
import { adminRouter, errorAnswers, jsonAnswer, jsonRequest, NO_STORE, StoreParams } from './openapi.js';
import { InstallDone, InstallRunning, ReactivateAnswer, RelbaseConnectedAnswer, StoreSettingsAnswer, StoresAnswer } from './schemas.js';
import { badInput, inputHook, readJsonBody, ZodError } from './validation.js';

/** How long `POST …/install` and `…/approve` wait for the install workflow's report before answering 202. */
const INSTALL_WAIT_MS = 30_000;

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
      const changed = Object.keys(change);
      c.set('audit', { details: { changed } });
      deps.logger.info({ store: row.code, changed }, 'store settings changed');
      // An active store's schedules follow their interval settings at once (not at the next worker
      // start); a store not served has none to follow (its install makes them).
      if (row.status !== 'active' || !SCHEDULE_SETTINGS.some((k) => changed.includes(k))) return c.json({ store: row.code, settings: next }, 200);
      let schedules: Awaited<ReturnType<typeof ensureStoreSchedules>> | string;
      try {
        schedules = await ensureStoreSchedules(deps.temporal, { storeCode: row.code, taskQueue: deps.mainTaskQueue, hookUrl: hookUrlOf(deps), settings: next });
      } catch (err) {
        deps.logger.warn({ store: row.code, err: messageOf(err) }, 'could not update the schedules to the new settings');
        schedules = `not updated: ${messageOf(err)}; run npm run ops -- install --store ${row.code} to bring them up to date`;
      }
      return c.json({ store: row.code, settings: next, schedules }, 200);
    },
    inputHook({ body: 'settings' }),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/stores/{code}/relbase-credentials',
      summary: 'Connect an installed store to relBase (its tokens are stored sealed) and start the install, whose relBase steps waited for them',
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
      // The install's relBase steps (shipping product, first catalog sync) waited for these tokens; a
      // store not served yet gets them with its approval or its next install.
      if (row.status !== 'active') {
        const note = `store ${row.code} is ${row.status}: its install runs when it is ${row.status === 'pending_approval' ? 'approved' : 'installed again'}`;
        return c.json({ store: row.code, relbase: 'connected' as const, install: null, note }, 200);
      }
      try {
        const install = await installWithRelbase({ temporal: deps.temporal, taskQueue: deps.mainTaskQueue, storeCode: row.code, publicUrl: deps.publicUrl });
        return c.json({ store: row.code, relbase: 'connected' as const, install }, 200);
      } catch (err) {
        deps.logger.warn({ store: row.code, err: messageOf(err) }, 'could not start the install steps after the relBase tokens were set');
        const note = `the install steps did not start (${messageOf(err)}): run npm run ops -- install --store ${row.code}`;
        return c.json({ store: row.code, relbase: 'connected' as const, install: null, note }, 200);
      }
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
        ...errorAnswers({
          404: NO_STORE,
          409: 'Jumpseller still refuses the grant (the store is marked again), this process cannot build its clients, or the store waits for approval',
        }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      if (row.status === 'pending_approval') throw new HttpError('conflict', `store ${row.code} waits for approval, not reactivation: POST /admin/stores/${row.code}/approve`);
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

  const installAnswers = (what: string) => ({
    200: jsonAnswer(InstallDone, `${what}: the install workflow's report (nothing created when all was there)`),
    202: jsonAnswer(InstallRunning, 'the install workflow still runs after 30 s: ask again for its report'),
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/install',
      summary: 'Run the install workflow again (install:{store}): webhooks, checkout fields, shipping product, schedules',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        ...installAnswers('done'),
        ...errorAnswers({ 404: NO_STORE, 409: 'the store is not active (needs re-install, or waits for approval)', 503: 'the install workflow failed or could not start' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      if (row.status !== 'active') {
        const next = row.status === 'pending_approval' ? 'approve it' : 'install the app again';
        throw new HttpError('conflict', `store ${row.code} is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: ${next} first`);
      }
      // An operator re-running the steps; the first catalog sync belongs to a merchant's first install.
      const install = await runInstallFor(row.code, false);
      return install.state === 'done' ? c.json(doneAnswer(row.code, install), 200) : c.json(runningAnswer(row.code, install), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/stores/{code}/approve',
      summary: 'Approve an app install that waits (pending_approval), then run its install workflow',
      middleware: [store] as const,
      request: { params: StoreParams },
      responses: {
        ...installAnswers('approved'),
        ...errorAnswers({ 404: NO_STORE, 409: 'the store has no install waiting for approval', 503: 'the install workflow failed or could not start' }),
      },
    }),
    async (c) => {
      const row = c.get('store');
      if (!(await approveStore(deps.db, row.code))) throw new HttpError('conflict', `store ${row.code} is ${row.status}: it has no install waiting for approval`);
      c.set('audit', { details: { previousStatus: row.status } });
      deps.logger.info({ store: row.code }, 'store approved');
      const install = await runInstallFor(row.code, true, `store ${row.code} is approved, but `);
      return install.state === 'done'
        ? c.json({ ...doneAnswer(row.code, install), approved: true as const }, 200)
        : c.json({ ...runningAnswer(row.code, install), approved: true as const }, 202);
    },
  );

  /** The install's outcome; a failed one is a 503 with its reason (after `before`, when given). */
  async function runInstallFor(storeCode: string, firstCatalogSync: boolean, before = ''): Promise<Exclude<InstallOutcome, { state: 'failed' }>> {
    const install = await runInstall({ temporal: deps.temporal, taskQueue: deps.mainTaskQueue, storeCode, publicUrl: deps.publicUrl, waitMs: INSTALL_WAIT_MS, firstCatalogSync });
    if (install.state === 'failed') {
      throw new HttpError('unavailable', `${before}install steps stopped: ${install.reason}; run npm run ops -- install --store ${storeCode} once the cause is fixed`);
    }
    return install;
  }

  return app;
}

function doneAnswer(store: string, install: Extract<InstallOutcome, { state: 'done' }>) {
  return { store, workflowId: install.workflowId, state: 'done' as const, ...install.report };
}

function runningAnswer(store: string, install: Extract<InstallOutcome, { state: 'running' }>) {
  return { store, workflowId: install.workflowId, state: 'running' as const, message: 'the install steps are still running; ask again to see their report' };
}
