/** Cluster builders: EDS clusters fed over ADS, and the static clusters inbounds forward to. */
import type { EnvoyObject } from '../../envoy/encode.js';
import { ADS_CONFIG_SOURCE } from './listener.js';
import { type ClusterTimeouts, commonHttpProtocolOptions, durationOf } from './timeouts.js';

/** Kuma's default connect timeout (its default MeshTimeout's connectionTimeout). */
const CONNECT_TIMEOUT: EnvoyObject = { seconds: 5 };

/**
 * Type EDS with an ADS config source and ROUND_ROBIN: the cluster shape both Envoy and gRPC's xDS
 * client accept (gRPC NACKs any other lb_policy than ROUND_ROBIN/RING_HASH, and non-ADS sources).
 * `timeouts` come from a MeshTimeout; its HTTP settings are given only for HTTP-like ports.
 * `breaker`: MeshCircuitBreaker fields (circuit-breakers.ts), added as they are. With outlier
 * detection the EDS service is named (the cluster's own name, what Envoy and gRPC use anyway):
 * grpc-js-xds compares an updated Cluster with its cached one over the cached value's keys only,
 * so an update that just adds outlier_detection would be dropped; the name makes it a change.
 */
export function edsCluster(name: string, upstream: 'http1' | 'http2' | 'tcp' = 'http1', timeouts: ClusterTimeouts = {}, breaker: EnvoyObject = {}): EnvoyObject {
  const common = upstream === 'tcp' ? undefined : commonHttpProtocolOptions(timeouts);
  const options = upstream === 'http2' || common !== undefined ? httpUpstream(upstream === 'http2', common) : undefined;
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: ADS_CONFIG_SOURCE, ...('outlier_detection' in breaker ? { service_name: name } : {}) },
    lb_policy: 'ROUND_ROBIN',
    connect_timeout: timeouts.connectTimeoutMs === undefined ? CONNECT_TIMEOUT : durationOf(timeouts.connectTimeoutMs),
    ...(options === undefined ? {} : { typed_extension_protocol_options: options }),
    ...breaker,
  };
}

/** gRPC and HTTP/2 destinations need HTTP/2 towards the upstream; Envoy speaks HTTP/1.1 otherwise. */
function httpUpstream(http2: boolean, common: EnvoyObject | undefined): EnvoyObject {
  return {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      ...(common === undefined ? {} : { common_http_protocol_options: common }),
      explicit_http_config: http2 ? { http2_protocol_options: {} } : { http_protocol_options: {} },
    },
  };
}

/** A STATIC cluster with one endpoint (an inbound's local application). */
export function staticCluster(name: string, address: string, port: number): EnvoyObject {
  return {
    name,
    type: 'STATIC',
    lb_policy: 'ROUND_ROBIN',
    connect_timeout: CONNECT_TIMEOUT,
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }],
    },
  };
}
