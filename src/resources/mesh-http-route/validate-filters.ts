/** MeshHTTPRoute filters: each filter type needs its own block, and its fields their own rules. */
import { isIP } from 'node:net';
import { dns1123SubdomainErrors } from '../../core/dns-names.js';
import { msg, type PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { validateTargetRef } from '../shared/target-ref.js';
import { type HeaderModifier, type HttpFilter, type HttpMatch, type PathRewrite, REDIRECT_STATUS_CODES } from './types.js';

const PREFIX_ONLY = 'can only appear if all matches match a path prefix';

export function validateFilters(filters: readonly HttpFilter[], matches: readonly HttpMatch[], path: PathBuilder, onGateway: boolean): Violation[] {
  const out = new ViolationList();
  const allPrefix = matches.every((m) => m.path?.type === 'PathPrefix');
  const prefixRewrite = (rewrite: PathRewrite | undefined, at: PathBuilder): void => {
    if (rewrite?.replacePrefixMatch !== undefined && !allPrefix) out.at(at.field('path').field('replacePrefixMatch'), PREFIX_ONLY);
  };
  filters.forEach((f, i) => {
    const at = path.index(i);
    switch (f.type) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier': {
        const field = f.type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
        const modifier = f[field];
        if (!modifier) out.at(at.field(field), msg.required);
        else out.addAll(validateHeaderModifier(modifier, at.field(field)));
        break;
      }
      case 'RequestRedirect': {
        const redirect = f.requestRedirect;
        if (!redirect) {
          out.at(at.field('requestRedirect'), msg.required);
          break;
        }
        const rAt = at.field('requestRedirect');
        prefixRewrite(redirect.path, rAt);
        out.addAll(hostnameErrors(redirect.hostname, rAt.field('hostname')));
        if (!(REDIRECT_STATUS_CODES as readonly number[]).includes(redirect.statusCode)) {
          out.at(rAt.field('statusCode'), `must be one of: ${REDIRECT_STATUS_CODES.join(', ')}; got ${redirect.statusCode}`);
        }
        break;
      }
      case 'URLRewrite': {
        const rewrite = f.urlRewrite;
        if (!rewrite) {
          out.at(at.field('urlRewrite'), msg.required);
          break;
        }
        const rAt = at.field('urlRewrite');
        prefixRewrite(rewrite.path, rAt);
        out.addAll(hostnameErrors(rewrite.hostname, rAt.field('hostname')));
        if (rewrite.hostToBackendHostname) {
          if (!onGateway) out.at(rAt.field('hostToBackendHostname'), 'can only be set with MeshGateway');
          if (rewrite.hostname !== undefined) out.at(rAt.field('hostToBackendHostname'), 'cannot be set together with hostname');
        }
        break;
      }
      case 'RequestMirror': {
        const mirror = f.requestMirror;
        if (!mirror) {
          out.at(at.field('requestMirror'), msg.required);
          break;
        }
        const mAt = at.field('requestMirror');
        out.addAll(validateTargetRef(mirror.backendRef, mAt.field('backendRef'), { allowedKinds: ['MeshService', 'MeshServiceSubset'], position: 'backendRef' }));
        out.addAll(percentageErrors(mirror.percentage, mAt.field('percentage')));
        break;
      }
    }
  });
  return out.items;
}

/** Kuma's PreciseHostname: an RFC 1123 subdomain that is not an IP address. */
function hostnameErrors(hostname: string | undefined, path: PathBuilder): Violation[] {
  if (hostname === undefined) return [];
  if (isIP(hostname) !== 0) return [{ field: String(path), message: 'cannot be an IP address' }];
  return dns1123SubdomainErrors(hostname).map((message) => ({ field: String(path), message }));
}

/** Stricter than Kuma, which passes any string on to Envoy: 0-100, as a number or a decimal string. */
function percentageErrors(percentage: number | string | undefined, path: PathBuilder): Violation[] {
  if (percentage === undefined) return [];
  const value = typeof percentage === 'number' ? percentage : /^\s*-?\d+(\.\d+)?\s*$/.test(percentage) ? Number(percentage) : NaN;
  if (Number.isNaN(value)) return [{ field: String(path), message: 'string must be a valid number' }];
  if (value < 0 || value > 100) return [{ field: String(path), message: 'must be in inclusive range [0.0, 100.0]' }];
  return [];
}

/** At least one action, and one action per header name (Kuma compares names as written). */
function validateHeaderModifier(modifier: HeaderModifier, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (!modifier.set && !modifier.add && !modifier.remove) {
    out.at(path, 'must have at least one defined: set, add, remove');
    return out.items;
  }
  const seen = new Set<string>();
  const once = (name: string, at: PathBuilder): void => {
    if (seen.has(name)) out.at(at, 'duplicate header name');
    seen.add(name);
  };
  (modifier.set ?? []).forEach((h, i) => once(h.name, path.field('set').index(i).field('name')));
  (modifier.add ?? []).forEach((h, i) => once(h.name, path.field('add').index(i).field('name')));
  // Kuma reports `remove[i].name`, a field that does not exist; we point at the list item itself.
  (modifier.remove ?? []).forEach((name, i) => once(name, path.field('remove').index(i)));
  return out.items;
}
