/**
 * Product image URLs come from the store's catalog, so they are attacker-chosen. Each attack here is
 * refused for good (a non-retryable failure) and nothing reaches the internal address: image URLs
 * aimed at 127.0.0.1, 169.254.169.254, private and IPv6 ranges, names that resolve there, redirects
 * to them, and hosts off the allowlist. A local server stands in for "something internal" and
 * records whether it was reached.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadImage, type ImageDownloadOptions } from '../../src/activities/product-images.js';
import { isPublicAddress } from '../../src/http/address-policy.js';
import { fakeDns, startHttpFixture, type HttpFixture } from '../support/http-fixture.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
let internal: HttpFixture;
let cdn: HttpFixture;

beforeAll(async () => {
  // The "internal service" an attacker wants to reach; it would answer with an image to prove a hit.
  internal = await startHttpFixture({ '/secret.png': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png) });
  // An allowed CDN (allowed to live on loopback for this test only) that redirects wherever it is told.
  cdn = await startHttpFixture({
    '/redirect': (req, res) => res.writeHead(302, { location: new URL(req.url!, 'http://x').searchParams.get('to')! }).end(),
    '/loop': (_, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/ok.png': (_, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png),
  });
});

afterAll(async () => {
  await internal?.close();
  await cdn?.close();
});

const dns = () =>
  fakeDns({
    'cdn.test': '127.0.0.1',
    'rebind.test': '127.0.0.1',
    'metadata.test': '169.254.169.254',
    'private.test': '10.0.0.7',
    'mixed.test': ['93.184.216.34', '127.0.0.1'],
    'v6-loopback.test': '::1',
    'v6-mapped.test': '::ffff:127.0.0.1',
    'v6-ula.test': 'fd12:3456::1',
  });

/** Allowed hosts as an operator might list them; only `cdn.test` on its port may be private (the test's CDN). */
function options(): ImageDownloadOptions {
  return {
    policy: {
      allowedHosts: [
        'cdn.test',
        'rebind.test',
        'metadata.test',
        'private.test',
        'mixed.test',
        'v6-loopback.test',
        'v6-mapped.test',
        'v6-ula.test',
        '127.0.0.1',
        '169.254.169.254',
        '10.0.0.7',
        '[::1]',
        '::1',
        '::ffff:127.0.0.1',
        '*.jumpseller.com',
      ],
      privateOriginsAllowed: [`cdn.test:${cdn.port}`],
    },
    lookup: dns(),
    timeoutMs: 5000,
  };
}

async function refusal(url: string, o: ImageDownloadOptions = options()): Promise<string> {
  const before = internal.requests.length;
  try {
    await downloadImage(url, o);
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).type).toBe('image.unusable');
    expect(internal.requests.length).toBe(before); // the internal server was never reached
    return (err as Error).message;
  }
  throw new Error(`expected ${url} to be refused`);
}

const at = (host: string) => `http://${host}:${internal.port}/secret.png`;

describe('image downloads refuse', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['169.254.169.254 (cloud metadata)', '169.254.169.254'],
    ['a private range', '10.0.0.7'],
    ['IPv6 loopback', '[::1]'],
    ['IPv4-mapped IPv6 loopback', '[::ffff:127.0.0.1]'],
  ])('a literal address: %s', async (_, host) => {
    expect(await refusal(at(host))).toMatch(/not public|refused/);
  });

  it.each([
    ['127.0.0.1', 'rebind.test'],
    ['169.254.169.254', 'metadata.test'],
    ['10.0.0.7', 'private.test'],
    ['a public and a loopback address at once', 'mixed.test'],
    ['::1', 'v6-loopback.test'],
    ['::ffff:127.0.0.1', 'v6-mapped.test'],
    ['a unique-local IPv6 address', 'v6-ula.test'],
  ])('an allowed name that resolves to %s', async (_, host) => {
    expect(await refusal(at(host))).toMatch(/resolves to a non-public address/);
  });

  it('a host that is not on the allowlist, before resolving it', async () => {
    expect(await refusal(`http://evil.example:${internal.port}/secret.png`)).toMatch(/not an allowed image host/);
    expect(await refusal(`https://cdnx.jumpseller.com.evil.example/x.png`)).toMatch(/not an allowed image host/);
    expect(await refusal('https://jumpseller.com/x.png')).toMatch(/not an allowed image host/); // "*.jumpseller.com" means subdomains only
  });

  it.each([
    ['127.0.0.1', () => at('127.0.0.1')],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a name resolving to loopback', () => at('rebind.test')],
    ['a host off the allowlist', () => `http://evil.example:${internal.port}/secret.png`],
    ['a file: URL', () => 'file:///etc/passwd'],
  ])('a redirect from an allowed host to %s', async (_, target) => {
    const url = `http://cdn.test:${cdn.port}/redirect?to=${encodeURIComponent(target())}`;
    expect(await refusal(url)).toMatch(/refused/);
  });

  it('endless redirects', async () => {
    expect(await refusal(`http://cdn.test:${cdn.port}/loop`)).toMatch(/more than 5 redirects/);
  });

  it('URLs with credentials and other schemes', async () => {
    expect(await refusal(`http://user:pass@cdn.test:${cdn.port}/ok.png`)).toMatch(/credentials/);
    expect(await refusal('gopher://cdn.test/x')).toMatch(/only http/);
  });

  it('loopback without the explicit allowance: the production policy on the sandbox simulator', async () => {
    const production: ImageDownloadOptions = { policy: { allowedHosts: ['cdn.test'] }, lookup: dns() };
    expect(await refusal(`http://cdn.test:${cdn.port}/ok.png`, production)).toMatch(/non-public/);
    // …and the same request with the allowance is served: the allowance is what makes the difference.
    expect((await downloadImage(`http://cdn.test:${cdn.port}/ok.png`, options())).bytes).toEqual(png);
  });
});

describe('public addresses', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.255.0.1', false],
    ['169.254.169.254', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.0.1', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:a9fe:a9fe', false],
    ['::127.0.0.1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['2002:7f00:1::', false],
    ['fd00::1', false],
    ['fe80::1%eth0', false],
    ['ff02::1', false],
    ['2001:db8::1', false],
    ['not an address', false],
    ['8.8.8.8', true],
    ['172.32.0.1', true],
    ['93.184.216.34', true],
    ['::ffff:8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['2001:4860:4860::8888', true],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
