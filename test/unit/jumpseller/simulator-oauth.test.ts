import { describe, expect, it } from 'vitest';
import { createJumpsellerSimulator } from '../../../src/sandbox/jumpseller/simulator.js';

const REDIRECT = 'https://app.example/oauth/callback';

async function authorize(sim: ReturnType<typeof createJumpsellerSimulator>): Promise<string> {
  const q = new URLSearchParams({
    client_id: sim.oauthClient.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'read_store read_orders',
    state: 'xyz',
  });
  const res = await sim.app.request(`/oauth/authorize?${q.toString()}`);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('xyz');
  return location.searchParams.get('code') ?? '';
}

function token(sim: ReturnType<typeof createJumpsellerSimulator>, fields: Record<string, string>) {
  return sim.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sim.oauthClient.clientId, client_secret: sim.oauthClient.clientSecret, ...fields }).toString(),
  });
}

const storeInfo = (sim: ReturnType<typeof createJumpsellerSimulator>, accessToken: string) =>
  sim.app.request('/v1/store/info.json', { headers: { authorization: `Bearer ${accessToken}` } });

describe('simulator OAuth', () => {
  it('exchanges a code for tokens that work until they expire, and refreshes them', async () => {
    const sim = createJumpsellerSimulator();
    const code = await authorize(sim);
    const res = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; refresh_token: string; token_type: string; expires_in: number; created_at: number };
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(Math.abs(tokens.created_at - Date.now() / 1000)).toBeLessThan(5);
    expect((await storeInfo(sim, tokens.access_token)).status).toBe(200);

    // The code is single use.
    expect((await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(400);

    sim.advanceClock(3_600_001);
    const expired = await storeInfo(sim, tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ message: expect.any(String) as unknown });

    const refreshed = await token(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string };
    expect((await storeInfo(sim, next.access_token)).status).toBe(200);
  });

  it('answers 401 to a revoked refresh token and to a wrong client secret', async () => {
    const sim = createJumpsellerSimulator();
    const { refresh_token } = sim.issueAccessToken();
    sim.revokeAllTokens();
    expect((await token(sim, { grant_type: 'refresh_token', refresh_token })).status).toBe(401);
    const res = await sim.app.request('/oauth/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token, client_id: sim.oauthClient.clientId, client_secret: 'nope' }),
    });
    expect(res.status).toBe(401);
  });

  it('answers 401 {"message"} to wrong Basic credentials and accepts the deprecated query parameters', async () => {
    const sim = createJumpsellerSimulator({ login: 'store-login', authToken: 'right-token-123' });
    const wrong = await sim.app.request('/v1/store/info.json', {
      headers: { authorization: `Basic ${Buffer.from('store-login:wrong-token').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const body = await wrong.text();
    expect(JSON.parse(body)).toHaveProperty('message');
    expect(body).not.toContain('wrong-token');
    const legacy = await sim.app.request('/v1/store/info.json?login=store-login&authtoken=right-token-123');
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as { store: { code: string } }).store.code).toBe('tienda-simulada');
  });

  it('puts the rate-limit headers on successful answers too', async () => {
    const sim = createJumpsellerSimulator({ login: 'l', authToken: 'tok-tok-tok', rateLimit: { perSecond: 3 } });
    const auth = { authorization: `Basic ${Buffer.from('l:tok-tok-tok').toString('base64')}` };
    const statuses = [];
    const remaining = [];
    for (let i = 0; i < 4; i++) {
      const res = await sim.app.request('/v1/products/count.json', { headers: auth });
      statuses.push(res.status);
      remaining.push(res.headers.get('Jumpseller-PerSecondRateLimit-Remaining'));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    expect(sim.requestStats()).toMatchObject({ total: 4, throttled: 1 });
  });
});
