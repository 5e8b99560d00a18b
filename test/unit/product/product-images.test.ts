/**
 * Downloading a product image over real HTTP from a local server standing in for the CDN (`cdn.test`,
 * resolved to 127.0.0.1 with the same explicit allowance the sandbox uses): the bytes, the file name,
 * and which failures are permanent. What the guard refuses is in test/security/image-downloads.test.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadImage, type ImageDownloadOptions } from '../../../src/activities/product-images.js';
import { fakeDns, startHttpFixture, type HttpFixture } from '../../support/http-fixture.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
let cdn: HttpFixture;
let options: ImageDownloadOptions;

beforeAll(async () => {
  cdn = await startHttpFixture({
    '/a/b/foto.png': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png),
    '/img/123': (_, res) => res.writeHead(200, { 'content-type': 'image/jpeg; q=1' }).end(png),
    '/html': (_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    '/declared-large': (_, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' }).end(),
    '/large': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(new Uint8Array(64)),
    '/empty': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(),
    '/gone': (_, res) => res.writeHead(404).end('gone'),
    '/busy': (_, res) => res.writeHead(503).end('busy'),
    '/moved': (_, res) => res.writeHead(302, { location: '/a/b/foto.png' }).end(),
  });
  options = { policy: { allowedHosts: ['cdn.test'], privateOriginsAllowed: [`cdn.test:${cdn.port}`] }, lookup: fakeDns({ 'cdn.test': '127.0.0.1', 'nothing.test': '127.0.0.1' }) };
});

afterAll(() => cdn?.close());

const url = (path: string) => `http://cdn.test:${cdn.port}${path}`;

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('downloadImage', () => {
  it('returns the bytes with their content type and a file name, following a redirect on an allowed host', async () => {
    const img = await downloadImage(url('/a/b/foto.png?v=2'), options);
    expect(img).toEqual({ bytes: png, filename: 'foto.png', contentType: 'image/png' });
    expect((await downloadImage(url('/img/123'), options)).filename).toBe('123.jpg');
    expect((await downloadImage(url('/moved'), options)).filename).toBe('foto.png');
  });

  it('refuses for good what is not an image, too large, empty or gone', async () => {
    const cases: [string, string][] = [
      ['/html', 'not an image'],
      ['/declared-large', 'more than'],
      ['/large', 'more than'],
      ['/empty', 'empty'],
      ['/gone', '404'],
    ];
    for (const [path, message] of cases) {
      const err = await failure(downloadImage(url(path), { ...options, maxBytes: 32 }));
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect(err.message).toContain(message);
    }
    const notHttp = await failure(downloadImage('file:///etc/passwd', options));
    expect((notHttp as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('leaves server errors and network failures to Temporal retries', async () => {
    const err = await failure(downloadImage(url('/busy'), options));
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(err.message).toContain('503');
    // Nothing listens on port 1: connection refused.
    const net = await failure(downloadImage('http://nothing.test:1/x.png', { ...options, policy: { allowedHosts: ['nothing.test'], privateOriginsAllowed: ['nothing.test:1'] } }));
    expect(net).not.toBeInstanceOf(ApplicationFailure);
  });
});
