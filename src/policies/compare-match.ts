/**
 * The order of HTTP route matches (Kuma's CompareMatch, after Gateway API precedence): by path
 * (Exact first, then PathPrefix, then RegularExpression, then no path at all; among prefixes and
 * regexes the longer value first), then a match with a method before one without, then more
 * header matches first, then more query parameter matches first. A match without a path matches
 * every path (Envoy needs one: it is written as `prefix: /`).
 */
import type { HttpMatch, PathMatch, QueryParamsMatch } from '../resources/mesh-http-route/types.js';
import type { HeaderMatch } from '../resources/shared/header-match.js';

export interface NormalizedMatch {
  /** Absent: every path. */
  readonly path?: PathMatch;
  readonly method?: string;
  readonly headers: readonly HeaderMatch[];
  readonly queryParams: readonly QueryParamsMatch[];
}

const PATH_RANK: Readonly<Record<PathMatch['type'], number>> = { Exact: 0, PathPrefix: 1, RegularExpression: 2 };

export function normalizeMatch(m: HttpMatch): NormalizedMatch {
  return {
    ...(m.path === undefined ? {} : { path: m.path }),
    ...(m.method === undefined ? {} : { method: m.method }),
    headers: m.headers ?? [],
    queryParams: m.queryParams ?? [],
  };
}

function comparePath(a: PathMatch | undefined, b: PathMatch | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  if (a.type !== b.type) return PATH_RANK[a.type] - PATH_RANK[b.type];
  if (a.type === 'Exact') return 0;
  return b.value.length - a.value.length;
}

/** Negative when `a` must be tried before `b`. */
export function compareMatch(a: NormalizedMatch, b: NormalizedMatch): number {
  return (
    comparePath(a.path, b.path) ||
    (a.method !== undefined ? 0 : 1) - (b.method !== undefined ? 0 : 1) ||
    b.headers.length - a.headers.length ||
    b.queryParams.length - a.queryParams.length
  );
}
