/**
 * The ADS client stub for test clients, loaded with @grpc/proto-loader on its own (independent of
 * the server's protobufjs loader, so a mistake in one is not hidden by the same mistake in the other).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type AdsClient = grpc.Client & {
  StreamAggregatedResources(): grpc.ClientDuplexStream<object, Record<string, unknown>>;
  DeltaAggregatedResources(): grpc.ClientDuplexStream<object, Record<string, unknown>>;
};

let definition: grpc.ServiceDefinition | undefined;
let constructor: grpc.ServiceClientConstructor | undefined;

/** The AggregatedDiscoveryService definition (Envoy's protos as @grpc/grpc-js-xds ships them), loaded once. */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  if (definition !== undefined) return definition;
  const require = createRequire(import.meta.url);
  const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const loaded = protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(deps, d)),
  });
  definition = loaded['envoy.service.discovery.v3.AggregatedDiscoveryService'] as grpc.ServiceDefinition;
  return definition;
}

function adsClientConstructor(): grpc.ServiceClientConstructor {
  constructor ??= grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
  return constructor;
}

export function newAdsClient(address: string): AdsClient {
  const Client = adsClientConstructor();
  return new Client(address, grpc.credentials.createInsecure()) as unknown as AdsClient;
}
