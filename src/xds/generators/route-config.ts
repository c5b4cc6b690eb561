/**
 * The RouteConfiguration of one destination port, from its plan (port-plan.ts), for both kinds of
 * client. Every route sends to clusters by weight (one cluster: `cluster`). A share whose
 * backendRef resolved to nothing fails closed, never falling through to another destination:
 * - Envoy (sidecar): a route whose backends are all unresolved answers `direct_response` 503 with
 *   a body naming the missing backend; a partly unresolved split gets, before it, a route with the
 *   same match and a `runtime_fraction` of exactly the unresolved share answering that 503 (how
 *   Kuma 3 fails closed), the other requests keep their declared weights.
 * - gRPC's client (proxyless) refuses `direct_response` (NACK: unsupported action) and crashes on
 *   `non_forwarding_action` in 1.14, so the unresolved share goes to the endpoint-less cluster
 *   UNRESOLVED_BACKEND_CLUSTER: those calls fail at once with UNAVAILABLE.
 * MeshTimeout and MeshRetry settings go on every route of the port (timeouts.ts, retries.ts);
 * header modifier filters on sidecar routes (gRPC's client ignores them: noted, left out).
 */
import type { EnvoyObject } from '../envoy/encode.js';
import type { CatalogEntry, CatalogPort } from '../../policies/destination-catalog.js';
import type { NormalizedMatch } from '../../policies/compare-match.js';
import type { SplitItem } from '../../policies/route-plan.js';
import type { HeaderModifier, HttpFilter } from '../../resources/mesh-http-route/types.js';
import { clusterNameOf } from './destination-clusters.js';
import { serviceDestinationOf, type Destination, type DestinationPort } from './destinations.js';
import { grpcRetryPolicy, httpRetryPolicy } from './envoy-builders/retries.js';
import { envoyRouteMatches, proxylessRouteMatches } from './envoy-builders/route-match.js';
import { proxylessRouteTimeouts, sidecarRouteTimeouts } from './envoy-builders/timeouts.js';
import type { GenerationNote } from './generated.js';
import { CATCH_ALL_ROUTE_NAME, httpRouteName, UNRESOLVED_BACKEND_CLUSTER } from './names.js';
import type { PortPlan } from './port-plan.js';
import type { MeshServiceResource } from '../proxy-context.js';

export interface ClusterWeight {
  readonly name: string;
  readonly weight: number;
}

export interface RouteDraft {
  readonly name: string;
  readonly match: NormalizedMatch;
  readonly filters: readonly HttpFilter[];
  /** Resolved targets, one entry per cluster (weights of equal clusters added up). */
  readonly clusters: readonly ClusterWeight[];
  readonly unresolvedWeight: number;
  readonly unresolved: readonly { readonly ref: string; readonly reason: string }[];
}

const CATCH_ALL: NormalizedMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] };
const UNRESOLVED_STATUS = 503;

export function clusterOfTarget(entry: CatalogEntry, port: CatalogPort): string {
  const d = serviceDestinationOf(entry.kind, entry.resource as MeshServiceResource);
  return clusterNameOf(d, { port: port.port, sectionName: port.sectionName, appProtocol: port.appProtocol });
}

/** The routes of a plan with cluster names: MeshHTTPRoute routes, a TCP split as one route, or the catch-all. */
export function routeDrafts(plan: PortPlan): RouteDraft[] {
  const own = (d: Destination, port: DestinationPort): RouteDraft => ({
    name: CATCH_ALL_ROUTE_NAME,
    match: CATCH_ALL,
    filters: [],
    clusters: [{ name: clusterNameOf(d, port), weight: 100 }],
    unresolvedWeight: 0,
    unresolved: [],
  });
  if (plan.http !== undefined) {
    return plan.http.map((r) => ({ name: r.route ? httpRouteName(r.route) : CATCH_ALL_ROUTE_NAME, match: r.match, filters: r.filters, ...weigh(r.split) }));
  }
  if (plan.tcp !== undefined) return [{ name: CATCH_ALL_ROUTE_NAME, match: CATCH_ALL, filters: [], ...weigh(plan.tcp.split) }];
  return [own(plan.destination, plan.port)];
}

/** Cluster weights and the unresolved share of a split. */
export function weigh(split: readonly SplitItem[]): Pick<RouteDraft, 'clusters' | 'unresolvedWeight' | 'unresolved'> {
  const byName = new Map<string, number>();
  const unresolved: { ref: string; reason: string }[] = [];
  let unresolvedWeight = 0;
  for (const item of split) {
    if (item.target.kind === 'unresolved') {
      unresolvedWeight += item.weight;
      unresolved.push({ ref: item.target.ref, reason: item.target.reason });
      continue;
    }
    const name = clusterOfTarget(item.target.entry, item.target.port);
    byName.set(name, (byName.get(name) ?? 0) + item.weight);
  }
  return { clusters: [...byName].map(([name, weight]) => ({ name, weight })), unresolvedWeight, unresolved };
}

