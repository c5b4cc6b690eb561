/**
 * The gRPC service definition of envoy.service.discovery.v3.AggregatedDiscoveryService, built from
 * the loaded Envoy protos: method paths and request/response codecs come from the descriptor.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { envoyProtos } from '../envoy/protos.js';

const DECODE: protobuf.IConversionOptions = { longs: Number, enums: String, arrays: true };

function codecFor(type: protobuf.Type): { encode(value: object): Buffer; decode(bytes: Buffer): unknown } {
  return {
    encode: (value) => Buffer.from(type.encode(type.fromObject(value)).finish()),
    decode: (bytes) => type.toObject(type.decode(bytes), DECODE),
  };
}

let definition: ServiceDefinition | undefined;

/** StreamAggregatedResources and DeltaAggregatedResources, with protobufjs codecs (proto field names). */
export function adsServiceDefinition(): ServiceDefinition {
  if (definition !== undefined) return definition;
  const service = envoyProtos().adsService;
  const methods: Record<string, MethodDefinition<unknown, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = codecFor(method.resolvedRequestType as protobuf.Type);
    const response = codecFor(method.resolvedResponseType as protobuf.Type);
    methods[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value: unknown) => request.encode(value as object),
      requestDeserialize: request.decode,
      responseSerialize: response.encode,
      responseDeserialize: (bytes: Buffer) => response.decode(bytes) as object,
    };
  }
  definition = methods;
  return definition;
}
