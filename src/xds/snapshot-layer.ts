/**
 * A snapshot made of two layers: a proxy's own resources, and those it shares with every proxy of
 * its outbound shape (generators/shared-outbound.ts). Each layer is encoded, indexed, summed and
 * checked once, kept per input array and memo (the shared array is one per shape and MeshContext,
 * the own one one per Dataplane object), so a proxy's snapshot costs a merge per type its own
 * layer has, not a pass over its hundreds of shared resources. The result is the flat build of the
 * first layer's inputs followed by the second's: the same entries in the same order (a read-only
 * view over two maps), the same versions (digest sums add), the same build problems and
 * consistency errors in the same order. A name in both layers falls back to the flat build.
 */
import { sharedEncodingMemo, type EncodingMemo } from './envoy/encoding-memo.js';
import { TYPE_URL } from './envoy/type-urls.js';
import { JoinedMap } from './joined-map.js';
import { addDigests } from './snapshot-version.js';
import {
  buildSnapshot,
  buildTypes,
  checkEndpoints,
  checkRoutes,
  type ResourceInput,
  type SnapshotEntry,
  type TypeEntries,
  typeEntriesOf,
  XdsSnapshot,
} from './snapshot.js';

export class SnapshotLayer {
  readonly types: ReadonlyMap<string, TypeEntries>;
  readonly problems: readonly string[];
  /** The layer's consistency errors as it stands alone: each is checked again per proxy. */
  private readonly dangling: { readonly routes: readonly SnapshotEntry[]; readonly clusters: readonly SnapshotEntry[] };

  constructor(
    readonly inputs: readonly ResourceInput[],
    readonly memo: EncodingMemo,
  ) {
    const built = buildTypes(inputs, memo);
    this.types = typeEntriesOf(built);
    this.problems = built.problems;
    const entries = (typeUrl: string): ReadonlyMap<string, SnapshotEntry> => this.types.get(typeUrl)?.entries ?? NONE;
    this.dangling = {
      routes: [...entries(TYPE_URL.listener).values()].filter((l) => failing((e) => checkRoutes([l], entries(TYPE_URL.routeConfiguration), e))),
      clusters: [...entries(TYPE_URL.cluster).values()].filter((c) => failing((e) => checkEndpoints([c], entries(TYPE_URL.clusterLoadAssignment), e))),
    };
  }

  /** Listeners that need a route configuration the layer lacks, in layer order. */
  get listenersWithDanglingRoutes(): readonly SnapshotEntry[] {
    return this.dangling.routes;
  }

  /** EDS clusters whose ClusterLoadAssignment the layer lacks, in layer order. */
  get clustersWithDanglingEndpoints(): readonly SnapshotEntry[] {
    return this.dangling.clusters;
  }
}

const NONE: ReadonlyMap<string, SnapshotEntry> = new Map();

function failing(check: (errors: string[]) => void): boolean {
  const errors: string[] = [];
  check(errors);
  return errors.length > 0;
}

const layers = new WeakMap<readonly ResourceInput[], Map<EncodingMemo, SnapshotLayer>>();

/** The layer of `inputs` (built once per array object and memo); the array must not change after. */
export function snapshotLayerOf(inputs: readonly ResourceInput[], memo: EncodingMemo = sharedEncodingMemo): SnapshotLayer {
  let byMemo = layers.get(inputs);
  if (byMemo === undefined) layers.set(inputs, (byMemo = new Map()));
  let layer = byMemo.get(memo);
  if (layer === undefined) byMemo.set(memo, (layer = new SnapshotLayer(inputs, memo)));
  return layer;
}

/**
 * The snapshot of `first`'s inputs followed by `second`'s, at the cost of the types both have:
 * with both layers kept (a proxy's own resources are kept per Dataplane), that is the own types.
 */
export function layeredSnapshot(first: SnapshotLayer, second: SnapshotLayer): XdsSnapshot {
  const types = new Map(second.types);
  for (const [typeUrl, mine] of first.types) {
    const other = second.types.get(typeUrl);
    if (other === undefined) {
      types.set(typeUrl, mine);
      continue;
    }
    for (const name of mine.entries.keys()) if (other.entries.has(name)) return buildSnapshot([...first.inputs, ...second.inputs], first.memo);
    types.set(typeUrl, { entries: new JoinedMap(mine.entries, other.entries), digest: addDigests(mine.digest, other.digest) });
  }
  const problems = first.problems.length === 0 ? second.problems : second.problems.length === 0 ? first.problems : [...first.problems, ...second.problems];
  return new XdsSnapshot(types, problems, (s) => layeredConsistencyErrors(s, first, second));
}

/**
 * The flat scan's errors in its order (first's listeners, second's, first's clusters, second's).
 * What resolves within a layer resolves in the whole, so only each layer's dangling ones are checked.
 */
function layeredConsistencyErrors(snapshot: XdsSnapshot, first: SnapshotLayer, second: SnapshotLayer): string[] {
  const errors = [...snapshot.buildProblems];
  const routes = snapshot.resources(TYPE_URL.routeConfiguration);
  checkRoutes(first.listenersWithDanglingRoutes, routes, errors);
  checkRoutes(second.listenersWithDanglingRoutes, routes, errors);
  const endpoints = snapshot.resources(TYPE_URL.clusterLoadAssignment);
  checkEndpoints(first.clustersWithDanglingEndpoints, endpoints, errors);
  checkEndpoints(second.clustersWithDanglingEndpoints, endpoints, errors);
  return errors;
}
