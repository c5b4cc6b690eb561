/**
 * The two lookups the MeshMultiZoneService status needs to follow one change instead of its whole
 * mesh, kept with put/remove: which MMZSs select a given MeshService (each MMZS filed under the
 * first pair of its `matchLabels`, or under its mesh when it has none), and which MeshServices an
 * MMZS may select (each MeshService filed under its mesh and under every one of its label pairs;
 * an MMZS looks only in the smallest bucket among its pairs). Matching is the rule of
 * computeMeshMultiZoneServiceStatus: same mesh, every selector label present with that value.
 * No I/O.
 */
import { keyOf, keyString, type Labels, type ResourceKey } from '../core/resource.js';
import { type MeshMultiZoneServiceSpec, selectorLabelsOf } from '../resources/mesh-multizone-service/types.js';

/** What the status reads of a MeshService. */
export interface LabelledService extends ResourceKey {
  readonly labels: Labels;
}

/** What the index reads of a MeshMultiZoneService. */
export interface SelectingService extends ResourceKey {
  readonly spec?: MeshMultiZoneServiceSpec;
}

interface Filed {
  readonly key: ResourceKey;
  readonly mesh: string;
  readonly wanted: readonly (readonly [string, string])[];
  readonly bucket: string;
}

/** Whether an MMZS of `mesh` wanting these labels matches the MeshService. */
function matches(mesh: string, wanted: readonly (readonly [string, string])[], ms: LabelledService): boolean {
  return ms.mesh === mesh && wanted.every(([k, v]) => ms.labels[k] === v);
}

export class MultiZoneSelectorIndex {
  private readonly services = new Map<string, LabelledService>();
  private readonly servicesIn = new Buckets<LabelledService>();
  private readonly selectors = new Map<string, Filed>();
  private readonly selectorsIn = new Buckets<Filed>();

  /** Adds a MeshService, or replaces the one with the same key. */
  putService(ms: LabelledService): void {
    this.removeService(ms);
    const k = keyString(ms);
    const kept: LabelledService = { ...keyOf(ms), labels: ms.labels };
    this.services.set(k, kept);
    for (const b of serviceBuckets(kept)) this.servicesIn.add(b, k, kept);
  }

  removeService(key: ResourceKey): void {
    const k = keyString(key);
    const held = this.services.get(k);
    if (held === undefined) return;
    this.services.delete(k);
    for (const b of serviceBuckets(held)) this.servicesIn.delete(b, k);
  }

  /** Adds a MeshMultiZoneService, or replaces the one with the same key. */
  putMultiZone(m: SelectingService): void {
    this.removeMultiZone(m);
    const wanted = Object.entries(selectorLabelsOf(m.spec ?? {}));
    const first = wanted[0];
    const filed: Filed = { key: keyOf(m), mesh: m.mesh, wanted, bucket: first ? labelBucket(m.mesh, first[0], first[1]) : meshBucket(m.mesh) };
    const k = keyString(m);
    this.selectors.set(k, filed);
    this.selectorsIn.add(filed.bucket, k, filed);
  }

  removeMultiZone(key: ResourceKey): void {
    const k = keyString(key);
    const held = this.selectors.get(k);
    if (held === undefined) return;
    this.selectors.delete(k);
    this.selectorsIn.delete(held.bucket, k);
  }

  /** The keys of the MeshMultiZoneServices whose selector matches `ms`. */
  selecting(ms: LabelledService): ResourceKey[] {
    const out: ResourceKey[] = [];
    for (const b of serviceBuckets(ms)) {
      for (const f of this.selectorsIn.get(b).values()) if (matches(f.mesh, f.wanted, ms)) out.push(f.key);
    }
    return out;
  }

  /** The MeshServices `m`'s selector matches, looked for in the smallest bucket among its pairs. */
  selectedBy(m: SelectingService): LabelledService[] {
    const wanted = Object.entries(selectorLabelsOf(m.spec ?? {}));
    let smallest = this.servicesIn.get(meshBucket(m.mesh));
    for (const [k, v] of wanted) {
      const bucket = this.servicesIn.get(labelBucket(m.mesh, k, v));
      if (bucket.size < smallest.size) smallest = bucket;
    }
    const out: LabelledService[] = [];
    for (const ms of smallest.values()) if (matches(m.mesh, wanted, ms)) out.push(ms);
    return out;
  }
}

const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/** Bucket -> key -> value, dropping a bucket when it empties. */
class Buckets<T> {
  private readonly byBucket = new Map<string, Map<string, T>>();

  add(bucket: string, key: string, value: T): void {
    const held = this.byBucket.get(bucket) ?? new Map<string, T>();
    held.set(key, value);
    this.byBucket.set(bucket, held);
  }

  delete(bucket: string, key: string): void {
    const held = this.byBucket.get(bucket);
    held?.delete(key);
    if (held?.size === 0) this.byBucket.delete(bucket);
  }

  get(bucket: string): ReadonlyMap<string, T> {
    return this.byBucket.get(bucket) ?? EMPTY;
  }
}

function serviceBuckets(ms: LabelledService): string[] {
  const out = [meshBucket(ms.mesh)];
  for (const k in ms.labels) out.push(labelBucket(ms.mesh, k, ms.labels[k] as string));
  return out;
}

/** JSON, so no mesh, key or value can make two different triples one bucket. */
const labelBucket = (mesh: string, k: string, v: string): string => JSON.stringify([mesh, k, v]);
const meshBucket = (mesh: string): string => JSON.stringify([mesh]);
