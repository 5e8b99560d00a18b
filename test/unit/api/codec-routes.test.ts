/**
 * The codec endpoint the Temporal Web UI decodes payloads through (Temporal's remote codec protocol),
 * driven with app.request(): who may call it, from where, and what it answers.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { codecRoutes, makeSession, SESSION_COOKIE, sessionHolder } from '../../../src/api/codec/routes.js';
import { parseApiTokens } from '../../../src/security/api-tokens.js';
import { errorResponse, HttpError } from '../../../src/api/errors.js';
import { keyringOf } from '../../../src/crypto/keyring.js';
import { createLogger } from '../../../src/observability/logger.js';
import { EncryptionCodec } from '../../../src/temporal/payload-codec.js';

const TOKEN = 'codec-test-admin-Vb7qK2mLx9Rw';
const DEV = 'dev-path-token-abcdef';
const UI = 'http://localhost:8233';
const keyring = keyringOf([{ id: 'k1', key: randomBytes(32) }]);
const RUT = '76.192.083-9';

function app(o: { adminToken?: string; devPathToken?: string } = { adminToken: TOKEN }) {
  const a = new Hono();
  a.route(
    '/',
    codecRoutes({
      keyring,
      logger: createLogger('silent'),
      adminTokens: o.adminToken ? parseApiTokens({ ADMIN_TOKEN: o.adminToken }).admin : [],
      allowedOrigins: [UI],
      secureCookies: false,
      ...(o.devPathToken ? { devPathToken: o.devPathToken } : {}),
    }),
  );
  a.onError((err, c) => (err instanceof HttpError ? errorResponse(c, err.code, err.message, err.details) : c.text(String(err), 500)));
  a.notFound((c) => c.text('none', 404));
  return a;
}

type JsonPayload = { metadata: Record<string, string>; data: string };
const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
/** What the workers put in Temporal: the receiver, sealed by the same codec. */
async function sealedReceiver(): Promise<JsonPayload> {
  const [sealed] = await new EncryptionCodec(keyring).encode([defaultPayloadConverter.toPayload({ rut: RUT, razonSocial: 'Comercial Ejemplo SpA' })]);
  return asJson(sealed!);
}
const post = (a: Hono, path: string, body: unknown, headers: Record<string, string> = {}) =>
  a.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify(body) });
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('/codec/decode and /codec/encode (Temporal remote codec protocol)', () => {
  it('decodes what the workers sealed into the payload JSON the Web UI shows', async () => {
    const res = await post(app(), '/codec/decode', { payloads: [await sealedReceiver()] }, bearer);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { payloads: JsonPayload[] };
    expect(body.payloads).toHaveLength(1);
    expect(Buffer.from(body.payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString())).toEqual({ rut: RUT, razonSocial: 'Comercial Ejemplo SpA' });
  });

  it('encodes (what the UI does with a signal typed in) so the workers open it, and decode reverses it', async () => {
    const plain = asJson(defaultPayloadConverter.toPayload({ note: RUT }));
    const encoded = (await (await post(app(), '/codec/encode', { payloads: [plain] }, bearer)).json()) as { payloads: JsonPayload[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString('latin1')).not.toContain(RUT);
    const decoded = (await (await post(app(), '/codec/decode', encoded, bearer)).json()) as { payloads: JsonPayload[] };
    expect(decoded.payloads).toEqual([plain]);
  });

  it('passes payloads that are not encrypted through unchanged', async () => {
    const plain = asJson(defaultPayloadConverter.toPayload('hola'));
    expect(await (await post(app(), '/codec/decode', { payloads: [plain] }, bearer)).json()).toEqual({ payloads: [plain] });
  });

  it.each([
    ['no credentials', {}],
    ['a wrong bearer token', { authorization: `Bearer ${TOKEN}x` }],
    ['a forged session cookie', { cookie: `${SESSION_COOKIE}=v1.99999999999999.${'A'.repeat(43)}` }],
  ])('refuses %s with 401, saying how to sign in, and shows no payload', async (_, headers) => {
    const res = await post(app(), '/codec/decode', { payloads: [await sealedReceiver()] }, headers);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toMatch(/codec\/session/);
    expect(text).not.toContain(RUT);
  });

  it('is off (503) without ADMIN_TOKEN, except for the embedded UI’s secret path', async () => {
    const a = app({ devPathToken: DEV });
    expect((await post(a, '/codec/decode', { payloads: [] }, bearer)).status).toBe(503);
    expect((await post(a, `/codec/dev/${DEV}/decode`, { payloads: [await sealedReceiver()] })).status).toBe(200);
    expect((await post(a, `/codec/dev/${DEV}x/decode`, { payloads: [] })).status).toBe(404);
    expect((await post(app(), `/codec/dev/${DEV}/decode`, { payloads: [] })).status).toBe(404);
  });

  it('signs a browser in with the admin token (HttpOnly, SameSite=Strict cookie on /codec) and then decodes for it', async () => {
    const a = app();
    const wrong = await a.request('/codec/session', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const res = await a.request('/codec/session', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/codec/);
    expect(cookie).not.toContain(TOKEN);
    const session = /jr_codec_session=([^;]+)/.exec(cookie)![1]!;
    const decoded = await post(a, '/codec/decode', { payloads: [await sealedReceiver()] }, { cookie: `${SESSION_COOKIE}=${session}`, origin: UI });
    expect(decoded.status).toBe(200);
    expect(Buffer.from(((await decoded.json()) as { payloads: JsonPayload[] }).payloads[0]!.data, 'base64').toString()).toContain(RUT);
  });

  it('lets sessions expire, and a changed or removed operator token voids them', () => {
    const tokens = parseApiTokens({ ADMIN_TOKEN: TOKEN }).admin;
    const s = makeSession(tokens[0]!, 1_000);
    expect(sessionHolder(tokens, s, 2_000)?.name).toBe('admin');
    expect(sessionHolder(tokens, s, 1_000 + 12 * 3600_000 + 1)).toBeUndefined();
    expect(sessionHolder(parseApiTokens({ ADMIN_TOKEN: 'codec-test-rotated-Pq4Zt8Wn3Ky' }).admin, s, 2_000)).toBeUndefined();
    expect(sessionHolder([], s, 2_000)).toBeUndefined();
  });

  it('answers the Web UI’s preflight with its origin and credentials allowed, and refuses other origins outright', async () => {
    const a = app();
    const preflight = await a.request('/codec/decode', {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const evil = await post(a, '/codec/decode', { payloads: [await sealedReceiver()] }, { ...bearer, origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 400 to a body that is not the protocol’s, and to a payload sealed with a key it lacks', async () => {
    const bad = await post(app(), '/codec/decode', { nope: true }, bearer);
    expect(bad.status).toBe(400);
    const otherKey = asJson((await new EncryptionCodec(keyringOf([{ id: 'k9', key: randomBytes(32) }])).encode([defaultPayloadConverter.toPayload(RUT)]))[0]!);
    const res = await post(app(), '/codec/decode', { payloads: [otherKey] }, bearer);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/key id "k9"/);
  });
});
