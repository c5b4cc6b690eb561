/**
 * Every Envoy type URL the control plane sends, and what the xDS protocol needs to know about each
 * resource type. This is the only file that spells a type URL.
 */

const PREFIX = 'type.googleapis.com/';

/** Top-level xDS resource types (what a DiscoveryRequest asks for). */
export const TYPE_URL = {
  listener: `${PREFIX}envoy.config.listener.v3.Listener`,
  routeConfiguration: `${PREFIX}envoy.config.route.v3.RouteConfiguration`,
  cluster: `${PREFIX}envoy.config.cluster.v3.Cluster`,
  clusterLoadAssignment: `${PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  secret: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
} as const;

/** Types that only appear packed inside another resource (`typed_config` and friends). */
export const EMBEDDED_TYPE_URL = {
  httpConnectionManager: `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  router: `${PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  tcpProxy: `${PREFIX}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  upstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  downstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
} as const;

export type ResourceTypeUrl = (typeof TYPE_URL)[keyof typeof TYPE_URL];

export interface ResourceTypeInfo {
  readonly typeUrl: ResourceTypeUrl;
  /** The usual short name: LDS, RDS, CDS, EDS, SDS (also the metrics label). */
  readonly shortName: string;
  /** The field of the resource that holds its name. */
  readonly nameField: 'name' | 'cluster_name';
  /**
   * LDS and CDS: an empty first request is a wildcard, and in state-of-the-world every response
   * carries every subscribed resource (a missing one is deleted by the client).
   */
  readonly wildcardAndAllRequired: boolean;
}

/** In the order a server should push them on a change (make before break: CDS, EDS, LDS, RDS). */
export const RESOURCE_TYPES: readonly ResourceTypeInfo[] = [
  { typeUrl: TYPE_URL.cluster, shortName: 'CDS', nameField: 'name', wildcardAndAllRequired: true },
  { typeUrl: TYPE_URL.clusterLoadAssignment, shortName: 'EDS', nameField: 'cluster_name', wildcardAndAllRequired: false },
  { typeUrl: TYPE_URL.listener, shortName: 'LDS', nameField: 'name', wildcardAndAllRequired: true },
  { typeUrl: TYPE_URL.routeConfiguration, shortName: 'RDS', nameField: 'name', wildcardAndAllRequired: false },
  { typeUrl: TYPE_URL.secret, shortName: 'SDS', nameField: 'name', wildcardAndAllRequired: false },
];

const BY_URL = new Map<string, ResourceTypeInfo>(RESOURCE_TYPES.map((t) => [t.typeUrl, t]));

/** The protocol facts for a top-level type URL, or undefined for one we do not serve. */
export function resourceTypeInfo(typeUrl: string): ResourceTypeInfo | undefined {
  return BY_URL.get(typeUrl);
}

export function isResourceTypeUrl(typeUrl: string): typeUrl is ResourceTypeUrl {
  return BY_URL.has(typeUrl);
}

/** `type.googleapis.com/a.b.C` -> `a.b.C` (the message's full name); undefined if malformed. */
export function messageNameOf(typeUrl: string): string | undefined {
  const slash = typeUrl.lastIndexOf('/');
  const name = typeUrl.slice(slash + 1);
  return slash < 0 || name === '' ? undefined : name;
}

/** `a.b.C` -> `type.googleapis.com/a.b.C`. */
export function typeUrlOf(messageName: string): string {
  return `${PREFIX}${messageName.replace(/^\./, '')}`;
}
