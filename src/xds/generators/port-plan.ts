/**
 * What one proxy does with one port of one destination, decided once and rendered twice (Envoy
 * listeners or proxyless api_listeners) and explained by the inspect view:
 * - which routes apply (traffic doc 3.1, 5.1): for an HTTP-like port the MeshHTTPRoutes, or when
 *   none but a MeshTCPRoute applies, that TCP split (a sidecar then gets a TCP listener); for a
 *   TCP port only MeshTCPRoutes (an HTTP route there is noted and ignored). A proxyless gRPC
 *   client follows the same choice, and gets a TCP split as one weighted route;
 * - notes for every backendRef that resolves to nothing or to one of several;
 * - the merged MeshTimeout, MeshRetry and MeshCircuitBreaker confs, with where each field came
 *   from (for a gRPC client, a note names the circuit-breaker settings gRPC does not apply).
 * `kuma.io/service` destinations get only Mesh-wide policies and no routes (routes target
 * MeshServices). On a sidecar, an HTTP split to a port that is not http/http2/grpc is refused,
 * like Kuma does, and counts as unresolved.
 */
import { catalogEntryOf, destinationId } from '../../policies/destination-catalog.js';
import { mergeConfs, type MergedConf } from '../../policies/merge-conf.js';
import type { ProxyPolicies, ToEntry } from '../../policies/policy-index.js';
import { planHttpRoutes, planTcpRoute, type PlannedRoute, type PlannedTcpRoute, type RouteSelf, type SplitItem } from '../../policies/route-plan.js';
import type { CircuitBreakerConf } from '../../resources/mesh-circuit-breaker/types.js';
import type { RetryConf } from '../../resources/mesh-retry/types.js';
import type { TimeoutConf } from '../../resources/mesh-timeout/types.js';
import type { MeshContext, ProxyClient, ProxyContext } from '../proxy-context.js';
import { catalogOf } from './proxy-policies.js';
import { isHttpLike } from './destination-clusters.js';
import { grpcIgnoredSettings } from './envoy-builders/circuit-breakers.js';
import type { Destination, DestinationPort } from './destinations.js';
import type { GenerationNote } from './generated.js';

export interface PortPlan {
  readonly destination: Destination;
  readonly port: DestinationPort;
  /** How a sidecar listens: an HttpConnectionManager or a TcpProxy. */
  readonly protocol: 'http' | 'tcp';
  /** The destination port itself (Mesh*Service destinations). */
  readonly self?: RouteSelf;
  /** MeshHTTPRoute routes, when any applies and is used. */
  readonly http?: readonly PlannedRoute[];
  /** The MeshTCPRoute split, when one applies and is used. */
  readonly tcp?: PlannedTcpRoute;
  readonly timeout?: MergedConf<TimeoutConf>;
  readonly retry?: MergedConf<RetryConf>;
  readonly circuitBreaker?: MergedConf<CircuitBreakerConf>;
  readonly notes: readonly GenerationNote[];
}

export function destinationIdOf(d: Destination): string | undefined {
  return d.kind === 'legacy' ? undefined : destinationId(d.kind, d.resource.name);
}

/** The routes and policies that apply to one destination port for a proxy, each kind in merge order. */
export interface PortEntries {
  readonly timeout: readonly ToEntry[];
  readonly retry: readonly ToEntry[];
  readonly circuitBreaker: readonly ToEntry[];
  readonly http: readonly ToEntry[];
  readonly tcp: readonly ToEntry[];
}

export function portEntriesOf(policies: ProxyPolicies, destId: string | undefined, sectionName: string): PortEntries {
  return {
    timeout: policies.forPort('MeshTimeout', destId, sectionName),
    retry: policies.forPort('MeshRetry', destId, sectionName),
    circuitBreaker: policies.forPort('MeshCircuitBreaker', destId, sectionName),
    http: policies.forPort('MeshHTTPRoute', destId, sectionName),
    tcp: policies.forPort('MeshTCPRoute', destId, sectionName),
  };
}

/** The merged MeshTimeout, MeshRetry and MeshCircuitBreaker of a destination port for this proxy. */
export function portPolicies(policies: ProxyPolicies, destId: string | undefined, sectionName: string): Pick<PortPlan, 'timeout' | 'retry' | 'circuitBreaker'> {
  const layers = (kind: 'MeshTimeout' | 'MeshRetry' | 'MeshCircuitBreaker') => policies.forPort(kind, destId, sectionName);
  return mergedSettings(layers('MeshTimeout'), layers('MeshRetry'), layers('MeshCircuitBreaker'));
}

function mergedSettings(timeouts: readonly ToEntry[], retries: readonly ToEntry[], breakers: readonly ToEntry[]): Pick<PortPlan, 'timeout' | 'retry' | 'circuitBreaker'> {
  const layers = (entries: readonly ToEntry[]) => entries.map((e) => ({ conf: e.conf, source: e.source }));
  const timeout = mergeConfs<TimeoutConf>(layers(timeouts));
  const retry = mergeConfs<RetryConf>(layers(retries));
  const circuitBreaker = mergeConfs<CircuitBreakerConf>(layers(breakers));
  return { ...(timeout ? { timeout } : {}), ...(retry ? { retry } : {}), ...(circuitBreaker ? { circuitBreaker } : {}) };
}

