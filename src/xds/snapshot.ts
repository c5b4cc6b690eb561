/**
 * XdsSnapshot: the complete Envoy configuration for one proxy, as an immutable value. For each
 * type URL it maps resource name -> plain object, its encoded Any and a content hash; the version of
 * a type is an order-independent sum of digests of its (name, hash) pairs (snapshot-version.ts), so
 * a version changes exactly when content does. An entry holds the memo's canonical object for its
 * content, so equal resources of many snapshots, built in other MeshContexts, are one object in
 * memory (and one entry object: entries are kept per encoding). `consistencyErrors` lists what
 * would make a proxy wait forever (dangling RDS/EDS names); the cache refuses to publish a snapshot
 * that has any. A snapshot may also be a shared layer plus a proxy's own entries
 * (snapshot-layer.ts): same content, versions and errors as the flat build of both.
 */
import type { EncodedAny, EnvoyObject } from './envoy/encode.js';
import { contentHash, type EncodedResource, sharedEncodingMemo, type EncodingMemo } from './envoy/encoding-memo.js';
import { endpointsNameOf, routeConfigNamesOf } from './envoy/references.js';
import { RESOURCE_TYPES, resourceTypeInfo, TYPE_URL, type ResourceTypeUrl } from './envoy/type-urls.js';
import { type Digest, DigestSum, entryDigest, sameDigest, versionString, ZERO_DIGEST } from './snapshot-version.js';

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

/** One type's entries and the sum of their digests. */
export interface TypeEntries {
  readonly entries: ReadonlyMap<string, SnapshotEntry>;
  readonly digest: Digest;
}

const EMPTY: ReadonlyMap<string, SnapshotEntry> = new Map();
const EMPTY_VERSION = versionString(ZERO_DIGEST);

/** Version strings by digest object: a layer's digest, shared by many snapshots, is written once. */
const versionStrings = new WeakMap<Digest, string>();

function versionOf(digest: Digest | undefined): string {
  if (digest === undefined) return EMPTY_VERSION;
  let version = versionStrings.get(digest);
  if (version === undefined) versionStrings.set(digest, (version = versionString(digest)));
  return version;
}

export class XdsSnapshot {
  /** `check` replaces the full consistency scan when the snapshot knows a cheaper equal one. */
  constructor(
    private readonly byType: ReadonlyMap<string, TypeEntries>,
    /** Problems found while building (duplicate or missing names); reported by consistencyErrors. */
    readonly buildProblems: readonly string[] = [],
    private readonly check?: (snapshot: XdsSnapshot) => string[],
  ) {}

  /** Resources of one type by name (an empty map for a type the snapshot does not have). */
  resources(typeUrl: string): ReadonlyMap<string, SnapshotEntry> {
    return this.byType.get(typeUrl)?.entries ?? EMPTY;
  }

  /** The content version of one type; equal for equal content, whatever the order of input. */
  version(typeUrl: string): string {
    return versionOf(this.byType.get(typeUrl)?.digest);
  }

  /** Whether the version of `typeUrl` is the same in `other` (without writing either out). */
  sameVersion(other: XdsSnapshot, typeUrl: string): boolean {
    return sameDigest(this.byType.get(typeUrl)?.digest ?? ZERO_DIGEST, other.byType.get(typeUrl)?.digest ?? ZERO_DIGEST);
  }

  /** Every type version, by type URL (for status pages and logs). */
  allVersions(): Readonly<Record<string, string>> {
    return Object.fromEntries(RESOURCE_TYPES.map(({ typeUrl }) => [typeUrl, this.version(typeUrl)]));
  }

  /** Everything that makes the snapshot unsafe to publish; empty when it is consistent. */
  consistencyErrors(): string[] {
    return this.check === undefined ? fullConsistencyErrors(this) : this.check(this);
  }
}

