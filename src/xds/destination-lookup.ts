/**
 * The lookups proxy-sync needs to turn one store event into the destinations it concerns, kept
 * current from MeshService and MeshMultiZoneService events (and filled from the cache at start),
 * so that each costs about its matches rather than a scan of every service:
 * - the MeshServices that select a Dataplane (MeshServiceSelectorIndex, the status controller's);
 * - the MeshMultiZoneServices whose status lists a MeshService (by the member's display name);
 * - the MeshServices or MeshMultiZoneServices of a display name (what a route's `to` ref names);
 * - the MeshServices synced from a zone (`kuma.io/origin: global`, by `kuma.io/zone`).
 */
import { displayName } from '../core/kri.js';
import { keyString, type Resource } from '../core/resource.js';
import { LABEL } from '../core/well-known-labels.js';
import { MeshServiceSelectorIndex } from '../controllers/meshservice-selector-index.js';
import type { StoreEvent } from '../store/store.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource, ResourceView } from './proxy-context.js';

const INDEXED = new Set(['MeshService', 'MeshMultiZoneService']);

/** Buckets of resources by a string key; each resource is remembered under the keys it was put with. */
class Buckets<T extends Resource> {
  private readonly byBucket = new Map<string, Map<string, T>>();

  add(bucket: string, r: T): void {
    const held = this.byBucket.get(bucket) ?? new Map<string, T>();
    held.set(keyString(r), r);
    this.byBucket.set(bucket, held);
  }

  delete(bucket: string, r: Resource): void {
    const held = this.byBucket.get(bucket);
    held?.delete(keyString(r));
    if (held?.size === 0) this.byBucket.delete(bucket);
  }

  get(bucket: string): T[] {
    return [...(this.byBucket.get(bucket)?.values() ?? [])];
  }
}

export class DestinationLookup {
  private readonly selectors = new MeshServiceSelectorIndex();
  private readonly multiZoneByMember = new Buckets<MultiZoneServiceResource>();
  private readonly byDisplayName = new Buckets<Resource>();
  private readonly syncedByZone = new Buckets<MeshServiceResource>();
  /** The version each indexed resource was indexed as (its buckets are derived from it). */
  private readonly held = new Map<string, Resource>();

  /** Indexes every MeshService and MeshMultiZoneService the view holds (and nothing else). */
  fill(view: ResourceView): void {
    for (const r of [...this.held.values()]) this.remove(r);
    for (const type of INDEXED) for (const r of view.list(type)) this.put(r);
  }

  /** Follows one store event (other kinds are ignored). */
  apply(e: StoreEvent): void {
    if (!INDEXED.has(e.resource.type)) return;
    if (e.op === 'delete') this.remove(e.resource);
    else this.put(e.resource);
  }

  /** The MeshServices that select `dp`. */
  selecting(dp: DataplaneResource): MeshServiceResource[] {
    return this.selectors.selecting(dp) as MeshServiceResource[];
  }

  /** The MeshMultiZoneServices of `mesh` whose status lists one of these MeshServices. */
  multiZoneOver(mesh: string, services: readonly Resource[]): MultiZoneServiceResource[] {
    const out = new Map<string, MultiZoneServiceResource>();
    for (const name of new Set(services.map(displayName))) for (const z of this.multiZoneByMember.get(memberBucket(mesh, name))) out.set(z.name, z);
    return [...out.values()];
  }

  /** The destinations of `kind` in `mesh` whose display name is `name`. */
  named(mesh: string, kind: string, name: string): Resource[] {
    return this.byDisplayName.get(nameBucket(mesh, kind, name));
  }

  /** The MeshServices (of any mesh) synced from `zone` by the global control plane. */
  syncedFrom(zone: string): MeshServiceResource[] {
    return this.syncedByZone.get(zone);
  }

  private put(r: Resource): void {
    this.remove(r);
    this.held.set(keyString(r), r);
    this.byDisplayName.add(nameBucket(r.mesh, r.type, displayName(r)), r);
    if (r.type === 'MeshService') {
      const ms = r as MeshServiceResource;
      this.selectors.put(ms);
      const zone = syncedZoneOf(ms);
      if (zone !== undefined) this.syncedByZone.add(zone, ms);
      return;
    }
    for (const member of membersOf(r as MultiZoneServiceResource)) this.multiZoneByMember.add(memberBucket(r.mesh, member), r as MultiZoneServiceResource);
  }

  private remove(key: Resource): void {
    const r = this.held.get(keyString(key));
    if (r === undefined) return;
    this.held.delete(keyString(r));
    this.byDisplayName.delete(nameBucket(r.mesh, r.type, displayName(r)), r);
    if (r.type === 'MeshService') {
      this.selectors.remove(r);
      const zone = syncedZoneOf(r);
      if (zone !== undefined) this.syncedByZone.delete(zone, r);
      return;
    }
    for (const member of membersOf(r as MultiZoneServiceResource)) this.multiZoneByMember.delete(memberBucket(r.mesh, member), r);
  }
}

function membersOf(z: MultiZoneServiceResource): Set<string> {
  return new Set((z.status?.meshServices ?? []).map((m) => m.name));
}

function syncedZoneOf(ms: Resource): string | undefined {
  const zone = ms.labels[LABEL.zone] ?? '';
  return ms.labels[LABEL.origin] === 'global' && zone !== '' ? zone : undefined;
}

const memberBucket = (mesh: string, name: string): string => `${mesh}\u0000${name}`;
const nameBucket = (mesh: string, kind: string, name: string): string => `${mesh}\u0000${kind}\u0000${name}`;
