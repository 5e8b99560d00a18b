/**
 * The Jumpseller app install: `/install` sends the merchant to Jumpseller's authorize page with the
 * scopes this service needs and a one-time `state`; `/oauth/callback` checks the state, exchanges the
 * code, reads the store's code and hooks token with the new token, stores the tokens and the hooks
 * token sealed (AES-256-GCM), and starts the install workflow (`install:{store}`: webhooks, checkout
 * fields, shipping product, schedules, the first catalog sync), waiting a little for its report.
 * Answers a small HTML page, or JSON when asked for it (`Accept: application/json`). Both endpoints
 * are public, so each client address gets a small request budget (install/rate-limit.ts).
 */
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Keyring } from '../../crypto/keyring.js';
import type { Db } from '../../db/database.js';
import { runInstall, type InstallOutcome } from '../../install/run-install.js';
import { createJumpsellerClient } from '../../jumpseller/client.js';
import { OAuthConfigurationError, OAuthRefusedError, type JumpsellerOAuthClient } from '../../jumpseller/oauth.js';
import type { Logger } from '../../observability/logger.js';
import { saveInstalledStore } from '../../stores/oauth-tokens.js';
import type { StoreRegistry } from '../../stores/registry.js';
import { HttpError } from '../errors.js';
import { createOAuthState, takeOAuthState } from './oauth-states.js';
import { perClientRateLimit } from './rate-limit.js';

export interface InstallDeps {
  db: Db;
  stores: StoreRegistry;
  /** Starts the install workflow on `mainTaskQueue`. */
  temporal: Client;
  mainTaskQueue: string;
  /** How long the callback waits for the install's report before answering that it goes on (default 20 s). */
  installWaitMs?: number;
  /** Stores whose install is active at once (INSTALL_AUTO_APPROVE_STORES); others wait for an operator. Default: none. */
  autoApprove?: '*' | readonly string[];
  logger: Logger;
  /** Unset when JUMPSELLER_APP_CLIENT_ID/SECRET are missing: the install answers 503 saying so. */
  oauth: JumpsellerOAuthClient | undefined;
  /** SECRETS_KEY: seals the new store's tokens and hooks token. */
  secretsKeyring: Keyring | undefined;
  jumpsellerApiUrl: string;
  publicUrl: string;
  /** Requests per minute per client address on /install and /oauth/callback (default 30). */
  rateLimit?: { perMinute: number; trustProxy: boolean; onLimited?: () => void };
  /** Jumpseller refused the app's own credentials: the alert (a metric) beside the error log. */
  onConfigurationError?: () => void;
}

