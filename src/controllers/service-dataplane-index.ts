/**
 * Which Dataplanes carry each `kuma.io/service` value, per mesh, kept current from store events:
 * the generator plans one service from exactly these Dataplanes instead of the whole mesh.
 */
import type { Resource } from '../core/resource.js';
import { type DataplaneSpec, serviceTagsOf } from '../resources/dataplane/types.js';
import type { StoreEvent } from '../store/store.js';

type DataplaneResource = Resource<DataplaneSpec>;

export class ServiceDataplaneIndex {
  /** `<mesh>\0<service>` -> Dataplane name -> Dataplane. */
  private readonly byService = new Map<string, Map<string, DataplaneResource>>();

  constructor(dataplanes: Iterable<Resource> = []) {
    for (const dp of dataplanes) this.add(dp as DataplaneResource);
  }

  /** Takes in one Dataplane event (create, update, delete). */
  apply(e: StoreEvent): void {
    if (e.resource.type !== 'Dataplane') return;
    if (e.previous) this.remove(e.previous as DataplaneResource);
    this.remove(e.resource as DataplaneResource);
    if (e.op !== 'delete') this.add(e.resource as DataplaneResource);
  }

  /** The Dataplanes of a mesh with an inbound of any of these services, each once. */
  dataplanesOf(mesh: string, services: Iterable<string>): DataplaneResource[] {
    const out = new Map<string, DataplaneResource>();
    for (const s of services) for (const dp of this.byService.get(key(mesh, s))?.values() ?? []) out.set(dp.name, dp);
    return [...out.values()];
  }

  private add(dp: DataplaneResource): void {
    for (const service of serviceTagsOf(dp.spec)) {
      const k = key(dp.mesh, service);
      const dps = this.byService.get(k) ?? new Map<string, DataplaneResource>();
      dps.set(dp.name, dp);
      this.byService.set(k, dps);
    }
  }

  private remove(dp: DataplaneResource): void {
    for (const service of serviceTagsOf(dp.spec)) {
      const k = key(dp.mesh, service);
      const dps = this.byService.get(k);
      dps?.delete(dp.name);
      if (dps?.size === 0) this.byService.delete(k);
    }
  }
}

const key = (mesh: string, service: string): string => `${mesh}\u0000${service}`;
