/**
 * Parsers for the text of one flag each. They never throw: they return the value or the reason it
 * is wrong, worded as a rule followed by the bad value, so `compile.ts` can prefix the flag name.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { dns1123LabelErrors } from '../core/dns-names.js';
import { durationMs } from '../core/duration.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (rule: string, got: string): Parsed<never> => ({ ok: false, reason: `${rule}; got ${JSON.stringify(got)}` });

const DIGITS = /^[0-9]+$/;
const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;

export function parsePort(raw: string): Parsed<number> {
  const n = Number(raw);
  if (!DIGITS.test(raw) || n > 65535) return bad('must be a port number 0-65535', raw);
  return ok(n);
}

export function parseHost(raw: string): Parsed<string> {
  if (isIP(raw) !== 0 || HOSTNAME.test(raw)) return ok(raw);
  return bad('must be an IP address or a host name', raw);
}

export function parsePositiveInt(raw: string): Parsed<number> {
  const n = Number(raw);
  if (!DIGITS.test(raw) || n < 1 || !Number.isSafeInteger(n)) return bad('must be a whole number of bytes, at least 1', raw);
  return ok(n);
}

export function parseOneOf<T extends string>(values: readonly T[]): (raw: string) => Parsed<T> {
  return (raw) => {
    const found = values.find((v) => v === raw);
    return found === undefined ? bad(`must be one of: ${values.join(', ')}`, raw) : ok(found);
  };
}

/** `memory`, `sqlite:PATH` (PATH not empty) or `postgres://` / `postgresql://` with a host. */
export function parseStoreSpec(raw: string): Parsed<string> {
  const rule = 'must be memory, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB';
  if (raw === 'memory') return ok(raw);
  if (raw.startsWith('sqlite:')) return raw.length > 'sqlite:'.length ? ok(raw) : bad(`${rule} (the sqlite path is empty)`, raw);
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    return URL.canParse(raw) && new URL(raw).hostname !== '' ? ok(raw) : bad(`${rule} (not a valid URL)`, raw);
  }
  return bad(rule, raw);
}

/** A zone name ends up in KRIs, Envoy names and labels, so it must be an RFC 1123 label. */
export function parseZoneName(raw: string): Parsed<string> {
  const errors = dns1123LabelErrors(raw);
  return errors.length === 0 ? ok(raw) : bad(errors.join('; '), raw);
}

/** `grpc://HOST:PORT` or `grpcs://HOST:PORT` (Kuma writes `grpcs://global-cp:5685`). */
export function parseKdsAddress(raw: string): Parsed<string> {
  const rule = 'must be grpc://HOST:PORT or grpcs://HOST:PORT';
  if (!URL.canParse(raw)) return bad(rule, raw);
  const url = new URL(raw);
  if ((url.protocol !== 'grpc:' && url.protocol !== 'grpcs:') || url.hostname === '' || url.port === '') return bad(rule, raw);
  return ok(raw);
}

export function parseNonEmpty(raw: string): Parsed<string> {
  return raw.trim() === '' ? bad('must not be empty', raw) : ok(raw);
}

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** A Go-style duration (`90s`, `1h`, `1h30m`, `250ms`), returned in milliseconds. */
export function parseDurationMs(raw: string): Parsed<number> {
  if (!DURATION.test(raw)) return bad('must be a duration such as 30s, 10m or 1h', raw);
  return ok(durationMs(raw));
}

/** An IPv4 or IPv6 CIDR such as 241.0.0.0/8. */
export function parseCidr(raw: string): Parsed<string> {
  try {
    ipaddr.parseCIDR(raw);
    return ok(raw);
  } catch {
    return bad('must be a CIDR such as 241.0.0.0/8', raw);
  }
}

export function parseSeconds(raw: string): Parsed<number> {
  const n = Number(raw);
  if (!DIGITS.test(raw) || !Number.isSafeInteger(n)) return bad('must be a whole number of seconds', raw);
  return ok(n);
}