function nameOf(typeUrl: string, resource: EnvoyObject): string | undefined {
  const name = resource[resourceTypeInfo(typeUrl)?.nameField ?? 'name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function shortNameOf(typeUrl: string): string {
  return resourceTypeInfo(typeUrl)?.shortName ?? typeUrl;
}

interface KeptEntry {
  readonly entry: SnapshotEntry;
  readonly digest: Digest;
}

/** Per encoding: its entry and digest, so a resource many snapshots hold is one entry hashed once. */
const entries = new WeakMap<EncodedResource, KeptEntry>();

function keptEntry(name: string, encoded: EncodedResource): KeptEntry {
  const known = entries.get(encoded);
  if (known !== undefined && known.entry.name === name) return known;
  const kept = { entry: { name, resource: encoded.resource, any: encoded.any, hash: encoded.hash }, digest: entryDigest(name, encoded.hash) };
  entries.set(encoded, kept);
  return kept;
}

/** Mutable per-type index while building. */
export interface BuiltTypes {
  readonly types: Map<string, { readonly entries: Map<string, SnapshotEntry>; readonly sum: DigestSum }>;
  readonly problems: string[];
}

/** Encodes (through the memo) and indexes resources, in order: the first of two equal names stays. */
export function buildTypes(inputs: Iterable<ResourceInput>, memo: EncodingMemo): BuiltTypes {
  const types: BuiltTypes['types'] = new Map();
  const problems: string[] = [];
  for (const { typeUrl, resource, contentKey } of inputs) {
    const name = nameOf(typeUrl, resource);
    if (name === undefined) {
      problems.push(`a ${shortNameOf(typeUrl)} resource has no name`);
      continue;
    }
    let type = types.get(typeUrl);
    if (type === undefined) types.set(typeUrl, (type = { entries: new Map(), sum: new DigestSum() }));
    if (type.entries.has(name)) {
      problems.push(`duplicate ${shortNameOf(typeUrl)} resource name '${name}'`);
      continue;
    }
    // The memo's canonical object: equal resources of snapshots built at other times share one copy.
    const kept = keptEntry(name, memo.encode(typeUrl, resource, contentKey));
    type.entries.set(name, kept.entry);
    type.sum.add(kept.digest);
  }
  return { types, problems };
}

export function typeEntriesOf(built: BuiltTypes): Map<string, TypeEntries> {
  const out = new Map<string, TypeEntries>();
  for (const [typeUrl, t] of built.types) out.set(typeUrl, { entries: t.entries, digest: t.sum.value });
  return out;
}

/** Encodes (through the memo) and indexes resources; throws EnvoyEncodeError on a malformed one. */
export function buildSnapshot(inputs: Iterable<ResourceInput>, memo: EncodingMemo = sharedEncodingMemo): XdsSnapshot {
  const built = buildTypes(inputs, memo);
  return new XdsSnapshot(typeEntriesOf(built), built.problems);
}

const danglingRouteError = (listener: string, route: string): string =>
  `listener '${listener}' refers to route configuration '${route}', which is not in the snapshot`;

const danglingEndpointsError = (cluster: string, needed: string): string =>
  `cluster '${cluster}' needs ClusterLoadAssignment '${needed}', which is not in the snapshot`;

const routeNames = new WeakMap<SnapshotEntry, readonly string[]>();

/** The route configurations a listener entry loads over RDS (read once per entry). */
function routesOfListener(listener: SnapshotEntry): readonly string[] {
  let names = routeNames.get(listener);
  if (names === undefined) routeNames.set(listener, (names = routeConfigNamesOf(listener.resource)));
  return names;
}

/** Appends a dangling-route error for each route configuration `listeners` load that `routes` lacks. */
export function checkRoutes(listeners: Iterable<SnapshotEntry>, routes: ReadonlyMap<string, SnapshotEntry>, errors: string[]): void {
  for (const listener of listeners) for (const route of routesOfListener(listener)) if (!routes.has(route)) errors.push(danglingRouteError(listener.name, route));
}

/** Appends an error for each EDS cluster whose ClusterLoadAssignment `endpoints` lacks. */
export function checkEndpoints(clusters: Iterable<SnapshotEntry>, endpoints: ReadonlyMap<string, SnapshotEntry>, errors: string[]): void {
  for (const cluster of clusters) {
    const needed = endpointsNameOf(cluster.resource);
    if (needed !== undefined && !endpoints.has(needed)) errors.push(danglingEndpointsError(cluster.name, needed));
  }
}

function fullConsistencyErrors(snapshot: XdsSnapshot): string[] {
  const errors = [...snapshot.buildProblems];
  checkRoutes(snapshot.resources(TYPE_URL.listener).values(), snapshot.resources(TYPE_URL.routeConfiguration), errors);
  checkEndpoints(snapshot.resources(TYPE_URL.cluster).values(), snapshot.resources(TYPE_URL.clusterLoadAssignment), errors);
  return errors;
}

/** Everything that makes the snapshot unsafe to publish; empty when it is consistent. */
export function consistencyErrors(snapshot: XdsSnapshot): string[] {
  return snapshot.consistencyErrors();
}
