/**
 * Sidecar (Envoy) outbounds: one listener `outbound:<vip>:<port>` per VIP and reachable port.
 * HTTP-like ports get an HttpConnectionManager that loads its routes over RDS (route configuration
 * named by the port's KRI for a Mesh*Service, `outbound:<service>` for a `kuma.io/service`), with
 * one virtual host (named like the cluster) and a catch-all route to the cluster; other ports get a
 * TcpProxy. Kuma inlines the routes of a MeshService listener; RDS is used here so a route change
 * does not replace the listener (which drains connections in Envoy).
 */
import { SERVICE_TAG } from '../../core/well-known-labels.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import type { ProxyContext } from '../proxy-context.js';
import type { ResourceInput } from '../snapshot.js';
import { clusterNameOf, destinationCluster, isHttpLike } from './destination-clusters.js';
import type { Destination, DestinationPort } from './destinations.js';
import { HCM_FILTER_NAME, rdsHttpConnectionManager, socketListener, TCP_PROXY_FILTER_NAME, tcpProxy } from './envoy-builders/listener.js';
import { catchAllRouteConfiguration } from './envoy-builders/route.js';
import { concatGenerated, type Generated } from './generated.js';
import { destinationPortKri, legacyRouteConfigName, outboundListenerName } from './names.js';

export function outboundResources(ctx: ProxyContext, destinations: readonly Destination[]): Generated {
  const parts: Generated[] = [];
  for (const d of destinations) {
    const vips = d.kind === 'legacy' ? [d.vip] : d.vips;
    const ports = d.kind === 'legacy' ? [d.port] : d.ports;
    if (vips.length === 0) {
      parts.push({ resources: [], notes: [{ subject: d.key, reason: 'has no VIP yet; no outbound listener' }] });
      continue;
    }
    for (const port of ports) parts.push(portOutbound(ctx, d, port, vips));
  }
  return concatGenerated(parts);
}

function portOutbound(ctx: ProxyContext, d: Destination, port: DestinationPort, vips: readonly string[]): Generated {
  const cluster = clusterNameOf(d, port);
  const routeConfigName = d.kind === 'legacy' ? legacyRouteConfigName(d.service) : destinationPortKri(d.identity, port.sectionName);
  const tags: Record<string, string> = d.kind === 'legacy' ? { [SERVICE_TAG]: d.service } : { 'kuma.io/unified-name': routeConfigName };
  const http = isHttpLike(port.appProtocol);
  const bindToPort = !(ctx.dataplane.spec.networking?.transparentProxying?.redirectPortOutbound ?? 0);
  const resources: ResourceInput[] = vips.map((vip) => ({
    typeUrl: TYPE_URL.listener,
    resource: socketListener(
      { name: outboundListenerName(vip, port.port), address: vip, port: port.port, direction: 'OUTBOUND', bindToPort, tags },
      http
        ? { name: HCM_FILTER_NAME, typedConfig: rdsHttpConnectionManager(routeConfigName, cluster) }
        : { name: TCP_PROXY_FILTER_NAME, typedConfig: tcpProxy(cluster, cluster) },
    ),
  }));
  if (http) {
    resources.push({
      typeUrl: TYPE_URL.routeConfiguration,
      resource: catchAllRouteConfiguration({ name: routeConfigName, virtualHost: cluster, domains: ['*'], cluster }),
    });
  }
  return concatGenerated([{ resources, notes: [] }, destinationCluster(ctx.meshContext, d, port)]);
}
