/**
 * The explain view of one proxy: every destination it has, with what decides its traffic, built
 * from the same plans the generators render (port-plan.ts), so it cannot disagree with the config:
 * kind and name, zone, VIPs, hostnames; per port the cluster and its endpoint count, the listener
 * names, the routes (match, backends with weights and clusters, or why a backend is missing), and
 * every MeshTimeout / MeshRetry / MeshCircuitBreaker setting with the resource it came from. Destinations the proxy
 * does not reach itself but its routes send to are listed too (`via: backendRef`).
 */
import { formatKri, kriOf } from '../../core/kri.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { NormalizedMatch } from '../../policies/compare-match.js';
import type { MergedConf } from '../../policies/merge-conf.js';
import { destinationId } from '../../policies/destination-catalog.js';
import type { ProxyPolicies } from '../../policies/policy-index.js';
import { type MeshServiceResource, type ProxyContext } from '../proxy-context.js';
import { clusterNameOf } from './destination-clusters.js';
import { type Destination, type DestinationPort, destinationsFor, serviceDestinationOf } from './destinations.js';
import { endpointsFor } from './endpoints.js';
import { outboundListenerName } from './names.js';
import { planSplits } from './plan-clusters.js';
import { type PortPlan, planPort, portPolicies } from './port-plan.js';
import { listenerNames } from './proxyless.js';
import { proxyPoliciesOf } from './proxy-policies.js';
import { routeDrafts } from './route-config.js';

export interface SettingExplain {
  /** `http.requestTimeout`, `grpc.numRetries`... */
  readonly setting: string;
  readonly value: unknown;
  /** `MeshTimeout/<name>` */
  readonly from: string;
}

export interface BackendExplain {
  readonly weight: number;
  /** `MeshService/backend-v2:grpc`, or the reference as written when it resolves to nothing. */
  readonly target: string;
  readonly cluster?: string;
  readonly unresolved?: string;
}

export interface RouteExplain {
  readonly name: string;
  /** `MeshHTTPRoute/<name>`, `MeshTCPRoute/<name>`, or `default`. */
  readonly from: string;
  readonly match: string;
  readonly backends: readonly BackendExplain[];
}

export interface PortExplain {
  readonly port: number;
  readonly sectionName: string;
  readonly appProtocol: string;
  readonly cluster: string;
  readonly endpoints: number;
  readonly listeners: readonly string[];
  readonly routes: readonly RouteExplain[];
  readonly timeouts: readonly SettingExplain[];
  readonly retries: readonly SettingExplain[];
  /** MeshCircuitBreaker settings of the port's cluster (`connectionLimits.maxRequests`...). */
  readonly circuitBreakers: readonly SettingExplain[];
  readonly notes: readonly string[];
}

export interface DestinationExplain {
  readonly kind: string;
  readonly name: string;
  readonly zone: string;
  readonly kri?: string;
  /** `reachable`: the proxy reaches it; `backendRef`: only its routes send to it. */
  readonly via: 'reachable' | 'backendRef';
  readonly vips: readonly string[];
  readonly hostnames: readonly string[];
  readonly ports: readonly PortExplain[];
}

export interface DestinationsExplain {
  readonly dataplane: string;
  readonly mesh: string;
  readonly client: 'envoy' | 'proxyless';
  readonly destinations: readonly DestinationExplain[];
  readonly notes: readonly string[];
}

function settings(merged: MergedConf<object> | undefined): SettingExplain[] {
  if (merged === undefined) return [];
  return Object.entries(merged.from).map(([setting, from]) => ({ setting, value: valueAt(merged.value, setting), from }));
}

