/**
 * How every backend turns a caller's input into the stored value and back. Labels, spec and status
 * are kept as JSON text, so what a caller reads back is exactly what JSON can carry of what it
 * wrote (keys in the order written, `undefined` members dropped), whichever backend holds it.
 * Values handed out are deep-frozen: no caller can change the store, or another caller's copy,
 * by mutating what it got.
 */
import type { NewResource, Resource } from '../core/resource.js';

/** One resource as a backend keeps it: JSON text for the free-form parts. */
export interface EncodedResource {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  readonly labels: string;
  readonly spec: string;
  /** null when the resource has no status. */
  readonly status: string | null;
  readonly version: number;
  readonly creationTime: string;
  readonly modificationTime: string;
}

export interface StoredMeta {
  readonly version: number;
  readonly creationTime: string;
  readonly modificationTime: string;
}

/** Serialises the caller's input; throws (before anything is written) if it cannot be JSON. */
export function encodeResource(input: NewResource, meta: StoredMeta): EncodedResource {
  return {
    type: input.type,
    mesh: input.mesh,
    name: input.name,
    labels: JSON.stringify(input.labels ?? {}),
    spec: JSON.stringify(input.spec ?? null),
    status: input.status === undefined ? null : JSON.stringify(input.status),
    version: meta.version,
    creationTime: meta.creationTime,
    modificationTime: meta.modificationTime,
  };
}

/** Parses a stored row into a fresh, frozen Resource with a fixed top-level key order. */
export function decodeResource(row: EncodedResource): Resource {
  const resource: Resource = {
    type: row.type,
    mesh: row.mesh,
    name: row.name,
    labels: JSON.parse(row.labels) as Resource['labels'],
    creationTime: row.creationTime,
    modificationTime: row.modificationTime,
    version: row.version,
    spec: JSON.parse(row.spec) as unknown,
    ...(row.status === null ? {} : { status: JSON.parse(row.status) as unknown }),
  };
  return deepFreeze(resource);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
