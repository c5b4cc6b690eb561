/**
 * Plain Envoy objects -> google.protobuf.Any, strictly: every field name, enum value and scalar type
 * is checked against the descriptor (nested Any included) before protobufjs sees it, and decoding
 * back for tests, debugging and config dumps.
 */
import protobuf from 'protobufjs';
import { envoyProtos } from './protos.js';
import { toCheckedObject } from './strict-object.js';
import { resourceTypeInfo } from './type-urls.js';

/**
 * A plain Envoy message with proto field names; a nested Any is `{'@type': typeUrl, ...fields}`.
 * Exception: google.protobuf.Value comes from protobufjs's built-in copy, whose fields are camelCase
 * (`{stringValue: 'x'}`, `numberValue`, `boolValue`, `structValue`, `listValue`, `nullValue`).
 */
export type EnvoyObject = Readonly<Record<string, unknown>>;

/** A packed google.protobuf.Any, in proto field names so it drops into a DiscoveryResponse. */
export interface EncodedAny {
  readonly type_url: string;
  /** The serialised inner message. */
  readonly value: Uint8Array;
}

/** A plain object does not match the Envoy schema: a generator bug, never a user input error. */
export class EnvoyEncodeError extends Error {
  constructor(
    readonly typeUrl: string,
    readonly problems: readonly string[],
    resourceName?: string,
  ) {
    const what = resourceName === undefined ? typeUrl : `${typeUrl} '${resourceName}'`;
    super(`cannot encode ${what}: ${problems.join('; ')}`);
    this.name = 'EnvoyEncodeError';
  }
}

/** Writes a nested Any in the plain form `encodeResource` understands. */
export function anyOf(typeUrl: string, fields: EnvoyObject = {}): EnvoyObject {
  return { '@type': typeUrl, ...fields };
}

/** Checks and encodes `resource` as the message `typeUrl` names; throws EnvoyEncodeError listing every problem. */
export function encodeResource(typeUrl: string, resource: EnvoyObject): EncodedAny {
  const protos = envoyProtos();
  const type = protos.typeForUrl(typeUrl);
  const name = nameOf(typeUrl, resource);
  if (type === undefined) throw new EnvoyEncodeError(typeUrl, ['unknown type URL (not among the loaded protos)'], name);
  const problems: string[] = [];
  const checked = toCheckedObject(type, resource, '', { typeForUrl: protos.typeForUrl, problems });
  if (problems.length > 0) throw new EnvoyEncodeError(typeUrl, problems, name);
  return { type_url: typeUrl, value: type.encode(type.fromObject(checked)).finish() };
}

function nameOf(typeUrl: string, resource: EnvoyObject): string | undefined {
  const field = resourceTypeInfo(typeUrl)?.nameField ?? 'name';
  const name = resource[field];
  return typeof name === 'string' ? name : undefined;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String };

/** The inverse of `encodeResource`: nested Any come back as `{'@type': ..., ...fields}`. */
export function decodeResource(any: EncodedAny): Record<string, unknown> {
  const type = envoyProtos().typeForUrl(any.type_url);
  if (type === undefined) throw new Error(`cannot decode ${any.type_url}: unknown type URL`);
  return unpackAnys(type, type.toObject(type.decode(any.value), TO_OBJECT));
}

function unpackAnys(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  if (type.fullName === '.google.protobuf.Any') {
    const any = object as { type_url?: string; value?: Uint8Array };
    return { '@type': any.type_url, ...decodeResource({ type_url: any.type_url ?? '', value: any.value ?? new Uint8Array() }) };
  }
  for (const field of type.fieldsArray) {
    const inner = field.resolvedType;
    const value = object[field.name];
    if (!(inner instanceof protobuf.Type) || value === undefined || value === null) continue;
    const one = (v: unknown): unknown => unpackAnys(inner, v as Record<string, unknown>);
    if (field instanceof protobuf.MapField) {
      object[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, one(v)]));
    } else if (field.repeated) {
      object[field.name] = (value as unknown[]).map(one);
    } else {
      object[field.name] = one(value);
    }
  }
  return object;
}
