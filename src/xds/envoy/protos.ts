/**
 * The Envoy API protos, loaded once (on first use) with protobufjs from the copy that ships inside
 * @grpc/grpc-js-xds (deps/envoy-api, deps/xds, deps/googleapis, deps/protoc-gen-validate), with
 * google/protobuf/* from protobufjs itself. Field names keep their proto spelling (snake_case).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { messageNameOf } from './type-urls.js';

/** The files we load; everything they import comes along. Add a file here to use its messages. */
export const PROTO_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

export interface EnvoyProtos {
  readonly root: protobuf.Root;
  /** Milliseconds the first load took (parsing ~75 files). */
  readonly loadMs: number;
  /** The message type for a full name (`envoy.config.cluster.v3.Cluster`); throws if unknown. */
  lookupType(fullName: string): protobuf.Type;
  /** The message type a type URL names, or undefined if it is not loaded. */
  typeForUrl(typeUrl: string): protobuf.Type | undefined;
  readonly adsService: protobuf.Service;
}

let loaded: EnvoyProtos | undefined;

/** Loads the protos on first call and returns the same instance afterwards. */
export function envoyProtos(): EnvoyProtos {
  loaded ??= loadEnvoyProtos();
  return loaded;
}

function includeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const xdsRoot = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const protobufjsRoot = dirname(require.resolve('protobufjs/package.json'));
  const deps = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(xdsRoot, 'deps', d));
  return [...deps, protobufjsRoot];
}

function loadEnvoyProtos(): EnvoyProtos {
  const started = performance.now();
  const dirs = includeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string => {
    for (const dir of dirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync([...PROTO_FILES], { keepCase: true });
  root.resolveAll();
  const typeCache = new Map<string, protobuf.Type | undefined>();
  const typeForUrl = (typeUrl: string): protobuf.Type | undefined => {
    if (typeCache.has(typeUrl)) return typeCache.get(typeUrl);
    const name = messageNameOf(typeUrl);
    const found = name === undefined ? null : root.lookup(name);
    const type = found instanceof protobuf.Type ? found : undefined;
    typeCache.set(typeUrl, type);
    return type;
  };
  return {
    root,
    loadMs: performance.now() - started,
    lookupType: (fullName) => root.lookupType(fullName),
    typeForUrl,
    adsService: root.lookupService(ADS_SERVICE_NAME),
  };
}
