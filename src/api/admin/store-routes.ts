/** Stores: their status (needs re-install and why, reactivate, approve an app install), settings, relBase tokens and the install steps. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { saveStoreSettings } from '../../db/stores-repository.js';
import { webhookUrl } from '../../install/install-plan.js';
import { runInstall, startInstall, type InstallOutcome } from '../../install/run-install.js';
import { ensureStoreSchedules, SCHEDULE_SETTINGS } from '../../install/store-schedules.js';
import { approveStore, reactivateStore, saveRelbaseCredentials } from '../../stores/oauth-tokens.js';
import { mergeSettings, readSettings } from '../../stores/settings.js';
import { HttpError } from '../errors.js';
import { messageOf, requireStoreRow, type AdminDeps } from './deps.js';
import { badInput, jsonBody, parseInput, ZodError } from './validation.js';

/** How long `POST …/install` waits for the install workflow's report before answering 202. */
const INSTALL_WAIT_MS = 30_000;

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
    const changed = Object.keys(change as object);
    c.set('audit', { details: { changed } });
    deps.logger.info({ store: row.code, changed }, 'store settings changed');
    // The schedules follow their interval settings at once (not at the next worker start).
    if (!SCHEDULE_SETTINGS.some((k) => changed.includes(k))) return c.json({ store: row.code, settings: next });
    let schedules: Awaited<ReturnType<typeof ensureStoreSchedules>> | string;
    try {
      schedules = await ensureStoreSchedules(deps.temporal, { storeCode: row.code, taskQueue: deps.mainTaskQueue, hookUrl: webhookUrl(deps.publicUrl), settings: next });
    } catch (err) {
      deps.logger.warn({ store: row.code, err: messageOf(err) }, 'could not update the schedules to the new settings');
      schedules = `not updated: ${messageOf(err)}; run npm run ops -- install --store ${row.code} to bring them up to date`;
    }
    return c.json({ store: row.code, settings: next, schedules });
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
    // The install's relBase steps (shipping product, first catalog sync) waited for these tokens.
    try {
      const handle = await startInstall({ temporal: deps.temporal, taskQueue: deps.mainTaskQueue, storeCode: row.code, publicUrl: deps.publicUrl });
      return c.json({ store: row.code, relbase: 'connected', install: handle.workflowId });
    } catch (err) {
      deps.logger.warn({ store: row.code, err: messageOf(err) }, 'could not start the install steps after the relBase tokens were set');
      return c.json({
        store: row.code,
        relbase: 'connected',
        install: null,
        note: `the install steps did not start (${messageOf(err)}): run npm run ops -- install --store ${row.code}`,
      });
    }
  });

  /**
   * Undoes a `needs_reinstall` mark (one set by mistake, e.g. by an older version on any refused
   * refresh), then asks Jumpseller for the store's information to show whether its grant works: if
   * Jumpseller still refuses it, the store is marked again and the answer is 409.
   */
  app.post('/stores/:code/reactivate', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    if (row.status === 'pending_approval') throw new HttpError('conflict', `store ${row.code} waits for approval, not reactivation: POST /admin/stores/${row.code}/approve`);
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
      throw new HttpError(
        'conflict',
        `store ${row.code} is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}: ${row.status === 'pending_approval' ? 'approve it' : 'install the app again'} first`,
      );
    // An operator re-running the steps; the first catalog sync belongs to a merchant's first install.
    return answerInstall(c, row.code, await runInstallFor(row.code, false));
  });

  /** Approves an app install that waits (INSTALL_AUTO_APPROVE_STORES did not name the store), then installs it. */
  app.post('/stores/:code/approve', async (c) => {
    const row = await requireStoreRow(deps.db, c.req.param('code'));
    if (!(await approveStore(deps.db, row.code))) throw new HttpError('conflict', `store ${row.code} is ${row.status}: it has no install waiting for approval`);
    c.set('audit', { details: { previousStatus: row.status } });
    deps.logger.info({ store: row.code }, 'store approved');
    return answerInstall(c, row.code, await runInstallFor(row.code, true), { approved: true });
  });

  function runInstallFor(storeCode: string, firstCatalogSync: boolean) {
    return runInstall({ temporal: deps.temporal, taskQueue: deps.mainTaskQueue, storeCode, publicUrl: deps.publicUrl, waitMs: INSTALL_WAIT_MS, firstCatalogSync });
  }

  return app;
}

/** The install's report (200), or that it still runs (202); a failed install is a 503 with its reason. */
function answerInstall(c: Context, store: string, install: InstallOutcome, extra: Record<string, unknown> = {}) {
  switch (install.state) {
    case 'done':
      return c.json({ store, ...extra, workflowId: install.workflowId, state: 'done' as const, ...install.report });
    case 'running':
      return c.json(
        { store, ...extra, workflowId: install.workflowId, state: 'running' as const, message: 'the install steps are still running; ask again to see their report' },
        202,
      );
    case 'failed':
      throw new HttpError('unavailable', `install steps stopped: ${install.reason}`);
  }
}
