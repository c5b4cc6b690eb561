/**
 * The routes of one destination port, from the MeshHTTPRoute / MeshTCPRoute entries that apply to
 * it (in merge order), independent of how Envoy or gRPC will be told:
 * - HTTP rules of all entries are merged by their `matches` (Kuma's merge key: a later rule with
 *   the same matches replaces the filters / backendRefs it sets), then every match becomes one
 *   route, sorted like Kuma (compare-match.ts), and after them a catch-all `PathPrefix /` to the
 *   destination itself (weight 100) unless a route has exactly that match. A match without a path
 *   matches every path. A rule without backendRefs sends to the destination itself.
 * - TCP: the last entry that sets backendRefs wins; none means the destination itself.
 * - Splits: weight 0 sends nothing and is dropped; every backendRef is resolved (resolve-ref.ts),
 *   and what does not resolve stays in the split as `unresolved` with its weight and reason, so
 *   that renderers fail closed for exactly that share of the traffic.
 */
import type { Resource } from '../core/resource.js';
import type { HttpFilter, HttpMatch, HttpRule } from '../resources/mesh-http-route/types.js';
import type { BackendRef } from '../resources/shared/target-ref.js';
import type { TcpRule } from '../resources/mesh-tcp-route/types.js';
import { compareMatch, type NormalizedMatch, normalizeMatch } from './compare-match.js';
import type { CatalogEntry, CatalogPort, DestinationCatalog } from './destination-catalog.js';
import type { ToEntry } from './policy-index.js';
import { describeRef, resolveBackendRef } from './resolve-ref.js';

export type { NormalizedMatch } from './compare-match.js';

export type SplitTarget =
  | { readonly kind: 'backend'; readonly entry: CatalogEntry; readonly port: CatalogPort; readonly remark?: string }
  | { readonly kind: 'unresolved'; readonly ref: string; readonly reason: string };

export interface SplitItem {
  readonly weight: number;
  readonly target: SplitTarget;
}

export interface PlannedRoute {
  /** The MeshHTTPRoute the rule came from (the last one that set it); undefined for the default catch-all. */
  readonly route?: Resource;
  readonly match: NormalizedMatch;
  readonly filters: readonly HttpFilter[];
  readonly split: readonly SplitItem[];
}

/** The destination port the routes belong to; the default target of every split. */
export interface RouteSelf {
  readonly entry: CatalogEntry;
  readonly port: CatalogPort;
}

const CATCH_ALL: HttpMatch = { path: { type: 'PathPrefix', value: '/' } };
const DEFAULT_WEIGHT = 100;

interface MergedRule {
  readonly matches: readonly HttpMatch[];
  filters?: readonly HttpFilter[];
  backendRefs?: readonly BackendRef[];
  route: Resource;
}

function ruleKey(matches: readonly HttpMatch[]): string {
  return JSON.stringify(matches);
}

/** Exactly `PathPrefix /` and nothing else: Kuma then appends no catch-all of its own. */
function isCatchAll(m: NormalizedMatch): boolean {
  return m.path?.type === 'PathPrefix' && m.path.value === '/' && m.method === undefined && m.headers.length === 0 && m.queryParams.length === 0;
}

/** Resolves a split; refs with weight 0 send nothing and are left out. */
export function planSplit(refs: readonly BackendRef[] | undefined, origin: Resource, self: RouteSelf, catalog: DestinationCatalog): SplitItem[] {
  if (refs === undefined) return [{ weight: DEFAULT_WEIGHT, target: { kind: 'backend', entry: self.entry, port: self.port } }];
  const items: SplitItem[] = [];
  for (const ref of refs) {
    const weight = ref.weight ?? 1;
    if (weight <= 0) continue;
    const r = resolveBackendRef(ref, origin, catalog);
    const target: SplitTarget = r.ok
      ? { kind: 'backend', entry: r.entry, port: r.port, ...(r.remark === undefined ? {} : { remark: r.remark }) }
      : { kind: 'unresolved', ref: describeBackend(ref), reason: r.reason };
    items.push({ weight, target });
  }
  if (items.length === 0) return [{ weight: 1, target: { kind: 'unresolved', ref: 'backendRefs', reason: 'every backendRef has weight 0' } }];
  return items;
}

export function describeBackend(ref: BackendRef): string {
  const port = ref.sectionName ? ` port ${ref.sectionName}` : ref.port !== undefined ? ` port ${ref.port}` : '';
  return `${describeRef(ref)}${port}`;
}

/** HTTP routes of a destination port, or undefined when no MeshHTTPRoute applies. */
export function planHttpRoutes(entries: readonly ToEntry[], self: RouteSelf, catalog: DestinationCatalog): PlannedRoute[] | undefined {
  if (entries.length === 0) return undefined;
  const merged = new Map<string, MergedRule>();
  for (const e of entries) {
    const rules = ((e.conf as { rules?: readonly HttpRule[] }).rules ?? []) as readonly HttpRule[];
    for (const rule of rules) {
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [CATCH_ALL];
      const key = ruleKey(matches);
      const current: MergedRule = merged.get(key) ?? { matches, route: e.policy };
      if (rule.default?.filters !== undefined) current.filters = rule.default.filters;
      if (rule.default?.backendRefs !== undefined) current.backendRefs = rule.default.backendRefs;
      current.route = e.policy;
      merged.set(key, current);
    }
  }
  const keyed = [...merged.values()].flatMap((rule) => rule.matches.map((m) => ({ rule, match: normalizeMatch(m) })));
  keyed.sort((a, b) => compareMatch(a.match, b.match));
  const routes: PlannedRoute[] = keyed.map(({ rule, match }) => ({
    ...(rule.route === undefined ? {} : { route: rule.route }),
    match,
    filters: rule.filters ?? [],
    split: planSplit(rule.backendRefs, rule.route ?? self.entry.resource, self, catalog),
  }));
  if (!routes.some((r) => isCatchAll(r.match))) routes.push({ match: normalizeMatch(CATCH_ALL), filters: [], split: planSplit(undefined, self.entry.resource, self, catalog) });
  return routes;
}

export interface PlannedTcpRoute {
  readonly route: Resource;
  readonly split: readonly SplitItem[];
}

/** The TCP split of a destination port, or undefined when no MeshTCPRoute applies. */
export function planTcpRoute(entries: readonly ToEntry[], self: RouteSelf, catalog: DestinationCatalog): PlannedTcpRoute | undefined {
  let chosen: { refs: readonly BackendRef[]; route: Resource } | undefined;
  let last: Resource | undefined;
  for (const e of entries) {
    last = e.policy;
    const rules = ((e.conf as { rules?: readonly TcpRule[] }).rules ?? []) as readonly TcpRule[];
    const refs = rules[0]?.default?.backendRefs;
    if (refs !== undefined) chosen = { refs, route: e.policy };
  }
  if (last === undefined) return undefined;
  const route = chosen?.route ?? last;
  return { route, split: planSplit(chosen?.refs, route, self, catalog) };
}
