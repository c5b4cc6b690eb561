/**
 * Which Dataplanes a MeshService selects and which of their inbounds back each port (semantics
 * 1.7 and A.1, 2.x): `dataplaneTags` = one inbound carries every tag (an empty map matches
 * nothing); `dataplaneRef` = the Dataplane of that name; `dataplaneLabels` = subset of the
 * Dataplane's labels (empty matches the whole mesh); no selector matches nothing. A Dataplane
 * without inbounds is never selected. Health is not consulted here.
 */
import type { Resource } from '../../core/resource.js';
import { type DataplaneSpec, type Inbound, inboundsOf } from '../dataplane/types.js';
import type { MeshServicePort, MeshServiceSelector } from './types.js';

export type DataplaneResource = Resource<DataplaneSpec>;

export interface SelectingService {
  readonly mesh: string;
  readonly spec: { readonly selector?: MeshServiceSelector };
}

function subset(wanted: Readonly<Record<string, string>>, have: Readonly<Record<string, string>> | undefined): boolean {
  for (const k in wanted) if (have?.[k] !== wanted[k]) return false;
  return true;
}

export function selects(ms: SelectingService, dp: DataplaneResource): boolean {
  if (dp.mesh !== ms.mesh) return false;
  const inbounds = inboundsOf(dp.spec);
  if (inbounds.length === 0) return false;
  const selector = ms.spec.selector;
  if (selector?.dataplaneTags !== undefined) {
    const tags = selector.dataplaneTags;
    if (Object.keys(tags).length === 0) return false;
    return inbounds.some((i) => subset(tags, i.tags));
  }
  if (selector?.dataplaneRef !== undefined) return dp.name === selector.dataplaneRef.name;
  if (selector?.dataplaneLabels !== undefined) return subset(selector.dataplaneLabels.matchLabels ?? {}, dp.labels);
  return false;
}

/** Whether an inbound backs a port: a number names the inbound port, a string its name. */
export function inboundMatchesPort(inbound: Inbound, port: Pick<MeshServicePort, 'targetPort'>): boolean {
  const target = port.targetPort;
  if (typeof target === 'number') return inbound.port === target;
  if (typeof target === 'string') return target !== '' && inbound.name === target;
  return false; // absent targetPort is Kuma's int 0: it matches nothing
}

export function inboundsForPort(dp: DataplaneResource, port: Pick<MeshServicePort, 'targetPort'>): Inbound[] {
  return inboundsOf(dp.spec).filter((i) => inboundMatchesPort(i, port));
}

/**
 * Dataplanes indexed so that selecting for many services costs about the matches, not
 * services x Dataplanes: by mesh, by name, by label pair and by inbound tag pair. Built once from
 * a list, or kept current with `put` / `remove` (a controller that follows store changes). A label
 * or tag key is indexed the first time a selector asks for it (selectors use few keys, Dataplanes
 * carry many), and kept current from then on.
 */
export class DataplaneIndex {
  /** `<mesh>\0<name>` -> Dataplane, in the order they were put. */
  private readonly byName = new Map<string, DataplaneResource>();
  /** Bucket key -> Dataplane name -> Dataplane; a bucket's order is the order Dataplanes entered it. */
  private readonly byMesh = new Map<string, Map<string, DataplaneResource>>();
  /** Label key -> `<mesh>\0<key>\0<value>` -> bucket, for the keys indexed so far. */
  private readonly byLabel = new Map<string, Map<string, Map<string, DataplaneResource>>>();
  /** Inbound tag key -> `<mesh>\0<key>\0<value>` -> bucket, for the keys indexed so far. */
  private readonly byTag = new Map<string, Map<string, Map<string, DataplaneResource>>>();

  constructor(dataplanes: Iterable<DataplaneResource> = []) {
    for (const dp of dataplanes) this.put(dp);
  }

