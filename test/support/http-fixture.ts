/**
 * A real HTTP server on 127.0.0.1 for tests of outbound clients: each path answers as the test says,
 * and every request is recorded. `fakeDns` maps made-up names to addresses, so a test can make a name
 * resolve to 127.0.0.1, 169.254.169.254 or a private range without touching real DNS.
 */
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface HttpFixture {
  port: number;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startHttpFixture(routes: Record<string, Handler>): Promise<HttpFixture> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const handler = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `dns.lookup` that answers `names` from the table (several addresses allowed) and nothing else. */
export function fakeDns(names: Record<string, string | string[]>): typeof dnsLookup {
  const lookup = (hostname: string, options: unknown, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[] | string, family?: number) => void) => {
    const cb = typeof options === 'function' ? (options as typeof callback) : callback;
    const answer = names[hostname];
    if (answer === undefined) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    const list = (Array.isArray(answer) ? answer : [answer]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) return cb(null, list);
    return cb(null, list[0]!.address, list[0]!.family);
  };
  return lookup as unknown as typeof dnsLookup;
}
