/**
 * Bootstrap documents for a proxy of Dataplane `<mesh>.<name>`, pointing at this control plane's
 * ADS server: Envoy's (envoy.config.bootstrap.v3.Bootstrap, proto3 JSON mapping; the CLI prints it
 * as YAML) and gRPC's xDS bootstrap (what GRPC_XDS_BOOTSTRAP names, read by @grpc/grpc-js-xds).
 * The Envoy document uses no well-known type other than Any (no Duration, Struct or wrapper), so
 * its JSON form is also the plain form the strict encoder checks.
 */
import { isIP } from 'node:net';
import { SERVICE_TAG } from '../core/well-known-labels.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import { nodeIdOf } from './proxy-context.js';

export const BOOTSTRAP_TYPES = ['envoy', 'grpc'] as const;
export type BootstrapType = (typeof BOOTSTRAP_TYPES)[number];

export const ADS_CLUSTER_NAME = 'ads_cluster';
export const ENVOY_ADMIN = { address: '127.0.0.1', port: 9901 } as const;
const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** Where a proxy reaches the ADS server. */
export interface XdsEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface BootstrapDataplane {
  readonly mesh: string;
  readonly name: string;
  readonly spec: DataplaneSpec;
}

/**
 * `HOST:PORT` (IPv6 as `[::1]:5678`) -> endpoint, or a message saying what is wrong with `raw`.
 */
export function parseXdsEndpoint(raw: string): XdsEndpoint | string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined) return `must be HOST:PORT (IPv6 as [ADDRESS]:PORT); got ${JSON.stringify(raw)}`;
  if (match[1] !== undefined && isIP(host) !== 6) return `${JSON.stringify(host)} in brackets must be an IPv6 address`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port must be 1-65535; got ${JSON.stringify(raw)}`;
  return { host, port };
}

/** `host:port`, with IPv6 hosts in brackets (gRPC target syntax). */
export function formatXdsEndpoint(e: XdsEndpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** An address a server binds to that no client can dial: 0.0.0.0, ::, or empty. */
export function isUnspecifiedHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Kuma names the proxy's Envoy cluster after the service of its first inbound. */
function serviceOf(dp: BootstrapDataplane): string | undefined {
  return inboundsOf(dp.spec)
    .map((i) => i.tags?.[SERVICE_TAG])
    .find((s) => s !== undefined && s !== '');
}

function socketAddress(address: string, port: number): Record<string, unknown> {
  return { socket_address: { address, port_value: port } };
}

/**
 * Envoy: node id `<mesh>.<name>`, LDS and CDS over ADS (gRPC, v3, state of the world), the ADS
 * server as static cluster `ads_cluster` speaking HTTP/2, admin on 127.0.0.1:9901.
 */
export function envoyBootstrap(dp: BootstrapDataplane, xds: XdsEndpoint): Record<string, unknown> {
  const service = serviceOf(dp);
  const ads = { ads: {}, resource_api_version: 'V3' };
  return {
    node: { id: nodeIdOf(dp), ...(service !== undefined ? { cluster: service } : {}) },
    admin: { address: socketAddress(ENVOY_ADMIN.address, ENVOY_ADMIN.port) },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: ADS_CLUSTER_NAME } }],
      },
      lds_config: ads,
      cds_config: ads,
    },
    static_resources: {
      clusters: [
        {
          name: ADS_CLUSTER_NAME,
          type: isIP(xds.host) === 0 ? 'STRICT_DNS' : 'STATIC',
          typed_extension_protocol_options: {
            [HTTP_PROTOCOL_OPTIONS]: { '@type': `type.googleapis.com/${HTTP_PROTOCOL_OPTIONS}`, explicit_http_config: { http2_protocol_options: {} } },
          },
          load_assignment: {
            cluster_name: ADS_CLUSTER_NAME,
            endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(xds.host, xds.port) } }] }],
          },
        },
      ],
    },
  };
}

/**
 * gRPC proxyless: one insecure xDS server, node id `<mesh>.<name>` with the `locality` key gRPC
 * requires, and metadata marking the node proxyless for clients that send no user agent. No
 * `ignore_resource_deletion`: a mode change must be able to take a Listener away.
 */
export function grpcBootstrap(dp: BootstrapDataplane, xds: XdsEndpoint): Record<string, unknown> {
  const service = serviceOf(dp);
  return {
    xds_servers: [{ server_uri: formatXdsEndpoint(xds), channel_creds: [{ type: 'insecure' }], server_features: [] }],
    node: {
      id: nodeIdOf(dp),
      ...(service !== undefined ? { cluster: service } : {}),
      locality: {},
      metadata: { 'meshplane.io/proxyless': 'true' },
    },
  };
}

export function bootstrapFor(type: BootstrapType, dp: BootstrapDataplane, xds: XdsEndpoint): Record<string, unknown> {
  return type === 'envoy' ? envoyBootstrap(dp, xds) : grpcBootstrap(dp, xds);
}