  /** Adds a Dataplane, or replaces the one of the same mesh and name. */
  put(dp: DataplaneResource): void {
    this.remove(dp);
    const inbounds = inboundsOf(dp.spec);
    if (inbounds.length === 0) return;
    this.byName.set(pair(dp.mesh, dp.name), dp);
    add(this.byMesh, dp.mesh, dp);
    for (const [k, buckets] of this.byLabel) if (dp.labels[k] !== undefined) add(buckets, triple(dp.mesh, k, dp.labels[k]), dp);
    for (const [k, buckets] of this.byTag) for (const i of inbounds) if (i.tags?.[k] !== undefined) add(buckets, triple(dp.mesh, k, i.tags[k]), dp);
  }

  /** Forgets the Dataplane of this mesh and name (whatever version the index holds). */
  remove(key: { readonly mesh: string; readonly name: string }): void {
    const held = this.byName.get(pair(key.mesh, key.name));
    if (held === undefined) return;
    this.byName.delete(pair(key.mesh, key.name));
    drop(this.byMesh, held.mesh, held.name);
    for (const [k, buckets] of this.byLabel) if (held.labels[k] !== undefined) drop(buckets, triple(held.mesh, k, held.labels[k]), held.name);
    for (const [k, buckets] of this.byTag) for (const i of inboundsOf(held.spec)) if (i.tags?.[k] !== undefined) drop(buckets, triple(held.mesh, k, i.tags[k]), held.name);
  }

  /** The Dataplanes `ms` selects, in the order they were given. */
  select(ms: SelectingService): DataplaneResource[] {
    const selector = ms.spec.selector;
    let candidates: Iterable<DataplaneResource>;
    let exact: boolean; // the lookup alone already answers, no need to check each candidate
    if (selector?.dataplaneTags !== undefined) {
      const tags = Object.entries(selector.dataplaneTags);
      const first = tags[0];
      if (!first) return [];
      candidates = this.tagBuckets(first[0]).get(triple(ms.mesh, first[0], first[1]))?.values() ?? [];
      exact = tags.length === 1;
    } else if (selector?.dataplaneRef !== undefined) {
      const dp = this.byName.get(pair(ms.mesh, selector.dataplaneRef.name ?? ''));
      candidates = dp ? [dp] : [];
      exact = true;
    } else if (selector?.dataplaneLabels !== undefined) {
      const labels = Object.entries(selector.dataplaneLabels.matchLabels ?? {});
      const first = labels[0];
      candidates = (first ? this.labelBuckets(first[0]).get(triple(ms.mesh, first[0], first[1])) : this.byMesh.get(ms.mesh))?.values() ?? [];
      exact = labels.length <= 1;
    } else {
      return [];
    }
    return exact ? [...candidates] : [...candidates].filter((dp) => selects(ms, dp));
  }

  private labelBuckets(k: string): Map<string, Map<string, DataplaneResource>> {
    let buckets = this.byLabel.get(k);
    if (buckets === undefined) {
      buckets = new Map();
      for (const dp of this.byName.values()) if (dp.labels[k] !== undefined) add(buckets, triple(dp.mesh, k, dp.labels[k]), dp);
      this.byLabel.set(k, buckets);
    }
    return buckets;
  }

  private tagBuckets(k: string): Map<string, Map<string, DataplaneResource>> {
    let buckets = this.byTag.get(k);
    if (buckets === undefined) {
      buckets = new Map();
      for (const dp of this.byName.values()) for (const i of inboundsOf(dp.spec)) if (i.tags?.[k] !== undefined) add(buckets, triple(dp.mesh, k, i.tags[k]), dp);
      this.byTag.set(k, buckets);
    }
    return buckets;
  }
}

function add(m: Map<string, Map<string, DataplaneResource>>, key: string, dp: DataplaneResource): void {
  const bucket = m.get(key);
  if (bucket === undefined) m.set(key, new Map([[dp.name, dp]]));
  else if (!bucket.has(dp.name)) bucket.set(dp.name, dp);
}

function drop(m: Map<string, Map<string, DataplaneResource>>, key: string, name: string): void {
  const bucket = m.get(key);
  if (bucket === undefined) return;
  bucket.delete(name);
  if (bucket.size === 0) m.delete(key);
}

// NUL cannot appear in names, labels or tags, so these keys never collide.
export const pair = (a: string, b: string): string => `${a}\u0000${b}`;
export const triple = (a: string, b: string, c: string): string => `${a}\u0000${b}\u0000${c}`;
