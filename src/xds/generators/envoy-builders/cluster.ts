/** Cluster builders: EDS clusters fed over ADS, and the static clusters inbounds forward to. */
import type { EnvoyObject } from '../../envoy/encode.js';
import { ADS_CONFIG_SOURCE } from './listener.js';

/** Kuma's default connect timeout (its default MeshTimeout's connectionTimeout). */
const CONNECT_TIMEOUT: EnvoyObject = { seconds: 5 };

/**
 * Type EDS with an ADS config source and ROUND_ROBIN: the cluster shape both Envoy and gRPC's xDS
 * client accept (gRPC NACKs any other lb_policy than ROUND_ROBIN/RING_HASH, and non-ADS sources).
 */
export function edsCluster(name: string, upstream: 'http1' | 'http2' = 'http1'): EnvoyObject {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: ADS_CONFIG_SOURCE },
    lb_policy: 'ROUND_ROBIN',
    connect_timeout: CONNECT_TIMEOUT,
    ...(upstream === 'http2' ? { typed_extension_protocol_options: HTTP2_UPSTREAM } : {}),
  };
}

/** gRPC and HTTP/2 destinations need HTTP/2 towards the upstream; Envoy speaks HTTP/1.1 otherwise. */
const HTTP2_UPSTREAM: EnvoyObject = {
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    explicit_http_config: { http2_protocol_options: {} },
  },
};

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
