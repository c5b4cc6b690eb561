/**
 * The only place Envoy resource names are built (DESIGN.md "Contracts", traffic doc 3.2, Kuma 2.x
 * legacy naming). Unified (KRI-everywhere) naming is not offered: Meshplane has no data plane
 * feature flags, so every proxy gets the 2.x default names.
 */
import { formatKri, kriOf } from '../../core/kri.js';
import type { Labels } from '../../core/resource.js';

/** What a MeshService or MeshMultiZoneService name is built from. */
export interface DestinationIdentity {
  /** KRI short name: `msvc` or `mzsvc`. */
  readonly shortName: string;
  readonly mesh: string;
  readonly name: string;
  readonly labels: Labels;
}

/** `outbound:<vip>:<port>` (sidecar listener for one VIP and port, legacy or MeshService). */
export function outboundListenerName(vip: string, port: number): string {
  return `outbound:${vip}:${port}`;
}

/** `inbound:<address>:<port>`. */
export function inboundListenerName(address: string, port: number): string {
  return `inbound:${address}:${port}`;
}

/** The static cluster an inbound forwards to: `localhost:<servicePort>`. */
export function localClusterName(servicePort: number): string {
  return `localhost:${servicePort}`;
}

/** The inline route configuration of an HTTP inbound: `inbound:<service>` (or the listener name when untagged). */
export function inboundRouteConfigName(service: string): string {
  return `inbound:${service}`;
}

/**
 * Kuma's "legacy destination name" `<mesh>_<displayName>_<namespace>_<zone>_<short>_<portNumber>`:
 * cluster, ClusterLoadAssignment, virtual host and stat prefix of a Mesh*Service port. The last
 * part is the port NUMBER even for a named port (traffic doc 1.4).
 */
export function destinationClusterName(d: DestinationIdentity, port: number): string {
  const k = kriOf(d.shortName, d);
  return [k.mesh, k.name, k.namespace, k.zone, k.shortName, String(port)].join('_');
}

/** The KRI of a destination port: `kri_msvc_<mesh>_<zone>_<ns>_<name>_<section>`; names its route configuration. */
export function destinationPortKri(d: DestinationIdentity, sectionName: string): string {
  return formatKri(kriOf(d.shortName, d, sectionName));
}

/** The KRI of the whole destination (empty section). */
export function destinationKri(d: DestinationIdentity): string {
  return formatKri(kriOf(d.shortName, d));
}

/** `kuma.io/service` destinations keep the service name as cluster and ClusterLoadAssignment name. */
export function legacyClusterName(service: string): string {
  return service;
}

/** `outbound:<service>`: route configuration of a legacy VIP listener. */
export function legacyRouteConfigName(service: string): string {
  return `outbound:${service}`;
}

/** Kuma's legacy VIP hostname for a `kuma.io/service` (what its DNS answers with the 240/4 VIP). */
export function legacyHostname(service: string): string {
  return `${service}.mesh`;
}

/**
 * The cluster (and its empty ClusterLoadAssignment) that the share of traffic whose backendRef
 * resolves to nothing is sent to on clients that cannot answer a route themselves (TcpProxy,
 * proxyless gRPC): no endpoints, so calls fail at once (gRPC: UNAVAILABLE) and never go elsewhere.
 */
export const UNRESOLVED_BACKEND_CLUSTER = 'meshplane_unresolved_backend';

/** A route built from a MeshHTTPRoute rule: the route's KRI (Kuma 2.x names no rule index). */
export function httpRouteName(route: { readonly mesh: string; readonly name: string; readonly labels: Labels }): string {
  return formatKri(kriOf('mhttpr', route));
}

/**
 * Name of the catch-all route (`prefix: /`). Kuma names it with a hash of the match; the value is
 * the same for every catch-all, so it is written here as the constant it is (traffic doc 3.2).
 */
export const CATCH_ALL_ROUTE_NAME = '9Zuf5Tg79OuZcQITwBbQykxAk2u4fRKrwYn3//AL4Yo=';

/**
 * Listener names a proxyless gRPC client asks for, for one port of a destination: the target
 * `<host>:<port>` for every hostname and VIP, and the bare hostname for port 80, the way gRPC
 * leaves out the default port of `xds:///host` (xds-grpc-client-notes gotcha 4).
 */
export function proxylessListenerNames(hostnames: readonly string[], vips: readonly string[], port: number): string[] {
  const names: string[] = [];
  for (const host of hostnames) {
    names.push(`${host}:${port}`);
    if (port === 80) names.push(host);
  }
  for (const vip of vips) names.push(vip.includes(':') ? `[${vip}]:${port}` : `${vip}:${port}`);
  return names;
}
