/**
 * MeshHTTPRoute matches as Envoy RouteMatch objects (Kuma's translation): Exact -> `path`,
 * PathPrefix `/` -> `prefix: /`, PathPrefix `/x` -> two matches, exact `/x` and prefix `/x/` (a
 * prefix matches whole segments only), RegularExpression -> `safe_regex`; the method is a
 * `:method` header; header and query matches as string matchers. `Absent` is written as
 * `present_match: true` inverted, which Envoy and gRPC's client both read as "not present"
 * (gRPC ignores the value of present_match).
 * For gRPC's own client (proxyless) the same, except what it cannot honour: calls are always POST
 * (a POST method match is dropped, any other method never matches) and there is no query string
 * (grpc-js ignores query_parameters, so such a match would catch every call): those routes are
 * left out, with the reason.
 */
import type { EnvoyObject } from '../../envoy/encode.js';
import type { NormalizedMatch } from '../../../policies/compare-match.js';
import type { HeaderMatch } from '../../../resources/shared/header-match.js';

/** One Kuma header match as an Envoy HeaderMatcher (used by route matches and retry header rules). */
export function headerMatcher(h: HeaderMatch): EnvoyObject {
  switch (h.type) {
    case 'Present':
      return { name: h.name, present_match: true };
    case 'Absent':
      return { name: h.name, present_match: true, invert_match: true };
    case 'Prefix':
      return { name: h.name, string_match: { prefix: h.value ?? '' } };
    case 'RegularExpression':
      return { name: h.name, string_match: { safe_regex: { regex: h.value ?? '' } } };
    default:
      return { name: h.name, string_match: { exact: h.value ?? '' } };
  }
}

function pathSpecifiers(m: NormalizedMatch): EnvoyObject[] {
  const { type, value } = m.path ?? { type: 'PathPrefix', value: '/' };
  if (type === 'Exact') return [{ path: value }];
  if (type === 'RegularExpression') return [{ safe_regex: { regex: value } }];
  if (value === '/') return [{ prefix: '/' }];
  const trimmed = value.replace(/\/+$/, '');
  return [{ path: trimmed }, { prefix: `${trimmed}/` }];
}

/** Envoy (sidecar) RouteMatches for one normalized match (two for a non-root prefix). */
export function envoyRouteMatches(m: NormalizedMatch): EnvoyObject[] {
  const headers = [...(m.method ? [{ name: ':method', string_match: { exact: m.method } }] : []), ...m.headers.map(headerMatcher)];
  const query = m.queryParams.map((q) => ({
    name: q.name,
    string_match: q.type === 'RegularExpression' ? { safe_regex: { regex: q.value ?? '' } } : { exact: q.value ?? '' },
  }));
  return pathSpecifiers(m).map((p) => ({ ...p, ...(headers.length > 0 ? { headers } : {}), ...(query.length > 0 ? { query_parameters: query } : {}) }));
}

export type ProxylessMatches = { readonly ok: true; readonly matches: EnvoyObject[] } | { readonly ok: false; readonly reason: string };

/** RouteMatches gRPC's xDS client evaluates as the route means, or why the route cannot be given. */
export function proxylessRouteMatches(m: NormalizedMatch): ProxylessMatches {
  if (m.method !== undefined && m.method !== 'POST') return { ok: false, reason: `matches method ${m.method}; gRPC calls are always POST, so it never matches` };
  if (m.queryParams.length > 0) return { ok: false, reason: 'matches query parameters; gRPC calls have none and gRPC clients ignore the match' };
  const headers = m.headers.map(headerMatcher);
  return { ok: true, matches: pathSpecifiers(m).map((p) => ({ ...p, ...(headers.length > 0 ? { headers } : {}) })) };
}
