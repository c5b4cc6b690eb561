/**
 * The cluster and ClusterLoadAssignment of one destination port, named alike (DESIGN.md
 * "Contracts"): built once per mesh and shared by every proxy, sidecar or proxyless, that reaches
 * the port, so many snapshots hold the same objects and encode them once.
 */
import { TYPE_URL } from '../envoy/type-urls.js';
import { type MeshContext, shared } from '../proxy-context.js';
import type { Destination, DestinationPort } from './destinations.js';
import { endpointsFor } from './endpoints.js';
import { edsCluster } from './envoy-builders/cluster.js';
import { clusterLoadAssignment } from './envoy-builders/endpoint.js';
import type { Generated } from './generated.js';
import { destinationClusterName, legacyClusterName } from './names.js';

/** The cluster (and CLA) name of a destination port. */
export function clusterNameOf(d: Destination, port: DestinationPort): string {
  return d.kind === 'legacy' ? legacyClusterName(d.service) : destinationClusterName(d.identity, port.port);
}

export function destinationCluster(ctx: MeshContext, d: Destination, port: DestinationPort): Generated {
  const name = clusterNameOf(d, port);
  return shared(ctx, `cluster\u0000${d.key}\u0000${port.port}`, () => {
    const set = endpointsFor(ctx, d, port);
    return {
      resources: [
        { typeUrl: TYPE_URL.cluster, resource: edsCluster(name, needsHttp2(port.appProtocol) ? 'http2' : 'http1') },
        { typeUrl: TYPE_URL.clusterLoadAssignment, resource: clusterLoadAssignment(name, set.endpoints) },
      ],
      notes: set.notes,
    };
  });
}

/** gRPC and HTTP/2 destinations must be reached over HTTP/2 (Envoy defaults to HTTP/1.1 upstream). */
export function needsHttp2(appProtocol: string): boolean {
  return appProtocol === 'http2' || appProtocol === 'grpc';
}

/** HTTP-like app protocols get an HttpConnectionManager; everything else a TcpProxy (traffic doc 3.1). */
export function isHttpLike(appProtocol: string): boolean {
  return appProtocol === 'http' || appProtocol === 'http2' || appProtocol === 'grpc';
}
