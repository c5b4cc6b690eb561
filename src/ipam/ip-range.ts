/**
 * CIDR arithmetic for the VIP pools: an address as a bigint offset from the network address, so
 * IPv4 and IPv6 share one code path. Parsing is strict: `241.1` or `241.0.0.0/33` are errors,
 * not guesses.
 */
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../core/errors.js';

export interface IpRange {
  /** The CIDR as given, e.g. `241.0.0.0/8`. */
  readonly cidr: string;
  readonly family: 4 | 6;
  /** The network address as a number. */
  readonly base: bigint;
  /** How many addresses the range holds (the network and broadcast addresses included). */
  readonly size: bigint;
}

/** Parses `a.b.c.d/n` or `x::/n`; throws ConfigError naming `what` (the flag) on a bad value. */
export function parseCidr(cidr: string, what = 'CIDR'): IpRange {
  const text = cidr.trim();
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? '' : text.slice(0, slash);
  if (slash < 0 || !ipaddr.isValidCIDR(text) || (addrText.includes('.') && !addrText.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(addrText))) {
    throw new ConfigError(`${what} '${cidr}' is not a valid CIDR (expected e.g. 241.0.0.0/8 or fd00::/64)`);
  }
  const [addr, prefix] = ipaddr.parseCIDR(text);
  const family = addr.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - prefix);
  const size = 1n << hostBits;
  const base = (bytesToBigint(addr.toByteArray()) >> hostBits) << hostBits;
  return { cidr: text, family, base, size };
}

/** A dotted quad without leading zeros (what ipaddr.js calls four-part decimal), checked fast. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Parses one address strictly; undefined for anything that is not a plain IPv4 or IPv6 address. */
export function parseIp(ip: string): { readonly family: 4 | 6; readonly value: bigint } | undefined {
  if (typeof ip !== 'string') return undefined;
  const v4 = IPV4.exec(ip);
  if (v4) return { family: 4, value: BigInt(((Number(v4[1]) * 256 + Number(v4[2])) * 256 + Number(v4[3])) * 256 + Number(v4[4])) };
  if (ip.includes(':') && ipaddr.IPv6.isValid(ip)) {
    const parsed = ipaddr.IPv6.parse(ip);
    if (parsed.zoneId) return undefined;
    return { family: 6, value: bytesToBigint(parsed.toByteArray()) };
  }
  return undefined;
}

/** 4 or 6 for a valid address (checked like parseIp, without computing its value), else undefined. */
export function ipFamily(ip: string): 4 | 6 | undefined {
  if (typeof ip !== 'string') return undefined;
  if (IPV4.test(ip)) return 4;
  return parseIp(ip)?.family;
}

/** Offset of `ip` inside the range, or undefined when it is not an address of the range. */
export function offsetOf(range: IpRange, ip: string): bigint | undefined {
  const parsed = parseIp(ip);
  if (!parsed || parsed.family !== range.family) return undefined;
  const offset = parsed.value - range.base;
  return offset >= 0n && offset < range.size ? offset : undefined;
}

/** The address at `offset` in canonical text (dotted quad, or RFC 5952 for IPv6). */
export function ipAt(range: IpRange, offset: bigint): string {
  const value = range.base + offset;
  if (range.family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
}

/** The canonical text of an address (so `FD00::0001` and `fd00::1` compare equal), or undefined. */
export function canonicalIp(ip: string): string | undefined {
  const parsed = parseIp(ip);
  if (!parsed) return undefined;
  const range: IpRange = { cidr: '', family: parsed.family, base: 0n, size: 0n };
  return ipAt(range, parsed.value);
}

/** Whether two ranges share at least one address. */
export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  if (a.family !== b.family) return false;
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}
