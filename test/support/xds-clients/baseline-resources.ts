/**
 * Hand-built xDS resources in the shape gRPC's xDS client accepts and routes with (the probe's
 * "baseline": api_listener with an HCM over RDS, one EDS cluster, one ClusterLoadAssignment).
 */
import { anyOf, type EnvoyObject } from '../../../src/xds/envoy/encode.js';
import { EMBEDDED_TYPE_URL, TYPE_URL } from '../../../src/xds/envoy/type-urls.js';
import type { ResourceInput } from '../../../src/xds/snapshot.js';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export function apiListener(name: string, routeName: string): EnvoyObject {
  const hcm = anyOf(EMBEDDED_TYPE_URL.httpConnectionManager, {
    rds: { route_config_name: routeName, config_source: { ads: {} } },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: anyOf(EMBEDDED_TYPE_URL.router) }],
  });
  return { name, api_listener: { api_listener: hcm } };
}

export function routeConfiguration(name: string, domain: string, cluster: string): EnvoyObject {
  return {
    name,
    virtual_hosts: [{ name: `vh-${cluster}`, domains: [domain], routes: [{ match: { prefix: '' }, route: { cluster } }] }],
  };
}

export function edsCluster(name: string): EnvoyObject {
  return { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } };
}

export function loadAssignment(clusterName: string, endpoints: readonly Endpoint[]): EnvoyObject {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        locality: {},
        load_balancing_weight: { value: 1 },
        lb_endpoints: endpoints.map((e) => ({ endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } } })),
      },
    ],
  };
}

/** Listener `target` -> route `route-<cluster>` -> EDS cluster `cluster` -> its endpoints. */
export function baselineResources(target: string, cluster: string, endpoints: readonly Endpoint[]): ResourceInput[] {
  return [
    { typeUrl: TYPE_URL.listener, resource: apiListener(target, `route-${cluster}`) },
    { typeUrl: TYPE_URL.routeConfiguration, resource: routeConfiguration(`route-${cluster}`, target, cluster) },
    { typeUrl: TYPE_URL.cluster, resource: edsCluster(cluster) },
    { typeUrl: TYPE_URL.clusterLoadAssignment, resource: loadAssignment(cluster, endpoints) },
  ];
}

/** A Secret the test clients subscribe to as a barrier (see MessageLog); include it in snapshots. */
export const BARRIER_SECRET_NAME = 'barrier';

export const barrierSecret: ResourceInput = {
  typeUrl: TYPE_URL.secret,
  resource: { name: BARRIER_SECRET_NAME, generic_secret: { secret: { inline_string: 'barrier' } } },
};
