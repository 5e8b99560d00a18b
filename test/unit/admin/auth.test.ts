/**
 * Bearer tokens by kind: operators named by their token (ADMIN_TOKEN is "admin", ADMIN_TOKENS hashed),
 * the stock-notice token good for its endpoint only, failed attempts logged without the token.
 */
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireBearer, type AuthFailureReason } from '../../../src/api/admin/auth.js';
import { errorResponse, HttpError } from '../../../src/api/errors.js';
import { createLogger } from '../../../src/observability/logger.js';
import { findTokenHolder, parseApiTokens, type ApiToken } from '../../../src/security/api-tokens.js';
import { sha256 } from '../../../src/security/token-strength.js';

const ADMIN = 'admin-token-0123456789';
const ALICE = 'alice-Zq8vN2kLp4Xw7RtY';
const BOB = 'bob-Hm3sK9dQ1fJ6uEcB';
const STOCK = 'stock-notice-V5nT8rW2yL4k';

const tokens = parseApiTokens({
  ADMIN_TOKEN: ADMIN,
  ADMIN_TOKENS: `alice:sha256:${sha256(ALICE).toString('hex')}, bob:sha256:${sha256(BOB).toString('hex').toUpperCase()}`,
  STOCK_NOTICES_TOKEN: STOCK,
});

function app(o: { realm: 'admin' | 'stock-notices'; accepted: readonly ApiToken[] }) {
  const lines: string[] = [];
  const failures: [string, AuthFailureReason][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const a = new Hono();
  a.use(
    '*',
    requireBearer({
      realm: o.realm,
      tokens: o.accepted,
      offMessage: 'off: set THE_VARIABLE',
      logger: createLogger('info', sink),
      onFailure: (realm, reason) => failures.push([realm, reason]),
    }),
  );
  a.get('/x', (c) => c.json(c.get('caller')));
  a.onError((err, c) => (err instanceof HttpError ? errorResponse(c, err.code, err.message) : c.text('boom', 500)));
  return { a, lines, failures };
}

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('bearer tokens', () => {
  it('names the operator each admin token belongs to', async () => {
    expect(tokens.problems).toEqual([]);
    const { a } = app({ realm: 'admin', accepted: tokens.admin });
    expect(await (await a.request('/x', bearer(ADMIN))).json()).toEqual({ name: 'admin', scope: 'admin' });
    expect(await (await a.request('/x', bearer(ALICE))).json()).toEqual({ name: 'alice', scope: 'admin' });
    expect(await (await a.request('/x', bearer(BOB))).json()).toEqual({ name: 'bob', scope: 'admin' });
  });

  it('keeps the stock-notice token out of the admin API, and admin tokens out of stock notices', async () => {
    const admin = app({ realm: 'admin', accepted: tokens.admin });
    expect((await admin.a.request('/x', bearer(STOCK))).status).toBe(401);
    const stock = app({ realm: 'stock-notices', accepted: [tokens.stockNotices!] });
    expect((await stock.a.request('/x', bearer(ADMIN))).status).toBe(401);
    expect((await stock.a.request('/x', bearer(ALICE))).status).toBe(401);
    expect(await (await stock.a.request('/x', bearer(STOCK))).json()).toEqual({ name: 'stock-notices', scope: 'stock-notices' });
  });

  it.each([
    ['no header', undefined, /missing bearer token/, 'missing'],
    ['a wrong token', `Bearer ${ADMIN}x`, /wrong admin token/, 'wrong'],
    ['a prefix of a token', `Bearer ${ALICE.slice(0, -1)}`, /wrong admin token/, 'wrong'],
    ['the digest instead of the token', `Bearer sha256:${sha256(ALICE).toString('hex')}`, /wrong admin token/, 'wrong'],
    ['basic auth', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`, /missing bearer token/, 'missing'],
  ])('answers 401 to %s, and logs and counts the failure without the token', async (_, header, message, reason) => {
    const { a, lines, failures } = app({ realm: 'admin', accepted: tokens.admin });
    const res = await a.request('/x', header ? { headers: { authorization: header } } : {});
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'unauthorized' });
    expect(body.error.message).toMatch(message);
    expect(failures).toEqual([['admin', reason]]);
    const log = lines.join('');
    expect(log).toMatch(/authentication failed/);
    expect(log).toContain(`"reason":"${reason}"`);
    for (const secret of [ADMIN, ALICE, ALICE.slice(0, -1), BOB]) {
      expect(log).not.toContain(secret);
      expect(JSON.stringify(body)).not.toContain(secret);
    }
  });

  it('answers 503 naming the variable when no token of its kind is configured', async () => {
    const { a } = app({ realm: 'stock-notices', accepted: [] });
    const res = await a.request('/x', bearer(STOCK));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/THE_VARIABLE/);
  });

  it('finds the holder among tokens of any length, and nobody for a near miss', () => {
    expect(findTokenHolder(tokens.admin, BOB)?.name).toBe('bob');
    expect(findTokenHolder(tokens.admin, '')).toBeUndefined();
    expect(findTokenHolder(tokens.admin, `${BOB}${BOB}`)).toBeUndefined();
    expect(findTokenHolder([], BOB)).toBeUndefined();
  });
});