function clusterAction(clusters: readonly ClusterWeight[]): EnvoyObject {
  const [only] = clusters;
  if (clusters.length === 1 && only !== undefined) return { cluster: only.name };
  return { weighted_clusters: { clusters: clusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
}

function headerFields(filters: readonly HttpFilter[]): EnvoyObject {
  const out: Record<string, unknown[]> = {};
  const apply = (m: HeaderModifier | undefined, side: 'request' | 'response'): void => {
    if (m === undefined) return;
    const add = [
      ...(m.set ?? []).map((h) => ({ header: { key: h.name, value: h.value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
      ...(m.add ?? []).map((h) => ({ header: { key: h.name, value: h.value }, append_action: 'APPEND_IF_EXISTS_OR_ADD' })),
    ];
    if (add.length > 0) out[`${side}_headers_to_add`] = [...(out[`${side}_headers_to_add`] ?? []), ...add];
    if ((m.remove ?? []).length > 0) out[`${side}_headers_to_remove`] = [...(out[`${side}_headers_to_remove`] ?? []), ...(m.remove ?? [])];
  };
  for (const f of filters) {
    if (f.type === 'RequestHeaderModifier') apply(f.requestHeaderModifier, 'request');
    if (f.type === 'ResponseHeaderModifier') apply(f.responseHeaderModifier, 'response');
  }
  return out;
}

function unresolvedBody(d: RouteDraft): string {
  return `meshplane: no backend for this request: ${d.unresolved.map((u) => `${u.ref}: ${u.reason}`).join('; ')}\n`;
}

/** The smallest of Envoy's denominators that holds the share exactly (MILLION, rounded, otherwise). */
function fraction(part: number, total: number): EnvoyObject {
  for (const [denominator, size] of [
    ['HUNDRED', 100],
    ['TEN_THOUSAND', 10_000],
  ] as const) {
    const n = (part * size) / total;
    if (Number.isInteger(n)) return { numerator: n, denominator };
  }
  return { numerator: Math.round((part * 1_000_000) / total), denominator: 'MILLION' };
}

function routeFilterNotes(plan: PortPlan, draft: RouteDraft, proxyless: boolean): GenerationNote[] {
  const subject = `${plan.destination.key} port ${plan.port.sectionName} route ${draft.name}`;
  return draft.filters.flatMap((f) => {
    const headers = f.type === 'RequestHeaderModifier' || f.type === 'ResponseHeaderModifier';
    if (headers && !proxyless) return [];
    const why = headers ? "gRPC's xDS client does not apply header modifiers" : 'Meshplane does not apply this filter type yet';
    return [{ subject, reason: `filter ${f.type} left out: ${why}` }];
  });
}

export function sidecarRouteConfiguration(plan: PortPlan, name: string, virtualHost: string): { resource: EnvoyObject; notes: GenerationNote[] } {
  const timeouts = sidecarRouteTimeouts(plan.timeout?.value);
  const retry = plan.port.appProtocol === 'grpc' ? grpcRetryPolicy(plan.retry?.value.grpc) : httpRetryPolicy(plan.retry?.value.http);
  const notes: GenerationNote[] = [];
  const routes = routeDrafts(plan).flatMap((draft) => {
    notes.push(...routeFilterNotes(plan, draft, false));
    const failed = { status: UNRESOLVED_STATUS, body: { inline_string: unresolvedBody(draft) } };
    const action = { ...clusterAction(draft.clusters), ...timeouts, ...(retry === undefined ? {} : { retry_policy: retry }) };
    const total = draft.unresolvedWeight + draft.clusters.reduce((n, c) => n + c.weight, 0);
    return envoyRouteMatches(draft.match).flatMap((match): EnvoyObject[] => {
      if (draft.clusters.length === 0) return [{ name: draft.name, match, direct_response: failed }];
      const routed = { name: draft.name, match, route: action, ...headerFields(draft.filters) };
      if (draft.unresolvedWeight === 0) return [routed];
      const share = { ...match, runtime_fraction: { default_value: fraction(draft.unresolvedWeight, total) } };
      return [{ name: draft.name, match: share, direct_response: failed }, routed];
    });
  });
  return { resource: { name, validate_clusters: { value: false }, virtual_hosts: [{ name: virtualHost, domains: ['*'], routes }] }, notes };
}

export function proxylessRouteConfiguration(plan: PortPlan, name: string, virtualHost: string, domains: readonly string[]): { resource: EnvoyObject; notes: GenerationNote[] } {
  const timeouts = proxylessRouteTimeouts(plan.timeout?.value);
  const retry = grpcRetryPolicy(plan.retry?.value.grpc);
  const notes: GenerationNote[] = [];
  if (plan.retry !== undefined && plan.retry.value.grpc === undefined) {
    notes.push({ subject: `${plan.destination.key} port ${plan.port.sectionName}`, reason: `${plan.retry.sources.join(', ')} sets no grpc block; a gRPC client retries only by that block` });
  }
  const routes = routeDrafts(plan).flatMap((draft) => {
    const matches = proxylessRouteMatches(draft.match);
    if (!matches.ok) {
      notes.push({ subject: `${plan.destination.key} port ${plan.port.sectionName} route ${draft.name}`, reason: `left out for gRPC clients: it ${matches.reason}` });
      return [];
    }
    notes.push(...routeFilterNotes(plan, draft, true));
    const clusters = draft.unresolvedWeight > 0 ? [...draft.clusters, { name: UNRESOLVED_BACKEND_CLUSTER, weight: draft.unresolvedWeight }] : draft.clusters;
    const route = { ...clusterAction(clusters), ...timeouts, ...(retry === undefined ? {} : { retry_policy: retry }) };
    return matches.matches.map((match) => ({ name: draft.name, match, route }));
  });
  return { resource: { name, validate_clusters: { value: false }, virtual_hosts: [{ name: virtualHost, domains: [...domains], routes }] }, notes };
}