const STORE_CODE = /^[a-z0-9][a-z0-9-]{0,62}$/i;

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json') || c.req.query('format') === 'json';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, lines: string[]): string {
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${escapeHtml(title)}</h1>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`;
}

export function installRoutes(deps: InstallDeps): Hono {
  const app = new Hono();
  const limit = perClientRateLimit({
    limit: deps.rateLimit?.perMinute ?? 30,
    windowMs: 60_000,
    trustProxy: deps.rateLimit?.trustProxy ?? false,
    ...(deps.rateLimit?.onLimited ? { onLimited: deps.rateLimit.onLimited } : {}),
  });
  app.use('/install', limit);
  app.use('/oauth/callback', limit);

  function requireOAuth(): { oauth: JumpsellerOAuthClient; keyring: Keyring } {
    const missing = [...(deps.oauth ? [] : ['JUMPSELLER_APP_CLIENT_ID and JUMPSELLER_APP_CLIENT_SECRET']), ...(deps.secretsKeyring ? [] : ['SECRETS_KEY'])];
    if (missing.length) throw new HttpError('unavailable', `the Jumpseller app install is off: set ${missing.join(' and ')}`);
    return { oauth: deps.oauth!, keyring: deps.secretsKeyring! };
  }

  app.get('/install', async (c) => {
    const { oauth } = requireOAuth();
    const store = c.req.query('store')?.trim() || null;
    if (store !== null && !STORE_CODE.test(store)) throw new HttpError('bad_request', 'store: must be a Jumpseller store code (letters, digits and hyphens)');
    const state = await createOAuthState(deps.db, store);
    return c.redirect(oauth.authorizeUrl(state), 302);
  });

  app.get('/oauth/callback', async (c) => {
    const { oauth, keyring } = requireOAuth();
    const q = c.req.query();
    if (q['error'])
      throw new HttpError('bad_request', `Jumpseller did not authorise the install: ${q['error']}${q['error_description'] ? ` (${q['error_description'].slice(0, 200)})` : ''}`);
    if (!q['code'] || !q['state']) throw new HttpError('bad_request', 'the callback needs code and state; start the install again at /install');
    const taken = await takeOAuthState(deps.db, q['state']);
    if (!taken) throw new HttpError('bad_request', 'unknown, expired or already used state; start the install again at /install');

    let tokens;
    try {
      tokens = await oauth.exchangeCode(q['code']);
    } catch (err) {
      if (err instanceof OAuthConfigurationError) {
        // Our client id or secret is wrong: no merchant can install until an operator fixes it.
        deps.logger.error({ oauthError: err.oauthError, status: err.status }, 'Jumpseller refused the app credentials (JUMPSELLER_APP_CLIENT_ID/SECRET) during an install');
        deps.onConfigurationError?.();
        throw new HttpError('unavailable', "the install cannot finish: Jumpseller refused this app's credentials; the service operator has been alerted");
      }
      if (err instanceof OAuthRefusedError) throw new HttpError('bad_request', `${err.message}; start the install again at /install`);
      throw new HttpError('unavailable', `could not reach Jumpseller to finish the install: ${err instanceof Error ? err.message : String(err)}`);
    }
    const accessToken = tokens.accessToken;
    const js = createJumpsellerClient({ baseUrl: deps.jumpsellerApiUrl, auth: { kind: 'bearer', getAccessToken: () => Promise.resolve(accessToken) } });
    const info = await js.getStoreInfo().catch((err: unknown) => {
      throw new HttpError('unavailable', `could not read the store's information from Jumpseller: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (!info.hooks_token) throw new HttpError('bad_request', 'Jumpseller gave no hooks token: the app needs the read_store scope');
    if (taken.storeHint && taken.storeHint !== info.code) {
      deps.logger.warn({ asked: taken.storeHint, installed: info.code }, 'install started for one store and authorised on another; installing the authorised one');
    }
    const admitted = deps.autoApprove === '*' || (deps.autoApprove ?? []).includes(info.code.toLowerCase());
    const status = await saveInstalledStore(deps.db, keyring, { code: info.code, name: info.name, tokens, hooksToken: info.hooks_token }, admitted);
    deps.logger.info({ store: info.code, status }, 'Jumpseller app installed');
    if (status === 'pending_approval') {
      // Nothing runs for a store nobody approved: no hooks, no schedules, no API calls.
      const pending = `an operator must approve store ${info.code} before anything runs for it: npm run ops -- approve --store ${info.code}`;
      if (wantsJson(c)) return c.json({ installed: true, store: info.code, name: info.name, approval: 'pending', workflowId: null, steps: null, pending });
      return c.html(
        page(`Instalación recibida: ${info.name}`, [
          `La integración con relBase quedó registrada para la tienda ${info.code}.`,
          'El operador del servicio debe aprobarla; después se crean los webhooks y los campos de checkout.',
        ]),
      );
    }

    const install = await runInstall({
      temporal: deps.temporal,
      taskQueue: deps.mainTaskQueue,
      storeCode: info.code,
      publicUrl: deps.publicUrl,
      waitMs: deps.installWaitMs ?? 20_000,
    });
    const report = install.state === 'done' ? install.report : null;
    const pendingStep = pendingOf(install, info.code);
    if (install.state !== 'done') deps.logger.warn({ store: info.code, install: install.state }, 'install steps not finished yet');
    const body = { installed: true, store: info.code, name: info.name, approval: 'approved', workflowId: install.workflowId, steps: report, pending: pendingStep };
    if (wantsJson(c)) return c.json(body);
    return c.html(
      page(`Instalado en ${info.name}`, [
        `La integración con relBase quedó instalada en la tienda ${info.code}.`,
        report
          ? `Webhooks creados: ${report.hooksCreated.length}; campos de checkout creados: ${report.fieldsCreated.length}; producto de despacho ${report.shippingProductCreated ? 'creado' : 'ya existía'} en relBase.`
          : 'La instalación sigue en curso.',
        ...(pendingStep ? [`Falta un paso: ${pendingStep}`] : []),
      ]),
    );
  });

  return app;
}

/** What is left to do after the install answered (or did not yet), in words for the merchant and the operator. */
function pendingOf(install: InstallOutcome, storeCode: string): string | null {
  switch (install.state) {
    case 'done':
      return install.report.relbasePending;
    case 'running':
      return `the install steps are still running (workflow ${install.workflowId}); \`npm run ops -- install --store ${storeCode}\` shows when they are done`;
    case 'failed':
      return `${install.reason}; then run \`npm run ops -- install --store ${storeCode}\``;
  }
}
