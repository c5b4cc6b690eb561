/**
 * The cluster and ClusterLoadAssignment of one destination port, named alike (DESIGN.md
 * "Contracts"): built once per mesh and shared by every proxy, sidecar or proxyless, that reaches
 * the port, so many snapshots hold the same objects and encode them once. Both are content-keyed:
 * equal ones built in another MeshContext (after an unrelated change) are encoded once too, and
 * snapshots keep one copy of them (snapshot.ts).
 */
import type { EnvoyObject } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { type MeshContext, shared } from '../proxy-context.js';
import { contentKeyed } from '../snapshot.js';
import type { Destination, DestinationPort } from './destinations.js';
import { endpointsFor } from './endpoints.js';
import { edsCluster } from './envoy-builders/cluster.js';
import { clusterLoadAssignment } from './envoy-builders/endpoint.js';
import type { ClusterTimeouts } from './envoy-builders/timeouts.js';
import type { Generated } from './generated.js';
import { destinationClusterName, legacyClusterName, UNRESOLVED_BACKEND_CLUSTER } from './names.js';

/** The cluster (and CLA) name of a destination port. */
export function clusterNameOf(d: Destination, port: DestinationPort): string {
  return d.kind === 'legacy' ? legacyClusterName(d.service) : destinationClusterName(d.identity, port.port);
}

/**
 * `timeouts` and `breaker` (Cluster fields): from the MeshTimeout and MeshCircuitBreaker that apply
 * to this destination port for the proxy at hand; proxies that agree on them share the built objects.
 */
export function destinationCluster(ctx: MeshContext, d: Destination, port: DestinationPort, timeouts: ClusterTimeouts = {}, breaker: EnvoyObject = {}): Generated {
  const name = clusterNameOf(d, port);
  const tuning = Object.keys(timeouts).length === 0 && Object.keys(breaker).length === 0 ? '' : JSON.stringify([timeouts, breaker]);
  return shared(ctx, `cluster\u0000${d.key}\u0000${port.port}\u0000${tuning}`, () => {
    const set = endpointsFor(ctx, d, port);
    const upstream = needsHttp2(port.appProtocol) ? 'http2' : isHttpLike(port.appProtocol) ? 'http1' : 'tcp';
    return {
      resources: [contentKeyed(TYPE_URL.cluster, edsCluster(name, upstream, timeouts, breaker)), contentKeyed(TYPE_URL.clusterLoadAssignment, clusterLoadAssignment(name, set.endpoints))],
      notes: set.notes,
    };
  });
}

/** The endpoint-less cluster unresolved backendRefs lead to (see UNRESOLVED_BACKEND_CLUSTER). */
export function unresolvedBackendCluster(ctx: MeshContext): Generated {
  return shared(ctx, 'cluster\u0000unresolved-backend', () => ({
    resources: [contentKeyed(TYPE_URL.cluster, edsCluster(UNRESOLVED_BACKEND_CLUSTER, 'tcp')), contentKeyed(TYPE_URL.clusterLoadAssignment, clusterLoadAssignment(UNRESOLVED_BACKEND_CLUSTER, []))],
    notes: [],
  }));
}

/** gRPC and HTTP/2 destinations must be reached over HTTP/2 (Envoy defaults to HTTP/1.1 upstream). */
export function needsHttp2(appProtocol: string): boolean {
  return appProtocol === 'http2' || appProtocol === 'grpc';
}

/** HTTP-like app protocols get an HttpConnectionManager; everything else a TcpProxy (traffic doc 3.1). */
export function isHttpLike(appProtocol: string): boolean {
  return appProtocol === 'http' || appProtocol === 'http2' || appProtocol === 'grpc';
}
