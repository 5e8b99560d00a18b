import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireAdminToken, tokenMatches } from '../../../src/api/admin/auth.js';
import { errorResponse, HttpError } from '../../../src/api/errors.js';

const TOKEN = 'admin-token-0123456789';

function app(token: string | undefined) {
  const a = new Hono();
  a.use('/admin/*', requireAdminToken(token));
  a.get('/admin/ping', (c) => c.json({ ok: true }));
  a.onError((err, c) => (err instanceof HttpError ? errorResponse(c, err.code, err.message) : c.text('boom', 500)));
  return a;
}

describe('admin bearer token', () => {
  it('lets the right token through', async () => {
    const res = await app(TOKEN).request('/admin/ping', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no header', undefined, /missing bearer token/],
    ['a wrong token', `Bearer ${TOKEN}x`, /wrong admin token/],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, /wrong admin token/],
    ['basic auth', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, /missing bearer token/],
  ])('answers 401 with %s, in the error envelope', async (_, header, message) => {
    const res = await app(TOKEN).request('/admin/ping', header ? { headers: { authorization: header } } : {});
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(message);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it('answers 503 saying how to turn the admin API on when ADMIN_TOKEN is unset', async () => {
    const res = await app(undefined).request('/admin/ping', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/ADMIN_TOKEN/);
  });

  it('compares tokens of any length', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN, '')).toBe(false);
    expect(tokenMatches(TOKEN, `${TOKEN}${TOKEN}`)).toBe(false);
  });
});
