import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { downloadImage } from '../../../src/activities/product-images.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
const answer = (body: ConstructorParameters<typeof Response>[0], init: ResponseInit) => (() => Promise.resolve(new Response(body, init))) as unknown as typeof fetch;

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('downloadImage', () => {
  it('returns the bytes with their content type and a file name', async () => {
    const img = await downloadImage('https://cdn.example/a/b/foto.png?v=2', { fetch: answer(png, { status: 200, headers: { 'content-type': 'image/png' } }) });
    expect(img).toEqual({ bytes: png, filename: 'foto.png', contentType: 'image/png' });
    const noExt = await downloadImage('https://cdn.example/img/123', { fetch: answer(png, { status: 200, headers: { 'content-type': 'image/jpeg; q=1' } }) });
    expect(noExt.filename).toBe('123.jpg');
  });

  it('refuses for good what is not an image, too large, empty or gone', async () => {
    const cases: [typeof fetch, string][] = [
      [answer('<html>', { status: 200, headers: { 'content-type': 'text/html' } }), 'not an image'],
      [answer(png, { status: 200, headers: { 'content-type': 'image/png', 'content-length': '100000' } }), 'more than'],
      [answer(new Uint8Array(64), { status: 200, headers: { 'content-type': 'image/png' } }), 'more than'],
      [answer(null, { status: 200, headers: { 'content-type': 'image/png' } }), 'empty'],
      [answer('gone', { status: 404 }), '404'],
    ];
    for (const [fetchImpl, message] of cases) {
      const err = await failure(downloadImage('https://cdn.example/x.png', { fetch: fetchImpl, maxBytes: 32 }));
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect(err.message).toContain(message);
    }
    const notHttp = await failure(downloadImage('file:///etc/passwd'));
    expect((notHttp as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('leaves server errors and network failures to Temporal retries', async () => {
    const err = await failure(downloadImage('https://cdn.example/x.png', { fetch: answer('busy', { status: 503 }) }));
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    const net = await failure(downloadImage('https://cdn.example/x.png', { fetch: (() => Promise.reject(new TypeError('fetch failed'))) as unknown as typeof fetch }));
    expect(net).not.toBeInstanceOf(ApplicationFailure);
  });
});
