/** The operator commands of `npm run ops`: a new operator token, reactivate, the audit log. */
import { describe, expect, it } from 'vitest';
import { runOps } from '../../../src/cli/ops.js';
import { loadConfig } from '../../../src/config.js';
import { findTokenHolder } from '../../../src/security/api-tokens.js';

async function run(args: string[], answer: (method: string, path: string) => unknown = () => ({})) {
  const calls: string[] = [];
  let out = '';
  let err = '';
  const code = await runOps(args, {
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
      return Promise.resolve(new Response(JSON.stringify(answer(init?.method ?? 'GET', url.pathname)), { status: 200, headers: { 'content-type': 'application/json' } }));
    },
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { OPS_TOKEN: 'ops-token-Zq8vN2kLp4Xw7RtY', PORT: '3999' },
  });
  return { code, out, err, calls };
}

describe('ops operator commands', () => {
  it('new-token prints a strong token and the ADMIN_TOKENS entry the service accepts it with, without calling the service', async () => {
    const r = await run(['new-token', 'carol']);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    const token = /^ {2}(\S+)$/m.exec(r.out)![1]!;
    const entry = /^ {2}(carol:sha256:[0-9a-f]{64})$/m.exec(r.out)![1]!;
    const config = loadConfig({ ADMIN_TOKENS: entry }); // refused at start if it were weak or malformed
    expect(findTokenHolder(config.apiTokens.admin, token)?.name).toBe('carol');
    expect((await run(['new-token', 'carol'])).out).not.toContain(token); // a new one each time
    expect((await run(['new-token', 'bad name'])).code).toBe(2);
  });

  it('reactivate posts to the store and says what Jumpseller answered', async () => {
    const r = await run(['reactivate', '--store', 'shop'], () => ({ store: 'shop', status: 'active', reactivated: true, jumpseller: 'ok' }));
    expect(r.calls).toEqual(['POST /admin/stores/shop/reactivate']);
    expect(r.out).toBe('shop is active again; Jumpseller: ok\n');
  });

  it('audit lists who did what, filtered as asked', async () => {
    const r = await run(['audit', '--limit', '5', '--actor', 'alice', '--store', 'shop'], () => ({
      entries: [{ at: '2026-12-01T10:00:00.000Z', actor: 'alice', action: 'PATCH /admin/stores/:code/settings', store: 'shop', subject: null, outcome: 'ok', status: 200 }],
    }));
    expect(r.calls).toEqual(['GET /admin/audit?limit=5&store=shop&actor=alice']);
    expect(r.out).toMatch(/alice\s+PATCH \/admin\/stores\/:code\/settings\s+shop\s+ok\s+200/);
    expect((await run(['audit', '--limit', 'many'])).code).toBe(2);
  });
});
