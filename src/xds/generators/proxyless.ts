/**
 * Outbounds for gRPC's own xDS client (proxyless). gRPC asks for a Listener by the target it dials
 * (`xds:///backend.svc.mesh.local:8080` asks for `backend.svc.mesh.local:8080`; port 80 is left off
 * by gRPC, so `xds:///backend.svc.mesh.local` asks for the bare hostname), so every reachable port
 * gets one `api_listener` per hostname and per VIP, each with an HttpConnectionManager loading the
 * port's route configuration over RDS (same name as the sidecar one), whose single virtual host
 * lists exactly those listener names as domains, and a catch-all route to the SAME cluster a
 * sidecar gets. Every port is served whatever its appProtocol: a port Kuma calls `tcp` (the
 * default) is often a gRPC server. `kuma.io/service` destinations answer to `<service>.mesh`.
 */
import { TYPE_URL } from '../envoy/type-urls.js';
import type { ProxyContext } from '../proxy-context.js';
import { clusterNameOf, destinationCluster } from './destination-clusters.js';
import type { Destination, DestinationPort } from './destinations.js';
import { apiListener } from './envoy-builders/listener.js';
import { catchAllRouteConfiguration } from './envoy-builders/route.js';
import { concatGenerated, type Generated } from './generated.js';
import { destinationPortKri, legacyHostname, legacyRouteConfigName, proxylessListenerNames } from './names.js';

export function proxylessResources(ctx: ProxyContext, destinations: readonly Destination[]): Generated {
  const parts: Generated[] = [];
  for (const d of destinations) {
    const ports = d.kind === 'legacy' ? [d.port] : d.ports;
    for (const port of ports) parts.push(portResources(ctx, d, port));
  }
  return concatGenerated(parts);
}

function portResources(ctx: ProxyContext, d: Destination, port: DestinationPort): Generated {
  const hostnames = d.kind === 'legacy' ? [legacyHostname(d.service)] : d.hostnames;
  const vips = d.kind === 'legacy' ? [d.vip] : d.vips;
  const names = proxylessListenerNames(hostnames, vips, port.port);
  if (names.length === 0) return { resources: [], notes: [{ subject: d.key, reason: `port ${port.port} has no hostname and no VIP; a gRPC client has no name to ask for` }] };
  const cluster = clusterNameOf(d, port);
  const routeConfigName = d.kind === 'legacy' ? legacyRouteConfigName(d.service) : destinationPortKri(d.identity, port.sectionName);
  const route = {
    typeUrl: TYPE_URL.routeConfiguration,
    resource: catchAllRouteConfiguration({ name: routeConfigName, virtualHost: cluster, domains: names, cluster }),
  };
  const listeners = names.map((name) => ({ typeUrl: TYPE_URL.listener, resource: apiListener(name, routeConfigName) }));
  return concatGenerated([{ resources: [...listeners, route], notes: [] }, destinationCluster(ctx.meshContext, d, port)]);
}
