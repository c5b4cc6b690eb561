/**
 * A small structural schema for resource bodies: checks types with field paths, fills defaults,
 * and drops unknown fields with a warning (as Kuma's REST layer drops them, but not silently).
 * Semantic rules (selectors, ports, references) live in each kind's validate.ts.
 */
import { PathBuilder, type Violation } from './violations.js';
import { durationMs, MAX_DURATION_MS } from './duration.js';

export type Schema =
  | { readonly kind: 'string'; readonly enum?: readonly string[]; readonly numericEnum?: boolean; readonly default?: string }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number; readonly default?: number }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool'; readonly default?: boolean }
  | { readonly kind: 'intOrString' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'any' }
  | { readonly kind: 'map'; readonly values: Schema }
  | { readonly kind: 'array'; readonly items: Schema }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Schema>>; readonly required?: readonly string[] };

type ObjectSchema = Extract<Schema, { kind: 'object' }>;

/** Builders, so schemas read like the YAML they describe. */
export const s = {
  string: (o: { enum?: readonly string[]; numericEnum?: boolean; default?: string } = {}): Schema => ({ kind: 'string', ...o }),
  int: (o: { min?: number; max?: number; default?: number } = {}): Schema => ({ kind: 'int', ...o }),
  port: (): Schema => ({ kind: 'int', min: 1, max: 65535 }),
  number: (o: { min?: number; max?: number } = {}): Schema => ({ kind: 'number', ...o }),
  bool: (o: { default?: boolean } = {}): Schema => ({ kind: 'bool', ...o }),
  intOrString: (): Schema => ({ kind: 'intOrString' }),
  duration: (): Schema => ({ kind: 'duration' }),
  any: (): Schema => ({ kind: 'any' }),
  map: (values: Schema = { kind: 'string' }): Schema => ({ kind: 'map', values }),
  array: (items: Schema): Schema => ({ kind: 'array', items }),
  object: (fields: Record<string, Schema>, o: { required?: readonly string[] } = {}): ObjectSchema => ({
    kind: 'object',
    fields,
    ...o,
  }),
};

export interface DecodeResult<T = unknown> {
  readonly value: T;
  readonly violations: Violation[];
  readonly warnings: string[];
}

/** Go duration syntax; a bare "0" is valid in Go too. */
const DURATION = /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks `input` against `schema`; returns the cleaned value (defaults in, unknown fields out). */
export function decode<T = unknown>(schema: Schema, input: unknown, path: PathBuilder = PathBuilder.root()): DecodeResult<T> {
  const violations: Violation[] = [];
  const warnings: string[] = [];
  const value = walk(schema, input, path, violations, warnings);
  return { value: value as T, violations, warnings };
}

function walk(schema: Schema, v: unknown, path: PathBuilder, out: Violation[], warn: string[]): unknown {
  const bad = (message: string): undefined => {
    out.push({ field: String(path), message });
    return undefined;
  };
  switch (schema.kind) {
    case 'any':
      return v;
    case 'string': {
      if (schema.numericEnum && schema.enum && typeof v === 'number') {
        const named = schema.enum[v];
        return named ?? bad(`must be one of: ${schema.enum.join(', ')}; got ${v}`);
      }
      if (typeof v !== 'string') return bad(`must be a string; got ${typeName(v)}`);
      if (schema.enum && !schema.enum.includes(v)) return bad(`must be one of: ${schema.enum.join(', ')}; got ${JSON.stringify(v)}`);
      return v;
    }
    case 'int':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`must be a number; got ${typeName(v)}`);
      if (schema.kind === 'int' && !Number.isInteger(v)) return bad(`must be a whole number; got ${v}`);
      const { min, max } = schema;
      if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
        if (min !== undefined && max !== undefined) return bad(`must be in inclusive range [${min}, ${max}]; got ${v}`);
        return bad(min !== undefined ? `must be at least ${min}; got ${v}` : `must be at most ${max}; got ${v}`);
      }
      return v;
    }
    case 'bool':
      return typeof v === 'boolean' ? v : bad(`must be true or false; got ${typeName(v)}`);
    case 'intOrString':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      return bad(`must be a whole number or a string; got ${typeName(v)}`);
    case 'duration':
      if (typeof v !== 'string' || !DURATION.test(v)) {
        return bad(`must be a duration such as "10s", "1m30s" or "250ms"; got ${JSON.stringify(v)}`);
      }
      if (durationMs(v) > MAX_DURATION_MS) return bad(`must be at most 2562047h47m16.854775807s (the longest duration Go can hold); got ${JSON.stringify(v)}`);
      return v;
    case 'map': {
      if (!isPlainObject(v)) return bad(`must be a map; got ${typeName(v)}`);
      const result: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const decoded = walk(schema.values, item, path.key(k), out, warn);
        if (decoded !== undefined) result[k] = decoded;
      }
      return result;
    }
    case 'array': {
      if (!Array.isArray(v)) return bad(`must be a list; got ${typeName(v)}`);
      return v.map((item, i) => walk(schema.items, item, path.index(i), out, warn));
    }
    case 'object':
      return walkObject(schema, v, path, out, warn);
  }
}

function walkObject(schema: ObjectSchema, v: unknown, path: PathBuilder, out: Violation[], warn: string[]): unknown {
  if (!isPlainObject(v)) {
    out.push({ field: String(path), message: `must be an object; got ${typeName(v)}` });
    return undefined;
  }
  // Checked in the user's order (so violations read top to bottom), stored in the schema's order
  // (so every resource prints its fields in one canonical order, as Kuma's protos do).
  const decoded = new Map<string, unknown>();
  for (const [k, item] of Object.entries(v)) {
    const fieldSchema = schema.fields[k];
    if (!fieldSchema) {
      warn.push(`${String(path.field(k))}: unknown field, ignored`);
      continue;
    }
    if (item === null || item === undefined) continue;
    const value = walk(fieldSchema, item, path.field(k), out, warn);
    if (value !== undefined) decoded.set(k, value);
  }
  const result: Record<string, unknown> = {};
  for (const [k, fieldSchema] of Object.entries(schema.fields)) {
    if (decoded.has(k)) {
      result[k] = decoded.get(k);
    } else if ('default' in fieldSchema && fieldSchema.default !== undefined && !(k in v && v[k] !== null)) {
      result[k] = fieldSchema.default;
    } else if (schema.required?.includes(k) && !(k in v && v[k] !== null && v[k] !== undefined)) {
      out.push({ field: String(path.field(k)), message: 'must be defined' });
    }
  }
  return result;
}
