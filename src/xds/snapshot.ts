/**
 * XdsSnapshot: the complete Envoy configuration for one proxy, as an immutable value. For each
 * type URL it maps resource name -> plain object, its encoded Any and a content hash; the version of
 * a type is the hash of its sorted (name, hash) pairs, so a version changes exactly when content
 * does. An entry holds the memo's canonical object for its content, so equal resources of many
 * snapshots, built in other MeshContexts, are one object in memory. `consistencyErrors` lists what
 * would make a proxy wait forever (dangling RDS/EDS names); the cache refuses to publish a snapshot
 * that has any.
 */
import type { EncodedAny, EnvoyObject } from './envoy/encode.js';
import { contentHash, sharedEncodingMemo, type EncodingMemo } from './envoy/encoding-memo.js';
import { endpointsNameOf, routeConfigNamesOf } from './envoy/references.js';
import { RESOURCE_TYPES, TYPE_URL, type ResourceTypeUrl } from './envoy/type-urls.js';

/** One resource handed to `buildSnapshot`. */
export interface ResourceInput {
  readonly typeUrl: ResourceTypeUrl;
  readonly resource: EnvoyObject;
  /** Equal keys promise equal content: lets identical resources be encoded once across proxies. */
  readonly contentKey?: string;
}

/**
 * A ResourceInput whose contentKey is a hash of the resource's JSON: equal resources built at
 * different times (another MeshContext, another proxy) share one encoding. For resources built once
 * and handed to many proxies; hashing per proxy would cost more than it saves.
 */
export function contentKeyed(typeUrl: ResourceTypeUrl, resource: EnvoyObject): ResourceInput {
  return { typeUrl, resource, contentKey: contentHash(JSON.stringify(resource)) };
}

export interface SnapshotEntry {
  readonly name: string;
  readonly resource: EnvoyObject;
  readonly any: EncodedAny;
  readonly hash: string;
}

const EMPTY: ReadonlyMap<string, SnapshotEntry> = new Map();

export class XdsSnapshot {
  private readonly versions = new Map<string, string>();

  constructor(
    private readonly byType: ReadonlyMap<ResourceTypeUrl, ReadonlyMap<string, SnapshotEntry>>,
    /** Problems found while building (duplicate or missing names); reported by consistencyErrors. */
    readonly buildProblems: readonly string[] = [],
  ) {
    for (const { typeUrl } of RESOURCE_TYPES) this.versions.set(typeUrl, versionOf(this.resources(typeUrl)));
  }

  /** Resources of one type by name (an empty map for a type the snapshot does not have). */
  resources(typeUrl: string): ReadonlyMap<string, SnapshotEntry> {
    return this.byType.get(typeUrl as ResourceTypeUrl) ?? EMPTY;
  }

  /** The content version of one type; equal for equal content, whatever the order of input. */
  version(typeUrl: string): string {
    return this.versions.get(typeUrl) ?? versionOf(EMPTY);
  }

  /** Every type version, by type URL (for status pages and logs). */
  allVersions(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.versions);
  }
}

function versionOf(entries: ReadonlyMap<string, SnapshotEntry>): string {
  const pairs = [...entries.values()].map((e) => `${e.name}\u0000${e.hash}`).sort();
  return contentHash(pairs.join('\n'));
}

function nameOf(typeUrl: ResourceTypeUrl, resource: EnvoyObject): string | undefined {
  const field = RESOURCE_TYPES.find((t) => t.typeUrl === typeUrl)?.nameField ?? 'name';
  const name = resource[field];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Encodes (through the memo) and indexes resources; throws EnvoyEncodeError on a malformed one. */
export function buildSnapshot(inputs: Iterable<ResourceInput>, memo: EncodingMemo = sharedEncodingMemo): XdsSnapshot {
  const byType = new Map<ResourceTypeUrl, Map<string, SnapshotEntry>>();
  const problems: string[] = [];
  for (const { typeUrl, resource, contentKey } of inputs) {
    const name = nameOf(typeUrl, resource);
    const short = RESOURCE_TYPES.find((t) => t.typeUrl === typeUrl)?.shortName ?? typeUrl;
    if (name === undefined) {
      problems.push(`a ${short} resource has no name`);
      continue;
    }
    const entries = byType.get(typeUrl) ?? new Map<string, SnapshotEntry>();
    byType.set(typeUrl, entries);
    if (entries.has(name)) {
      problems.push(`duplicate ${short} resource name '${name}'`);
      continue;
    }
    // The memo's canonical object: equal resources of snapshots built at other times share one copy.
    const encoded = memo.encode(typeUrl, resource, contentKey);
    entries.set(name, { name, resource: encoded.resource, any: encoded.any, hash: encoded.hash });
  }
  return new XdsSnapshot(byType, problems);
}

/** Everything that makes the snapshot unsafe to publish; empty when it is consistent. */
export function consistencyErrors(snapshot: XdsSnapshot): string[] {
  const errors = [...snapshot.buildProblems];
  const routes = snapshot.resources(TYPE_URL.routeConfiguration);
  for (const listener of snapshot.resources(TYPE_URL.listener).values()) {
    for (const route of routeConfigNamesOf(listener.resource)) {
      if (!routes.has(route)) errors.push(`listener '${listener.name}' refers to route configuration '${route}', which is not in the snapshot`);
    }
  }
  const endpoints = snapshot.resources(TYPE_URL.clusterLoadAssignment);
  for (const cluster of snapshot.resources(TYPE_URL.cluster).values()) {
    const needed = endpointsNameOf(cluster.resource);
    if (needed !== undefined && !endpoints.has(needed)) {
      errors.push(`cluster '${cluster.name}' needs ClusterLoadAssignment '${needed}', which is not in the snapshot`);
    }
  }
  return errors;
}
