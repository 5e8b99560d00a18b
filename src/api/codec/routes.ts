/**
 * Temporal's remote codec protocol, so the Temporal Web UI (and `temporal --codec-endpoint`) show the
 * encrypted payloads decoded to operators allowed to see them: `POST /codec/decode` and
 * `POST /codec/encode` take and answer `{ "payloads": [{ "metadata": { k: base64 }, "data": base64 }] }`
 * (protobuf's JSON form of Payload), the same codec the workers use (src/temporal/payload-codec.ts).
 *
 * Who may call it:
 * - `Authorization: Bearer <an operator's admin token>` (scripts, the CLI);
 * - a browser holding the session cookie `POST /codec/session` gives for an operator's admin token, on the
 *   Web UI's fetches when the UI is configured with `includeCredentials` (the cluster's and compose's
 *   UI are). The cookie is HttpOnly, SameSite=Strict and scoped to /codec: it cannot be used from
 *   another site, and it is no admin API credential;
 * - `npm start`'s embedded Web UI, which can send no credentials at all: it is given
 *   `/codec/dev/<token>`, a path with a secret made for that run (src/api/codec/dev-endpoint.ts).
 * Browsers may call it only from the Web UI's origins (CORS, TEMPORAL_UI_ORIGINS); a request carrying
 * another Origin is refused outright. Without admin tokens (ADMIN_TOKEN, ADMIN_TOKENS) only the
 * embedded UI's path works.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { z } from 'zod';
import type { Keyring } from '../../crypto/keyring.js';
import type { Logger } from '../../observability/logger.js';
import { EncryptionCodec } from '../../temporal/payload-codec.js';
import { findTokenHolder, type ApiToken } from '../../security/api-tokens.js';
import { errorResponse, HttpError } from '../errors.js';

export interface CodecDeps {
  keyring: Keyring;
  logger: Logger;
  /** The operators' admin tokens (digests); none: bearer and session access are off (only the embedded UI's path works, if any). */
  adminTokens: readonly ApiToken[];
  /** Origins of the Web UI allowed to call from a browser. */
  allowedOrigins: string[];
  /** npm start's embedded Web UI: the secret path segment of its codec endpoint. */
  devPathToken?: string;
  /** Set the session cookie `Secure` (the API is reached over https). */
  secureCookies: boolean;
  now?: () => number;
}

export const SESSION_COOKIE = 'jr_codec_session';
const SESSION_MS = 12 * 60 * 60_000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_PAYLOADS = 10_000;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const PayloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(MAX_PAYLOADS, `at most ${MAX_PAYLOADS} payloads per request`),
});

type JsonPayload = { metadata?: Record<string, string>; data?: string };

const fromJson = (p: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * A session is `v2.<operator>.<expiry ms>.<mac>`, the mac keyed by that operator's token digest (never
 * sent anywhere): valid in every API process, void when the operator's token changes or is removed.
 */
function sessionMac(holder: ApiToken, expires: number): string {
  const key = createHash('sha256').update('codec-session\0').update(holder.sha256).digest();
  return createHmac('sha256', key).update(`v2.${holder.name}.${expires}`).digest('base64url');
}

export function makeSession(holder: ApiToken, now: number): string {
  const expires = now + SESSION_MS;
  return `v2.${holder.name}.${expires}.${sessionMac(holder, expires)}`;
}

/** The operator whose valid session the cookie is, or undefined. */
export function sessionHolder(tokens: readonly ApiToken[], cookie: string | undefined, now: number): ApiToken | undefined {
  const m = /^v2\.([A-Za-z0-9_.-]{1,64})\.(\d{1,16})\.([\w-]{43})$/.exec(cookie ?? '');
  if (!m) return undefined;
  const holder = tokens.find((t) => t.name === m[1]);
  const expires = Number(m[2]);
  if (!holder || !(expires > now)) return undefined;
  return timingSafeEqual(Buffer.from(sessionMac(holder, expires)), Buffer.from(m[3]!)) ? holder : undefined;
}

/** Constant-time equality of two strings (the embedded UI's secret path segment). */
function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}input{font:inherit;width:100%;margin:.5rem 0}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const LOGIN_FORM = `<p>Sign in with your admin token to see decoded payloads in the Temporal Web UI for the next 12 hours (this browser only).</p>
<form method="post" action="/codec/session"><label>Admin token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/codec/session/end"><button type="submit">Sign out</button></form>`;

