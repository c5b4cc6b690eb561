/**
 * The reverse of DataplaneIndex: which MeshServices may select a given Dataplane, found through
 * the first pair of each selector (dataplaneTags -> inbound tag pair, dataplaneRef -> name,
 * dataplaneLabels -> label pair, empty matchLabels -> the whole mesh). A change to one Dataplane
 * then costs the services that can select it, not every service of the zone.
 */
import { keyString, type Resource } from '../core/resource.js';
import { inboundsOf } from '../resources/dataplane/types.js';
import { type DataplaneResource, pair, selects, triple } from '../resources/mesh-service/selection.js';
import type { MeshServiceSelector } from '../resources/mesh-service/types.js';

type Service = Resource<{ readonly selector?: MeshServiceSelector }>;

export class MeshServiceSelectorIndex {
  private readonly byKey = new Map<string, { readonly service: Service; readonly bucket: string | undefined }>();
  private readonly buckets = new Map<string, Map<string, Service>>();

  /** Adds a MeshService, or replaces the one with the same key. */
  put(ms: Service): void {
    this.remove(ms);
    const bucket = bucketOf(ms);
    this.byKey.set(keyString(ms), { service: ms, bucket });
    if (bucket === undefined) return;
    const services = this.buckets.get(bucket) ?? new Map<string, Service>();
    services.set(keyString(ms), ms);
    this.buckets.set(bucket, services);
  }

  remove(key: { readonly type: string; readonly mesh: string; readonly name: string }): void {
    const k = keyString(key);
    const held = this.byKey.get(k);
    if (held === undefined) return;
    this.byKey.delete(k);
    if (held.bucket === undefined) return;
    const services = this.buckets.get(held.bucket);
    services?.delete(k);
    if (services?.size === 0) this.buckets.delete(held.bucket);
  }

  /** The MeshServices that select `dp`. */
  selecting(dp: DataplaneResource): Service[] {
    const inbounds = inboundsOf(dp.spec);
    if (inbounds.length === 0) return [];
    const keys = new Set<string>([wholeMesh(dp.mesh), ref(dp.mesh, dp.name)]);
    for (const k in dp.labels) keys.add(label(dp.mesh, k, dp.labels[k] as string));
    for (const i of inbounds) {
      const tags = i.tags ?? {};
      for (const k in tags) keys.add(tag(dp.mesh, k, tags[k] as string));
    }
    const out: Service[] = [];
    for (const key of keys) for (const ms of this.buckets.get(key)?.values() ?? []) if (selects(ms, dp)) out.push(ms);
    return out;
  }
}

/** The one bucket a selector can be found in; undefined when it selects nothing whatever the Dataplane. */
function bucketOf(ms: Service): string | undefined {
  const selector = ms.spec?.selector;
  if (selector?.dataplaneTags !== undefined) {
    const first = Object.entries(selector.dataplaneTags)[0];
    return first ? tag(ms.mesh, first[0], first[1]) : undefined;
  }
  if (selector?.dataplaneRef !== undefined) return ref(ms.mesh, selector.dataplaneRef.name ?? '');
  if (selector?.dataplaneLabels !== undefined) {
    const first = Object.entries(selector.dataplaneLabels.matchLabels ?? {})[0];
    return first ? label(ms.mesh, first[0], first[1]) : wholeMesh(ms.mesh);
  }
  return undefined;
}

const tag = (mesh: string, k: string, v: string): string => `t\u0000${triple(mesh, k, v)}`;
const label = (mesh: string, k: string, v: string): string => `l\u0000${triple(mesh, k, v)}`;
const ref = (mesh: string, name: string): string => `r\u0000${pair(mesh, name)}`;
const wholeMesh = (mesh: string): string => `m\u0000${mesh}`;
