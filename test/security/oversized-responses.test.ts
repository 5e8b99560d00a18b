/**
 * Oversized API answers: a Jumpseller API or OAuth server (broken, hostile or impersonated) that sends
 * an endless body costs at most the cap in memory: the client stops reading, closes the connection
 * and fails for good (`badResponse`) instead of buffering gigabytes.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-errors.js';
import { readTextCapped, ResponseTooLargeError } from '../../src/http/response-body.js';
import { createJumpsellerClient } from '../../src/jumpseller/client.js';
import { createJumpsellerOAuthClient, MAX_TOKEN_RESPONSE_BYTES } from '../../src/jumpseller/oauth.js';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.js';

const CAP = 256 * 1024;
let server: HttpFixture;
/** Bytes the endless answers managed to write before the client hung up. */
const written: number[] = [];

function endless(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  let sent = 0;
  const pump = () => {
    while (!res.destroyed && sent < 64 * 1024 * 1024) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  res.once('close', () => written.push(sent));
  res.write('{"store":"');
  pump();
}

beforeAll(async () => {
  server = await startHttpFixture({
    '/v1/store/info.json': (_, res) => endless(res),
    '/v1/products.json': (_, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024 * 1024) }).end('[]'),
    '/oauth/token': (_, res) => endless(res),
  });
});

afterAll(() => server?.close());

const base = () => `http://127.0.0.1:${server.port}`;

describe('oversized answers', () => {
  it('an endless Jumpseller API answer is cut at the cap and fails for good', async () => {
    const js = createJumpsellerClient({ baseUrl: `${base()}/v1`, auth: { kind: 'basic', login: 'l', authToken: 't' }, maxResponseBytes: CAP });
    const err = (await js.getStoreInfo().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('badResponse');
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/more than 262144 bytes/);
    await expect.poll(() => written.length).toBeGreaterThan(0);
    expect(written.at(-1)!).toBeLessThan(16 * CAP); // stopped reading long before the server's 64 MB
  });

  it('a Content-Length over the cap is refused before reading', async () => {
    const js = createJumpsellerClient({ baseUrl: `${base()}/v1`, auth: { kind: 'basic', login: 'l', authToken: 't' }, maxResponseBytes: CAP });
    await expect(js.listProducts({ page: 1, limit: 50 })).rejects.toMatchObject({ code: 'badResponse' });
  });

  it('an endless OAuth token answer is cut at 64 kB', async () => {
    const before = written.length;
    const oauth = createJumpsellerOAuthClient({ oauthUrl: base(), clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb' });
    await expect(oauth.refresh('r')).rejects.toMatchObject({ code: 'badResponse' });
    await expect.poll(() => written.length).toBeGreaterThan(before);
    expect(written.at(-1)!).toBeLessThan(64 * MAX_TOKEN_RESPONSE_BYTES);
  });

  it('the shared helper (for the relBase transport too) reads within the cap and refuses past it', async () => {
    expect(await readTextCapped(new Response('{"ok":true}'), 64)).toBe('{"ok":true}');
    await expect(readTextCapped(new Response('x'.repeat(65)), 64)).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(readTextCapped(new Response('x', { headers: { 'content-length': '65' } }), 64)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
