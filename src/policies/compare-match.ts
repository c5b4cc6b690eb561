/**
 * The order of HTTP route matches (Kuma's CompareMatch, after Gateway API precedence): by path
 * (Exact first, then PathPrefix, then RegularExpression; among prefixes and regexes the longer
 * value first), then a match with a method before one without, then more header matches first,
 * then more query parameter matches first.
 * Changed on purpose: a match on every path (`PathPrefix /`, or no path at all, which Gateway API
 * defines as `PathPrefix /`) comes after every other path. Kuma sorts a path-less match after
 * everything and `PathPrefix /` before any regex, so a rule `PathPrefix /` shadowed every
 * header-only rule and every regex rule of the same route (they could never match).
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
const EVERY_PATH = 3;

function rank(p: PathMatch | undefined): number {
  if (p === undefined || (p.type === 'PathPrefix' && p.value === '/')) return EVERY_PATH;
  return PATH_RANK[p.type];
}

export function normalizeMatch(m: HttpMatch): NormalizedMatch {
  return {
    ...(m.path === undefined ? {} : { path: m.path }),
    ...(m.method === undefined ? {} : { method: m.method }),
    headers: m.headers ?? [],
    queryParams: m.queryParams ?? [],
  };
}

function comparePath(a: PathMatch | undefined, b: PathMatch | undefined): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb || a === undefined || b === undefined || ra === EVERY_PATH || a.type === 'Exact') return ra - rb;
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
