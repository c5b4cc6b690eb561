/**
 * Listener builders (plain Envoy objects, proto field names): sidecar listeners with an
 * HttpConnectionManager (RDS or inline routes) or a TcpProxy, and proxyless `api_listener`s.
 */
import { anyOf, type EnvoyObject } from '../../envoy/encode.js';
import { EMBEDDED_TYPE_URL } from '../../envoy/type-urls.js';

export const HCM_FILTER_NAME = 'envoy.filters.network.http_connection_manager';
export const TCP_PROXY_FILTER_NAME = 'envoy.filters.network.tcp_proxy';
export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';

/** Where RDS and EDS resources come from: the ADS stream the proxy already has. */
export const ADS_CONFIG_SOURCE: EnvoyObject = { ads: {}, resource_api_version: 'V3' };

export type TrafficDirection = 'INBOUND' | 'OUTBOUND';

export interface SocketListener {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly direction: TrafficDirection;
  /** False for transparent-proxy listeners: traffic reaches them through iptables redirection. */
  readonly bindToPort: boolean;
  /** Kuma's `io.kuma.tags` filter metadata. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every http filter chain ends with the router, whose typed_config gRPC requires (gotcha list). */
export function routerFilter(): EnvoyObject {
  return { name: ROUTER_FILTER_NAME, typed_config: anyOf(EMBEDDED_TYPE_URL.router) };
}

/** `extra`: more HttpConnectionManager fields (MeshTimeout's stream_idle_timeout...). */
export function rdsHttpConnectionManager(routeConfigName: string, statPrefix?: string, extra: EnvoyObject = {}): EnvoyObject {
  return anyOf(EMBEDDED_TYPE_URL.httpConnectionManager, {
    ...(statPrefix === undefined ? {} : { stat_prefix: statPrefix }),
    rds: { route_config_name: routeConfigName, config_source: ADS_CONFIG_SOURCE },
    http_filters: [routerFilter()],
    ...extra,
  });
}

export function inlineHttpConnectionManager(routeConfig: EnvoyObject, statPrefix: string): EnvoyObject {
  return anyOf(EMBEDDED_TYPE_URL.httpConnectionManager, { stat_prefix: statPrefix, route_config: routeConfig, http_filters: [routerFilter()] });
}

/** To one cluster, or split by weight over several; `extra`: idle_timeout, max_connect_attempts. */
export function tcpProxy(target: string | readonly { readonly name: string; readonly weight: number }[], statPrefix: string, extra: EnvoyObject = {}): EnvoyObject {
  const upstream =
    typeof target === 'string' ? { cluster: target } : { weighted_clusters: { clusters: target.map((c) => ({ name: c.name, weight: c.weight })) } };
  return anyOf(EMBEDDED_TYPE_URL.tcpProxy, { stat_prefix: statPrefix, ...upstream, ...extra });
}

/** A listener on address:port with one filter chain holding `filter` (an HCM or a TcpProxy). */
export function socketListener(l: SocketListener, filter: { readonly name: string; readonly typedConfig: EnvoyObject }): EnvoyObject {
  return {
    name: l.name,
    address: { socket_address: { address: l.address, port_value: l.port } },
    traffic_direction: l.direction,
    ...(l.bindToPort ? {} : { bind_to_port: { value: false } }),
    filter_chains: [{ filters: [{ name: filter.name, typed_config: filter.typedConfig }] }],
    ...(l.tags === undefined ? {} : { metadata: { filter_metadata: { 'io.kuma.tags': structOf(l.tags) } } }),
  };
}

/**
 * A listener for gRPC's own xDS client: only `api_listener` with an HCM that loads its routes over
 * ADS and ends in the router filter (the baseline of xds-grpc-client-notes; nothing Envoy-only).
 */
export function apiListener(name: string, routeConfigName: string): EnvoyObject {
  return { name, api_listener: { api_listener: rdsHttpConnectionManager(routeConfigName) } };
}

/**
 * A google.protobuf.Struct of strings. protobufjs defines the google.protobuf types itself, with
 * camelCase field names (`stringValue`), unlike the Envoy protos loaded with keepCase.
 */
function structOf(values: Readonly<Record<string, string>>): EnvoyObject {
  const fields: Record<string, EnvoyObject> = {};
  for (const key of Object.keys(values).sort()) fields[key] = { stringValue: values[key] };
  return { fields };
}