export function codecRoutes(deps: CodecDeps): Hono {
  const now = deps.now ?? Date.now;
  const codec = new EncryptionCodec(deps.keyring);
  const allowed = new Set(deps.allowedOrigins);

  const app = new Hono();
  // A browser's request from anywhere but the Web UI is refused before anything else runs: the
  // session cookie is SameSite=Strict already, this keeps other pages of the same site out too.
  app.use('/codec/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowed.has(origin) && !isSameOrigin(c.req.url, origin))
      throw new HttpError('forbidden', 'this origin may not call the codec endpoint (TEMPORAL_UI_ORIGINS)');
    await next();
  });
  app.use(
    '/codec/*',
    cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      credentials: true,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization', 'Authorization-Extras'],
      maxAge: 600,
    }),
  );
  app.use('/codec/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, 'payload_too_large', `at most ${MAX_BODY_BYTES} bytes per request`) }));

  const authorised: MiddlewareHandler = async (c, next) => {
    if (deps.adminTokens.length === 0)
      throw new HttpError('unavailable', 'the codec endpoint is off: set ADMIN_TOKEN or ADMIN_TOKENS (its bearer tokens, and what /codec/session signs in with)');
    const bearer = /^Bearer\s+(.+)$/i.exec((c.req.header('authorization') ?? '').trim())?.[1]?.trim();
    const holder = bearer !== undefined ? findTokenHolder(deps.adminTokens, bearer) : sessionHolder(deps.adminTokens, getCookie(c, SESSION_COOKIE), now());
    if (holder) return next();
    deps.logger.warn({ path: '/codec', via: bearer !== undefined ? 'bearer' : 'session' }, 'codec request refused: no valid admin token or session');
    c.header('WWW-Authenticate', 'Bearer realm="codec"');
    throw new HttpError('unauthorized', 'sign in at /codec/session, or send Authorization: Bearer <your admin token>');
  };

  const devPath: MiddlewareHandler = async (c, next) => {
    if (!deps.devPathToken || !sameSecret(deps.devPathToken, c.req.param('token') ?? '')) throw new HttpError('not_found', 'no such codec endpoint');
    return next();
  };

  const handle = (op: 'encode' | 'decode') => async (c: Context) => {
    const parsed = PayloadsBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      throw new HttpError(
        'bad_request',
        'expected {"payloads": [{"metadata": {…base64}, "data": base64}]}',
        parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    const payloads = parsed.data.payloads.map(fromJson);
    try {
      const out = op === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return c.json({ payloads: out.map(toJson) });
    } catch (err) {
      // The codec's messages name key ids, never payload contents.
      throw new HttpError('bad_request', err instanceof Error ? err.message : `could not ${op}`);
    }
  };

  for (const op of ['encode', 'decode'] as const) {
    app.post(`/codec/${op}`, authorised, handle(op));
    app.post(`/codec/dev/:token/${op}`, devPath, handle(op));
  }

  app.get('/codec/session', (c) =>
    c.html(page('Temporal payloads: sign in', deps.adminTokens.length > 0 ? LOGIN_FORM : '<p>Off: set ADMIN_TOKEN or ADMIN_TOKENS and restart.</p>')),
  );
  app.post('/codec/session', async (c) => {
    if (deps.adminTokens.length === 0) throw new HttpError('unavailable', 'the codec endpoint is off: set ADMIN_TOKEN or ADMIN_TOKENS');
    const form: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
    const token = typeof form['token'] === 'string' ? form['token'].trim() : '';
    const holder = findTokenHolder(deps.adminTokens, token);
    if (!holder) {
      deps.logger.warn({ path: '/codec/session' }, 'codec sign-in refused: wrong admin token');
      return c.html(page('Wrong token', `<p>That is not the admin token.</p>${LOGIN_FORM}`), 401);
    }
    setCookie(c, SESSION_COOKIE, makeSession(holder, now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/codec',
      maxAge: SESSION_MS / 1000,
      secure: deps.secureCookies,
    });
    deps.logger.info({ path: '/codec/session', operator: holder.name }, 'codec session started');
    return c.html(page('Signed in', '<p>The Temporal Web UI in this browser now shows payloads decoded, for 12 hours. Reload its page.</p>'));
  });
  app.post('/codec/session/end', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/codec', secure: deps.secureCookies });
    return c.html(page('Signed out', '<p>The Web UI in this browser shows payloads encrypted again.</p>'));
  });
  return app;
}

/** The login form posts from the API's own page: its own origin is always fine. */
function isSameOrigin(requestUrl: string, origin: string): boolean {
  try {
    return new URL(requestUrl).host === new URL(origin).host;
  } catch {
    return false;
  }
}
