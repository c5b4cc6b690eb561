/**
 * Outbounds for gRPC's own xDS client (proxyless). gRPC asks for a Listener by the target it dials
 * (`xds:///backend.svc.mesh.local:8080` asks for `backend.svc.mesh.local:8080`; port 80 is left off
 * by gRPC, so `xds:///backend.svc.mesh.local` asks for the bare hostname), so every reachable port
 * gets one `api_listener` per hostname and per VIP, each with an HttpConnectionManager loading the
 * port's route configuration over RDS (same name as the sidecar one), whose single virtual host
 * lists exactly those listener names as domains, and the port's routes (route-config.ts: the
 * MeshHTTPRoute rules, a MeshTCPRoute split, or the catch-all) to the SAME clusters a sidecar gets.
 * Every port is served whatever its appProtocol: a port Kuma calls `tcp` (the default) is often a
 * gRPC server. `kuma.io/service` destinations answer to `<service>.mesh`.
 */
import { TYPE_URL } from '../envoy/type-urls.js';
import type { ProxyContext } from '../proxy-context.js';
import { clusterNameOf } from './destination-clusters.js';
import type { Destination } from './destinations.js';
import { apiListener } from './envoy-builders/listener.js';
import { concatGenerated, type Generated } from './generated.js';
import { destinationPortKri, legacyHostname, legacyRouteConfigName, proxylessListenerNames } from './names.js';
import type { PlannedResources } from './outbound.js';
import { PieceCollector, portResultKey, portResultsOf, sharedListenerPiece, sharedPlanClusters, sharedPortPlan } from './port-pieces.js';
import type { PortPlan } from './port-plan.js';
import type { PolicySet } from './proxy-policies.js';
import { proxylessRouteConfiguration } from './route-config.js';

export function proxylessResources(ctx: ProxyContext, destinations: readonly Destination[], set: PolicySet): PlannedResources {
  const out = new PieceCollector();
  const results = portResultsOf(ctx.meshContext, 'proxyless', set);
  for (const d of destinations) {
    const ports = d.kind === 'legacy' ? [d.port] : d.ports;
    for (const port of ports) {
      const names = listenerNames(d, port.port);
      if (names.length === 0) {
        out.add({ resources: [], notes: [{ subject: d.key, reason: `port ${port.port} has no hostname and no VIP; a gRPC client has no name to ask for` }] });
        continue;
      }
      const resultKey = portResultKey(d, port, names);
      let result = results.get(resultKey);
      if (result === undefined) {
        const planned = sharedPortPlan(ctx, set.policies, d, port);
        const key = ['proxyless-listeners', planned.key, names.join(',')].join('\u0000');
        const piece = sharedListenerPiece(ctx.meshContext, key, planned.plan, () => portResources(planned.plan, names));
        result = { piece, clusters: sharedPlanClusters(ctx, set.policies, planned) };
        results.set(resultKey, result);
      }
      out.add(result.piece);
      out.addClusters(result.clusters);
    }
  }
  return { resources: out.resources, notes: out.notes, backendKeys: out.backendKeys };
}

/** The listener names a gRPC client may ask for to reach this port. */
export function listenerNames(d: Destination, port: number): string[] {
  const hostnames = d.kind === 'legacy' ? [legacyHostname(d.service)] : d.hostnames;
  const vips = d.kind === 'legacy' ? [d.vip] : d.vips;
  return proxylessListenerNames(hostnames, vips, port);
}

function portResources(plan: PortPlan, names: readonly string[]): Generated {
  const d = plan.destination;
  const port = plan.port;
  const cluster = clusterNameOf(d, port);
  const routeConfigName = d.kind === 'legacy' ? legacyRouteConfigName(d.service) : destinationPortKri(d.identity, port.sectionName);
  const routes = proxylessRouteConfiguration(plan, routeConfigName, cluster, names);
  const listeners = names.map((name) => ({ typeUrl: TYPE_URL.listener, resource: apiListener(name, routeConfigName) }));
  return concatGenerated([{ resources: [...listeners, { typeUrl: TYPE_URL.routeConfiguration, resource: routes.resource }], notes: routes.notes }]);
}
