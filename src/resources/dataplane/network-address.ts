/**
 * Address and port rules shared by the proxy kinds (Dataplane, ZoneIngress), in Kuma's wording.
 * An address is an IP (as Go's net.ParseIP reads it) or a DNS name (as govalidator's IsDNSName does).
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export const PORT_RANGE_MESSAGE = 'port must be in the range [1, 65535]';

export function isPort(n: number | undefined): boolean {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** An IPv4 or IPv6 address, without a zone suffix (Go's ParseIP refuses `fe80::1%eth0`). */
export function isIpAddress(s: string): boolean {
  return !s.includes('%') && isIP(s) !== 0;
}

/** Labels of letters, digits, `_` and `-` (not leading `-`), at most 63 each, an optional final dot. */
const DNS_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/;

export function isDnsName(s: string): boolean {
  if (s === '' || s.replaceAll('.', '').length > 255) return false;
  return !isIpAddress(s) && DNS_NAME.test(s);
}

/** Kuma's checks of a proxy's own address (Dataplane `networking.address`, ZoneIngress addresses). */
export function proxyAddressErrors(address: string | undefined): string[] {
  if (!address) return ["address can't be empty"];
  const errors: string[] = [];
  if (address === '0.0.0.0' || address === '::') errors.push('must not be 0.0.0.0 or ::');
  if (!isIpAddress(address) && !isDnsName(address)) errors.push('address has to be valid IP address or domain name');
  return errors;
}

function normalized(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return isIpAddress(address) ? ipaddr.process(address) : undefined;
}

/**
 * Whether two listen addresses can collide: equal IPs, or either one the wildcard (0.0.0.0, ::).
 * A DNS name never overlaps (Kuma compares parsed IPs only).
 */
export function addressesOverlap(a: string, b: string): boolean {
  const x = normalized(a);
  const y = normalized(b);
  if (!x || !y) return false;
  const unspecified = (ip: ipaddr.IPv4 | ipaddr.IPv6): boolean => ip.range() === 'unspecified';
  if (unspecified(x) || unspecified(y)) return true;
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}