/** For a gRPC client: the circuit-breaker settings it receives and does not apply. */
function grpcNotes(subject: string, plan: Pick<PortPlan, 'circuitBreaker'>): GenerationNote[] {
  const ignored = grpcIgnoredSettings(plan.circuitBreaker);
  if (ignored.length === 0) return [];
  return [{ subject, reason: `gRPC clients apply only connectionLimits.maxRequests and outlier detection by successRate or failurePercentage; not applied: ${ignored.join(', ')}` }];
}

function refuseNonHttp(split: readonly SplitItem[]): SplitItem[] {
  return split.map((s) =>
    s.target.kind === 'backend' && !isHttpLike(s.target.port.appProtocol)
      ? {
          weight: s.weight,
          target: {
            kind: 'unresolved' as const,
            ref: `${s.target.entry.kind} '${s.target.entry.resource.name}' port ${s.target.port.sectionName}`,
            reason: `its appProtocol is ${s.target.port.appProtocol}; an HTTP route sends only to http, http2 or grpc ports`,
          },
        }
      : s,
  );
}

/** What the proxy's owner should know about a split: shares that fail closed, picks among several. */
function splitNotes(subject: string, route: { readonly type: string; readonly name: string } | undefined, split: readonly SplitItem[]): GenerationNote[] {
  const total = split.reduce((n, s) => n + s.weight, 0);
  const from = route ? `${route.type}/${route.name}` : 'the default route';
  return split.flatMap((s): GenerationNote[] => {
    if (s.target.kind === 'unresolved') {
      return [{ subject, reason: `${from}: backendRef ${s.target.ref} resolves to nothing (${s.target.reason}); its share, ${s.weight} of ${total}, fails closed` }];
    }
    return s.target.remark === undefined ? [] : [{ subject, reason: `${from}: ${s.target.remark}` }];
  });
}

export function planPort(ctx: ProxyContext, policies: ProxyPolicies, d: Destination, port: DestinationPort): PortPlan {
  return planPortWith(ctx.meshContext, ctx.client, d, port, portEntriesOf(policies, destinationIdOf(d), port.sectionName));
}

/**
 * The plan from the entries that apply to the port: the same for every proxy (of one client kind)
 * to which the same entries apply, which is what lets port-pieces.ts share it.
 */
export function planPortWith(mesh: MeshContext, client: ProxyClient, d: Destination, port: DestinationPort, entries: PortEntries): PortPlan {
  const destId = destinationIdOf(d);
  const settings = mergedSettings(entries.timeout, entries.retry, entries.circuitBreaker);
  const httpPort = isHttpLike(port.appProtocol);
  const policyNotes = client.proxyless ? grpcNotes(`${d.key} port ${port.sectionName}`, settings) : [];
  if (d.kind === 'legacy' || destId === undefined) return { destination: d, port, protocol: httpPort ? 'http' : 'tcp', ...settings, notes: policyNotes };
  const catalog = catalogOf(mesh);
  const entry = catalog.byKey(d.kind, d.resource.name) ?? catalogEntryOf(d.kind, d.resource);
  const selfPort = entry.ports.find((p) => p.sectionName === port.sectionName) ?? { port: port.port, sectionName: port.sectionName, appProtocol: port.appProtocol };
  const self: RouteSelf = { entry, port: selfPort };
  const httpEntries = entries.http;
  const tcpEntries = entries.tcp;
  const notes: GenerationNote[] = [...policyNotes];
  const base = { destination: d, port, self, ...settings };
  const proxyless = client.proxyless;
  if (httpPort && httpEntries.length > 0) {
    const planned = planHttpRoutes(httpEntries, self, catalog) ?? [];
    const http = proxyless ? planned : planned.map((r) => ({ ...r, split: refuseNonHttp(r.split) }));
    for (const r of http) notes.push(...splitNotes(`${d.key} port ${port.sectionName}`, r.route, r.split));
    return { ...base, protocol: 'http', http, notes };
  }
  if (httpEntries.length > 0) {
    const names = [...new Set(httpEntries.map((e) => e.source))].join(', ');
    notes.push({ subject: `${d.key} port ${port.sectionName}`, reason: `${names} ignored: the port's appProtocol is ${port.appProtocol}; HTTP routes need http, http2 or grpc` });
  }
  const tcp = planTcpRoute(tcpEntries, self, catalog);
  if (tcp !== undefined) {
    notes.push(...splitNotes(`${d.key} port ${port.sectionName}`, tcp.route, tcp.split));
    return { ...base, protocol: proxyless ? 'http' : 'tcp', tcp, notes };
  }
  return { ...base, protocol: httpPort ? 'http' : 'tcp', notes };
}
