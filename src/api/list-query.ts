/**
 * Query parameters of list and get requests, with Kuma's rules and error texts: `size` (default
 * 100, at most 1000), `offset`, `name=` (substring), `filter[labels.<key>]=<value>`, `format`.
 * Pure: every problem is thrown as a ValidationError the problem mapper turns into a 400.
 */
import { ValidationError } from '../core/errors.js';
import type { Labels } from '../core/resource.js';
import type { Violation } from '../core/violations.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ListQuery {
  readonly size: number;
  readonly offset: number;
  readonly nameContains?: string;
  readonly labels?: Labels;
}

/** The first value of a query parameter (Go's QueryParameter). */
function first(q: Query, key: string): string | undefined {
  const v = q[key];
  return typeof v === 'string' ? v : v?.[0];
}

/** The last value (what Kuma's label filter reads). */
function last(v: string | readonly string[] | undefined): string {
  if (typeof v === 'string') return v;
  return v?.[v.length - 1] ?? '';
}

export function parseSize(q: Query): number {
  const raw = first(q, 'size');
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const pageSize = (reason: string): ValidationError => new ValidationError([{ field: 'size', message: reason }], 'Invalid page size');
  if (!/^[+-]?\d+$/.test(raw)) throw pageSize('invalid format');
  const size = Number(raw);
  if (size <= 0) throw pageSize('must be greater than 0');
  if (size > MAX_PAGE_SIZE) throw pageSize(`invalid page size of ${size}. Maximum page size is ${MAX_PAGE_SIZE}`);
  return size;
}

/** Offsets are integer indexes into the sorted list, as in Kuma's memory and postgres stores. */
export function parseOffset(q: Query): number {
  const raw = first(q, 'offset');
  if (raw === undefined || raw === '') return 0;
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new ValidationError([], `invalid: invalid offset: strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  const offset = Number(raw);
  if (offset < 0) throw new ValidationError([], `invalid: invalid offset: must not be negative; got ${offset}`);
  return offset;
}

/**
 * `filter[labels.<key>]=<value>`, exact match, ANDed. `routePath` is the route as Kuma names it
 * (`/meshes/{mesh}/dataplanes`), used as the root of the violation's field.
 */
export function parseLabelFilters(q: Query, routePath: string): Labels | undefined {
  const violations: Violation[] = [];
  const labels: Labels = {};
  for (const [k, v] of Object.entries(q)) {
    if (!k.startsWith('filter[')) continue;
    const field = `${routePath}.${k}`;
    if (!k.startsWith('filter[labels.')) {
      violations.push({ field, message: 'filters are only supported on labels' });
      continue;
    }
    const closing = k.indexOf(']');
    if (closing !== k.length - 1) {
      violations.push({ field, message: 'advanced filters are not supported' });
      continue;
    }
    labels[k.slice('filter[labels.'.length, closing)] = last(v);
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return Object.keys(labels).length > 0 ? labels : undefined;
}

export function parseListQuery(q: Query, routePath: string): ListQuery {
  const size = parseSize(q);
  const offset = parseOffset(q);
  const labels = parseLabelFilters(q, routePath);
  const name = first(q, 'name');
  return {
    size,
    offset,
    ...(name ? { nameContains: name } : {}),
    ...(labels ? { labels } : {}),
  };
}

/** `format=universal` (or none) is the only output format; Kuma also has `k8s`, we do not. */
export function checkFormat(q: Query): void {
  const format = first(q, 'format');
  if (format === undefined || format === '' || format === 'universal') return;
  throw new ValidationError([{ field: '', message: '"format" must be one of ["universal"]' }]);
}

/**
 * The absolute URL of the next page, or null on the last one: the request's path and query with
 * `offset` replaced, keys sorted (as Go's url.Values.Encode writes them), the request's Host.
 */
export function nextLink(req: { readonly host: string; readonly url: string }, nextOffset: number | undefined): string | null {
  if (nextOffset === undefined) return null;
  const url = new URL(req.url, `http://${req.host}`);
  url.searchParams.set('offset', String(nextOffset));
  url.searchParams.sort();
  return `http://${req.host}${url.pathname}?${url.searchParams.toString()}`;
}
