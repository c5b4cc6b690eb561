/**
 * Serialized sizes of DiscoveryResponse and DeltaDiscoveryResponse, computed from the protobuf wire
 * format instead of encoding the message a second time (gRPC encodes it once, on write). A client
 * refuses a message over its receive limit (4 MiB by default in Envoy's GoogleGrpc client and in
 * gRPC libraries) by ending the whole stream, so the server must know a response's size before it
 * sends it. The sizes equal what the ADS codec (protobufjs fromObject + encode) writes: a present
 * string is written even when empty; response-size.test.ts checks this against the codec.
 */
import type { EncodedAny } from '../envoy/encode.js';
import type { DeltaDiscoveryResponse, DeltaResource, DiscoveryResponse } from './ads-messages.js';

/**
 * The default limit: under 4 MiB (4,194,304 bytes), the default receive limit of Envoy's xDS gRPC
 * client and of gRPC libraries, whether a client reads "4 MB" as 4,000,000 or 4,194,304 bytes.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4_000_000;

function varintSize(n: number): number {
  let size = 1;
  for (let rest = Math.floor(n / 128); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** A length-delimited field with a field number under 16 (one tag byte): tag, length, payload. */
function fieldSize(payloadBytes: number): number {
  return 1 + varintSize(payloadBytes) + payloadBytes;
}

function stringField(text: string): number {
  return fieldSize(Buffer.byteLength(text, 'utf8'));
}

/** google.protobuf.Any: type_url (1), value (2). */
function anyBytes(any: EncodedAny): number {
  return stringField(any.type_url) + fieldSize(any.value.length);
}

/** One `resources` entry (field 2) of a DiscoveryResponse. */
export function sotwResourceFieldSize(any: EncodedAny): number {
  return fieldSize(anyBytes(any));
}

/** One `resources` entry (field 2) of a DeltaDiscoveryResponse: Resource{version (1), resource (2), name (3)}. */
export function deltaResourceFieldSize(resource: DeltaResource): number {
  return fieldSize(stringField(resource.version) + fieldSize(anyBytes(resource.resource)) + stringField(resource.name));
}

/** One `removed_resources` entry (field 6) of a DeltaDiscoveryResponse. */
export function removedNameFieldSize(name: string): number {
  return stringField(name);
}

/** The bytes of a DiscoveryResponse on the wire (without the 5-byte gRPC frame header). */
export function sotwResponseSize(response: DiscoveryResponse): number {
  let size = stringField(response.version_info) + stringField(response.type_url) + stringField(response.nonce);
  for (const any of response.resources) size += sotwResourceFieldSize(any);
  return size;
}

/** The fields of a DeltaDiscoveryResponse other than resources and removed_resources. */
export function deltaHeaderSize(response: Pick<DeltaDiscoveryResponse, 'system_version_info' | 'type_url' | 'nonce'>): number {
  return stringField(response.system_version_info) + stringField(response.type_url) + stringField(response.nonce);
}

/** The bytes of a DeltaDiscoveryResponse on the wire (without the 5-byte gRPC frame header). */
export function deltaResponseSize(response: DeltaDiscoveryResponse): number {
  let size = deltaHeaderSize(response);
  for (const resource of response.resources) size += deltaResourceFieldSize(resource);
  for (const name of response.removed_resources) size += removedNameFieldSize(name);
  return size;
}
