/**
 * A GET to a URL someone else chose (product image URLs come from the store's catalog), made safe:
 *
 * - only `http(s)` to hosts on the caller's allowlist (`host`, `*.domain`, optionally `:port`);
 * - the name is resolved and the connection made to the checked addresses only: every address must be
 *   public (http/address-policy.ts), so a name pointing at 127.0.0.1, 10.x or 169.254.169.254 is
 *   refused, and a DNS answer cannot change between the check and the connection (the check runs in
 *   the socket's own `lookup`);
 * - redirects are followed by hand, at most `maxRedirects`, each hop checked like the first;
 * - one deadline for the whole exchange, and the body read up to `maxBytes`.
 *
 * The one exception is explicit: `privateOriginsAllowed` names `host:port` origins that may resolve to
 * private addresses. Only the sandbox sets it (its simulators serve images from 127.0.0.1); production
 * never does.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.js';
import { ResponseTooLargeError } from './response-body.js';

export interface OutboundPolicy {
  /** Hosts requests may go to: `host`, `*.domain` (any subdomain), either with `:port` to pin the port. */
  allowedHosts: readonly string[];
  /** `host:port` origins that may resolve to loopback or private addresses (the sandbox only). */
  privateOriginsAllowed?: readonly string[];
}

/** The request was not made (or not followed) because the policy forbids where it leads. */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

export interface GuardedGetOptions {
  policy: OutboundPolicy;
  maxBytes: number;
  /** For the whole exchange, redirects and body included. */
  timeoutMs: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
  /** Name resolution (tests map names to addresses); default `dns.lookup`. */
  lookup?: typeof dnsLookup;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
  /** Where the answer finally came from, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const defaultPort = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');
const bareHost = (u: URL) =>
  u.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

export function hostAllowed(u: URL, allowed: readonly string[]): boolean {
  const host = bareHost(u);
  const port = defaultPort(u);
  return allowed.some((entry) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!;
    const pattern = m[1]!;
    if (m[2] !== undefined && m[2] !== port) return false;
    return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
  });
}

/** Refuses, before anything is sent, what the URL alone shows to be off limits. */
function checkUrl(u: URL, policy: OutboundPolicy): { allowPrivate: boolean } {
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OutboundRefusedError(`only http(s) URLs are fetched, not ${u.protocol}`);
  if (u.username || u.password) throw new OutboundRefusedError('URLs with credentials are not fetched');
  if (!hostAllowed(u, policy.allowedHosts)) throw new OutboundRefusedError(`host ${bareHost(u)} is not an allowed image host`);
  const allowPrivate = (policy.privateOriginsAllowed ?? []).includes(`${bareHost(u)}:${defaultPort(u)}`);
  const host = bareHost(u);
  // A literal address is never looked up, so it is judged here.
  if (isIP(host) !== 0 && !allowPrivate && !isPublicAddress(host)) throw new OutboundRefusedError(`address ${host} is not public`);
  return { allowPrivate };
}

/** The socket's name resolution, refusing the connection unless every address the name has is public. */
function guardedLookup(allowPrivate: boolean, resolve: typeof dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses;
      const refused = list.find((a) => !isPublicAddress(a.address));
      if (list.length === 0 || (refused && !allowPrivate)) {
        return callback(
          Object.assign(new OutboundRefusedError(`${hostname} resolves to ${refused ? `a non-public address (${refused.address})` : 'nothing'}`), { code: 'EREFUSED_ADDRESS' }),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function exchange(u: URL, o: GuardedGetOptions, allowPrivate: boolean, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(u, {
      method: 'GET',
      headers: { 'user-agent': 'jumpseller-relbase', ...o.headers },
      lookup: guardedLookup(allowPrivate, o.lookup ?? dnsLookup),
      agent: false, // a fresh connection per request: a pooled socket would skip the lookup check
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readCapped(res: http.IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new ResponseTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      res.destroy();
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

export async function guardedGet(url: string, o: GuardedGetOptions): Promise<GuardedResponse> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  const maxRedirects = o.maxRedirects ?? 5;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new OutboundRefusedError('not a URL');
  }
  for (let hop = 0; ; hop++) {
    const { allowPrivate } = checkUrl(current, o.policy);
    const res = await exchange(current, o, allowPrivate, signal);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.resume(); // discard the redirect's body
      if (hop >= maxRedirects) throw new OutboundRefusedError(`more than ${maxRedirects} redirects`);
      try {
        current = new URL(location, current);
      } catch {
        throw new OutboundRefusedError('a redirect to something that is not a URL');
      }
      continue;
    }
    const body = await readCapped(res, o.maxBytes);
    return { status: res.statusCode ?? 0, headers: res.headers, body, url: current.toString() };
  }
}
