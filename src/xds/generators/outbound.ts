/**
 * Sidecar (Envoy) outbounds: one listener `outbound:<vip>:<port>` per VIP and reachable port.
 * HTTP-like ports get an HttpConnectionManager that loads its routes over RDS (route configuration
 * named by the port's KRI for a Mesh*Service, `outbound:<service>` for a `kuma.io/service`), with
 * one virtual host (named like the cluster) holding the port's routes (route-config.ts: the
 * MeshHTTPRoute rules, or the catch-all to the cluster); other ports, and HTTP ports that only a
 * MeshTCPRoute targets, get a TcpProxy (to the cluster, or split by the MeshTCPRoute). Kuma
 * inlines the routes of a MeshService listener; RDS is used here so a route change does not
 * replace the listener (which drains connections in Envoy).
 */
import { SERVICE_TAG } from '../../core/well-known-labels.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import type { ProxyContext } from '../proxy-context.js';
import type { ResourceInput } from '../snapshot.js';
import { clusterNameOf } from './destination-clusters.js';
import type { Destination, DestinationPort } from './destinations.js';
import { HCM_FILTER_NAME, rdsHttpConnectionManager, socketListener, TCP_PROXY_FILTER_NAME, tcpProxy } from './envoy-builders/listener.js';
import { hcmTimeouts, tcpProxyTimeouts } from './envoy-builders/timeouts.js';
import type { Generated } from './generated.js';
import { destinationPortKri, legacyRouteConfigName, outboundListenerName, UNRESOLVED_BACKEND_CLUSTER } from './names.js';
import { PieceCollector, portResultKey, portResultsOf, sharedListenerPiece, sharedPlanClusters, sharedPortPlan } from './port-pieces.js';
import type { PortPlan } from './port-plan.js';
import type { PolicySet } from './proxy-policies.js';
import { sidecarRouteConfiguration, weigh } from './route-config.js';

export interface PlannedResources extends Generated {
  /** Destinations reached only through routes (backendRefs), by key. */
  readonly backendKeys: readonly string[];
}

export function outboundResources(ctx: ProxyContext, destinations: readonly Destination[], set: PolicySet): PlannedResources {
  const out = new PieceCollector();
  const bindToPort = !(ctx.dataplane.spec.networking?.transparentProxying?.redirectPortOutbound ?? 0);
  const results = portResultsOf(ctx.meshContext, `sidecar:${String(bindToPort)}`, set);
  for (const d of destinations) {
    const vips = d.kind === 'legacy' ? [d.vip] : d.vips;
    const ports = d.kind === 'legacy' ? [d.port] : d.ports;
    if (vips.length === 0) {
      out.add({ resources: [], notes: [{ subject: d.key, reason: 'has no VIP yet; no outbound listener' }] });
      continue;
    }
    for (const port of ports) {
      const resultKey = portResultKey(d, port, vips);
      let result = results.get(resultKey);
      if (result === undefined) {
        const planned = sharedPortPlan(ctx, set.policies, d, port);
        const key = ['sidecar-listeners', planned.key, vips.join(','), bindToPort].join('\u0000');
        const piece = sharedListenerPiece(ctx.meshContext, key, planned.plan, () => portOutbound(planned.plan, vips, bindToPort));
        result = { piece, clusters: sharedPlanClusters(ctx, set.policies, planned) };
        results.set(resultKey, result);
      }
      out.add(result.piece);
      out.addClusters(result.clusters);
    }
  }
  return { resources: out.resources, notes: out.notes, backendKeys: out.backendKeys };
}

function tcpFilter(plan: PortPlan, cluster: string): { name: string; typedConfig: ReturnType<typeof tcpProxy> } {
  const attempts = plan.retry?.value.tcp?.maxConnectAttempt;
  const extra = { ...tcpProxyTimeouts(plan.timeout?.value), ...(attempts === undefined ? {} : { max_connect_attempts: { value: attempts } }) };
  if (plan.tcp === undefined) return { name: TCP_PROXY_FILTER_NAME, typedConfig: tcpProxy(cluster, cluster, extra) };
  const w = weigh(plan.tcp.split);
  const targets = w.unresolvedWeight > 0 ? [...w.clusters, { name: UNRESOLVED_BACKEND_CLUSTER, weight: w.unresolvedWeight }] : w.clusters;
  const [only] = targets;
  return { name: TCP_PROXY_FILTER_NAME, typedConfig: tcpProxy(targets.length === 1 && only ? only.name : targets, cluster, extra) };
}

function portOutbound(plan: PortPlan, vips: readonly string[], bindToPort: boolean): Generated {
  const d: Destination = plan.destination;
  const port: DestinationPort = plan.port;
  const cluster = clusterNameOf(d, port);
  const routeConfigName = d.kind === 'legacy' ? legacyRouteConfigName(d.service) : destinationPortKri(d.identity, port.sectionName);
  const tags: Record<string, string> = d.kind === 'legacy' ? { [SERVICE_TAG]: d.service } : { 'kuma.io/unified-name': routeConfigName };
  const http = plan.protocol === 'http';
  const filter = http ? { name: HCM_FILTER_NAME, typedConfig: rdsHttpConnectionManager(routeConfigName, cluster, hcmTimeouts(plan.timeout?.value)) } : tcpFilter(plan, cluster);
  const resources: ResourceInput[] = vips.map((vip) => ({
    typeUrl: TYPE_URL.listener,
    resource: socketListener({ name: outboundListenerName(vip, port.port), address: vip, port: port.port, direction: 'OUTBOUND', bindToPort, tags }, filter),
  }));
  if (!http) return { resources, notes: [] };
  const routes = sidecarRouteConfiguration(plan, routeConfigName, cluster);
  resources.push({ typeUrl: TYPE_URL.routeConfiguration, resource: routes.resource });
  return { resources, notes: routes.notes };
}
