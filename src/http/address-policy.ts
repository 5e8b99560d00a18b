/**
 * Which IP addresses an outbound request may reach: public unicast only. Loopback, private ranges,
 * link-local (169.254.169.254 is the cloud metadata service), carrier-grade NAT, multicast, reserved,
 * documentation and benchmarking ranges are refused, for IPv4 and IPv6 alike, and an IPv6 address that
 * carries an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged
 * by the IPv4 address inside it; the deprecated IPv4-compatible `::a.b.c.d` is refused outright.
 */
import { isIP } from 'node:net';

type Prefix = [bytes: number[], bits: number];

const V4_REFUSED: Prefix[] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const V6_REFUSED: Prefix[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128], // unspecified
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128], // loopback
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // discard-only
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments (Teredo among them)
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0xfc], 7], // unique local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8], // multicast
];

function inPrefix(address: number[], [prefix, bits]: Prefix): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((address[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

/** 16 bytes; handles `::` and a dotted IPv4 tail; a zone (`%eth0`) is dropped. */
function parseV6(input: string): number[] | undefined {
  const s = input.replace(/%.*$/, '');
  let tail: number[] = [];
  let head = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    head = s.slice(0, lastColon + 1) + '0:0'; // two placeholder groups, replaced below
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function v4Public(b: number[]): boolean {
  return !V4_REFUSED.some((p) => inPrefix(b, p));
}

function v6Public(b: number[]): boolean {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4Public(b.slice(12)); // IPv4-mapped
  if (zeros(0, 12)) return false; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (inPrefix(b, [[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96])) return v4Public(b.slice(12)); // NAT64
  if (inPrefix(b, [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48])) return false; // local-use NAT64
  if (inPrefix(b, [[0x20, 0x02], 16])) return v4Public(b.slice(2, 6)); // 6to4
  return !V6_REFUSED.some((p) => inPrefix(b, p));
}

/** True for a public unicast address; false for anything refused above or not an IP address at all. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) {
    const b = parseV4(bare);
    return b !== undefined && v4Public(b);
  }
  if (family === 6) {
    const b = parseV6(bare);
    return b !== undefined && v6Public(b);
  }
  return false;
}