function valueAt(value: object, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

export function describeMatch(m: NormalizedMatch): string {
  const parts = [m.path ? `${m.path.type} ${m.path.value}` : 'any path'];
  if (m.method) parts.push(`method ${m.method}`);
  for (const h of m.headers) parts.push(`header ${h.name} ${h.type}${h.value !== undefined ? ` ${h.value}` : ''}`);
  for (const q of m.queryParams) parts.push(`query ${q.name} ${q.type}${q.value !== undefined ? ` ${q.value}` : ''}`);
  return parts.join(', ');
}

function routesOf(plan: PortPlan): RouteExplain[] {
  const drafts = routeDrafts(plan);
  const sources = plan.http?.map((r) => (r.route ? `${r.route.type}/${r.route.name}` : 'default')) ?? [plan.tcp ? `${plan.tcp.route.type}/${plan.tcp.route.name}` : 'default'];
  const splits = plan.http?.map((r) => r.split) ?? [plan.tcp?.split];
  return drafts.map((d, i) => {
    const split = splits[i];
    const backends: BackendExplain[] =
      split === undefined
        ? d.clusters.map((c) => ({ weight: c.weight, target: 'this destination', cluster: c.name }))
        : split.map((s) =>
            s.target.kind === 'backend'
              ? { weight: s.weight, target: `${s.target.entry.kind}/${s.target.entry.resource.name}:${s.target.port.sectionName}`, cluster: clusterNameOf(serviceDestinationOf(s.target.entry.kind, s.target.entry.resource as MeshServiceResource), s.target.port) }
              : { weight: s.weight, target: s.target.ref, unresolved: s.target.reason },
          );
    return { name: d.name, from: sources[i] ?? 'default', match: describeMatch(d.match), backends };
  });
}

function portExplain(ctx: ProxyContext, plan: PortPlan, listeners: readonly string[]): PortExplain {
  const d = plan.destination;
  return {
    port: plan.port.port,
    sectionName: plan.port.sectionName,
    appProtocol: plan.port.appProtocol,
    cluster: clusterNameOf(d, plan.port),
    endpoints: endpointsFor(ctx.meshContext, d, plan.port).endpoints.length,
    listeners,
    routes: routesOf(plan),
    timeouts: settings(plan.timeout),
    retries: settings(plan.retry),
    circuitBreakers: settings(plan.circuitBreaker),
    notes: plan.notes.map((n) => n.reason),
  };
}

function identity(d: Destination): Pick<DestinationExplain, 'kind' | 'name' | 'zone' | 'kri' | 'vips' | 'hostnames'> {
  if (d.kind === 'legacy') return { kind: 'kuma.io/service', name: d.service, zone: '', vips: [d.vip], hostnames: [`${d.service}.mesh`] };
  return {
    kind: d.kind,
    name: d.resource.name,
    zone: d.resource.labels[LABEL.zone] ?? '',
    kri: formatKri(kriOf(d.identity.shortName, d.identity)),
    vips: d.vips,
    hostnames: d.hostnames,
  };
}

function listenersOf(ctx: ProxyContext, d: Destination, port: DestinationPort): string[] {
  if (ctx.client.proxyless) return listenerNames(d, port.port);
  const vips = d.kind === 'legacy' ? [d.vip] : d.vips;
  return vips.map((vip) => outboundListenerName(vip, port.port));
}

/** The MeshTimeout settings a cluster carries (the others belong to listeners and routes). */
const CLUSTER_TIMEOUTS: readonly string[] = ['connectionTimeout', 'idleTimeout', 'http.maxStreamDuration', 'http.maxConnectionDuration'];

/** Backends of the plans that the proxy does not reach itself: their clusters, without listeners. */
function backendOnly(ctx: ProxyContext, policies: ProxyPolicies, plans: readonly PortPlan[], reached: ReadonlySet<string>): DestinationExplain[] {
  const byKey = new Map<string, { d: Destination; ports: Map<number, DestinationPort> }>();
  for (const item of plans.flatMap(planSplits)) {
    if (item.target.kind !== 'backend') continue;
    const d = serviceDestinationOf(item.target.entry.kind, item.target.entry.resource as MeshServiceResource);
    if (reached.has(d.key)) continue;
    const entry = byKey.get(d.key) ?? { d, ports: new Map() };
    const p = item.target.port;
    entry.ports.set(p.port, { port: p.port, sectionName: p.sectionName, appProtocol: p.appProtocol });
    byKey.set(d.key, entry);
  }
  return [...byKey.values()].map(({ d, ports }) => ({
    ...identity(d),
    via: 'backendRef' as const,
    ports: [...ports.values()].map((port) => {
      const plan: PortPlan = { destination: d, port, protocol: 'http', ...portPolicies(policies, d.kind === 'legacy' ? undefined : destinationId(d.kind, d.resource.name), port.sectionName), notes: [] };
      const explained = portExplain(ctx, plan, []);
      const timeouts = explained.timeouts.filter((t) => CLUSTER_TIMEOUTS.includes(t.setting));
      return { ...explained, routes: [], retries: [], timeouts, notes: ['reached only through routes: its cluster keeps its own connection settings; request timeouts and retries are those of the route that sends here'] };
    }),
  }));
}

export function explainDestinations(ctx: ProxyContext): DestinationsExplain {
  const { destinations, notes } = destinationsFor(ctx);
  const policies = proxyPoliciesOf(ctx);
  const plans: PortPlan[] = [];
  const explained = destinations.map((d): DestinationExplain => {
    const ports = d.kind === 'legacy' ? [d.port] : d.ports;
    return {
      ...identity(d),
      via: 'reachable',
      ports: ports.map((port) => {
        const plan = planPort(ctx, policies, d, port);
        plans.push(plan);
        return portExplain(ctx, plan, listenersOf(ctx, d, port));
      }),
    };
  });
  return {
    dataplane: ctx.dataplane.name,
    mesh: ctx.dataplane.mesh,
    client: ctx.client.proxyless ? 'proxyless' : 'envoy',
    destinations: [...explained, ...backendOnly(ctx, policies, plans, new Set(destinations.map((d) => d.key)))],
    notes: notes.map((n) => `${n.subject}: ${n.reason}`),
  };
}
