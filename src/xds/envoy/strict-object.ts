/**
 * Checks a plain Envoy object (proto field names, enum names as strings, nested Any written as
 * `{'@type': typeUrl, ...fields}`) against the message descriptor, recursively, and converts it to
 * the form protobufjs `fromObject` takes, with every nested Any already packed. protobufjs on its
 * own silently drops misspelt fields and unknown enum values; here each one is a problem with a
 * path, and all problems are reported together.
 */
import protobuf from 'protobufjs';

type Plain = Record<string, unknown>;

export interface StrictContext {
  /** The loaded message type for a type URL, or undefined. */
  typeForUrl(typeUrl: string): protobuf.Type | undefined;
  /** Problems found so far, as `path: message`. */
  readonly problems: string[];
}

const ANY = '.google.protobuf.Any';
const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Checks `value` against `type` and returns the object to hand to `type.fromObject`. */
export function toCheckedObject(type: protobuf.Type, value: unknown, path: string, ctx: StrictContext): Plain {
  if (!isPlainObject(value)) {
    ctx.problems.push(`${path || '(root)'}: must be an object (${type.fullName.slice(1)}); got ${describe(value)}`);
    return {};
  }
  if (type.fullName === ANY) return packAny(value, path, ctx);
  const out: Plain = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    if (fieldValue === undefined || fieldValue === null) continue;
    const field = type.fields[key];
    const at = join(path, key);
    if (field === undefined) {
      const hint = type.fields[snakeCase(key)] ? ` (did you mean '${snakeCase(key)}'?)` : '';
      ctx.problems.push(`${at}: unknown field of ${type.fullName.slice(1)}${hint}`);
      continue;
    }
    out[key] = checkField(field, fieldValue, at, ctx);
  }
  checkOneofs(type, value, path, ctx);
  return out;
}

function checkOneofs(type: protobuf.Type, value: Plain, path: string, ctx: StrictContext): void {
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => value[name] !== undefined && value[name] !== null);
    if (set.length > 1) ctx.problems.push(`${path || '(root)'}: only one of ${set.join(', ')} may be set (oneof ${oneof.name})`);
  }
}

function checkField(field: protobuf.Field, value: unknown, at: string, ctx: StrictContext): unknown {
  if (field instanceof protobuf.MapField) {
    if (!isPlainObject(value)) {
      ctx.problems.push(`${at}: must be a map (object); got ${describe(value)}`);
      return {};
    }
    const out: Plain = {};
    for (const key of Object.keys(value).sort()) out[key] = checkSingle(field, value[key], `${at}['${key}']`, ctx);
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) {
      ctx.problems.push(`${at}: must be a list; got ${describe(value)}`);
      return [];
    }
    return value.map((item, i) => checkSingle(field, item, `${at}[${i}]`, ctx));
  }
  return checkSingle(field, value, at, ctx);
}

function checkSingle(field: protobuf.Field, value: unknown, at: string, ctx: StrictContext): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return toCheckedObject(resolved, value, at, ctx);
  if (resolved instanceof protobuf.Enum) return checkEnum(resolved, value, at, ctx);
  return checkScalar(field.type, value, at, ctx);
}

function checkEnum(enumType: protobuf.Enum, value: unknown, at: string, ctx: StrictContext): unknown {
  const known = typeof value === 'string' ? enumType.values[value] !== undefined : typeof value === 'number' && enumType.valuesById[value] !== undefined;
  if (!known) {
    const allowed = Object.keys(enumType.values).join(', ');
    ctx.problems.push(`${at}: must be one of: ${allowed} (${enumType.fullName.slice(1)}); got ${describe(value)}`);
  }
  return value;
}

function checkScalar(scalar: string, value: unknown, at: string, ctx: StrictContext): unknown {
  const fail = (want: string): unknown => {
    ctx.problems.push(`${at}: must be ${want} (${scalar}); got ${describe(value)}`);
    return undefined;
  };
  if (scalar === 'string') return typeof value === 'string' ? value : fail('a string');
  if (scalar === 'bool') return typeof value === 'boolean' ? value : fail('a boolean');
  if (scalar === 'double' || scalar === 'float') return typeof value === 'number' ? value : fail('a number');
  if (scalar === 'bytes') return value instanceof Uint8Array || typeof value === 'string' ? value : fail('bytes or a base64 string');
  if (INT32.has(scalar)) return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? value : fail('a 32-bit integer');
  if (UINT32.has(scalar)) return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 32 ? value : fail('an unsigned 32-bit integer');
  if (INT64.has(scalar)) {
    const ok = Number.isSafeInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value));
    return ok ? value : fail('an integer');
  }
  return fail('a known scalar');
}

function packAny(value: Plain, path: string, ctx: StrictContext): Plain {
  const typeUrl = value['@type'];
  if (typeof typeUrl !== 'string') {
    ctx.problems.push(`${join(path, '@type')}: an Any must name its type URL in '@type'`);
    return {};
  }
  const inner = ctx.typeForUrl(typeUrl);
  if (inner === undefined) {
    ctx.problems.push(`${join(path, '@type')}: unknown type URL '${typeUrl}' (not among the loaded protos)`);
    return {};
  }
  const { '@type': _ignored, ...fields } = value;
  const before = ctx.problems.length;
  const checked = toCheckedObject(inner, fields, path, ctx);
  if (ctx.problems.length > before) return {};
  return { type_url: typeUrl, value: inner.encode(inner.fromObject(checked)).finish() };
}
