/**
 * The clusters (and ClusterLoadAssignments) one port plan needs: the destination's own, every
 * backendRef's (a route may send to a MeshService the proxy would not otherwise reach: it gets
 * that cluster and its endpoints all the same), and the endpoint-less unresolved-backend cluster
 * where a client needs it to fail closed (proxyless, or a sidecar TcpProxy). A cluster's
 * MeshTimeout and MeshCircuitBreaker settings are those of its own destination port, whichever
 * route leads to it.
 */
import { destinationId } from '../../policies/destination-catalog.js';
import type { ProxyPolicies } from '../../policies/policy-index.js';
import type { SplitItem } from '../../policies/route-plan.js';
import type { ProxyContext, MeshServiceResource } from '../proxy-context.js';
import { destinationCluster, unresolvedBackendCluster } from './destination-clusters.js';
import { serviceDestinationOf } from './destinations.js';
import { circuitBreakerFields } from './envoy-builders/circuit-breakers.js';
import { clusterTimeoutsOf } from './envoy-builders/timeouts.js';
import { concatGenerated, type Generated } from './generated.js';
import { type PortPlan, portPolicies } from './port-plan.js';

export function planSplits(plan: PortPlan): SplitItem[] {
  return [...(plan.http ?? []).flatMap((r) => r.split), ...(plan.tcp?.split ?? [])];
}

export interface PlanClusters {
  readonly generated: Generated;
  /** Keys of the other destinations the plan sends to (proxy-sync watches their endpoints too). */
  readonly backendKeys: readonly string[];
}

export function planClusters(ctx: ProxyContext, policies: ProxyPolicies, plan: PortPlan): PlanClusters {
  const mesh = ctx.meshContext;
  const parts: Generated[] = [destinationCluster(mesh, plan.destination, plan.port, clusterTimeoutsOf(plan.timeout?.value), circuitBreakerFields(plan.circuitBreaker?.value))];
  const seen = new Set([`${plan.destination.key}\u0000${plan.port.port}`]);
  const backendKeys = new Set<string>();
  let unresolved = false;
  for (const item of planSplits(plan)) {
    if (item.target.kind === 'unresolved') {
      unresolved = true;
      continue;
    }
    const { entry, port } = item.target;
    const d = serviceDestinationOf(entry.kind, entry.resource as MeshServiceResource);
    const key = `${d.key}\u0000${port.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (d.key !== plan.destination.key) backendKeys.add(d.key);
    const destPort = { port: port.port, sectionName: port.sectionName, appProtocol: port.appProtocol };
    const own = portPolicies(policies, destinationId(entry.kind, entry.resource.name), port.sectionName);
    parts.push(destinationCluster(mesh, d, destPort, clusterTimeoutsOf(own.timeout?.value), circuitBreakerFields(own.circuitBreaker?.value)));
  }
  if (unresolved && (ctx.client.proxyless || plan.protocol === 'tcp')) parts.push(unresolvedBackendCluster(mesh));
  return { generated: concatGenerated(parts), backendKeys: [...backendKeys] };
}
